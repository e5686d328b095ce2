import {formatFlagHelp, parseCommandLine} from './command-line';
import {applyFlags, checkConfig, differingFlags, knobFlags, type ConfigOf, type Coupling, type Knobs} from './knobs';

const KNOBS = {
  sizes: {kind: 'integer-list', min: 1, help: 'sizes'},
  epochs: {kind: 'integer', min: 1, max: 1000, help: 'epochs'},
  rate: {kind: 'number', above: 0, below: 1, help: 'a rate'},
  mode: {kind: 'choice', choices: ['dense', 'sparse'], help: 'mode'},
  models: {kind: 'choice-list', choices: ['a', 'b', 'c'], help: 'models'},
  dataDir: {kind: 'text', help: 'data'},
  resize: {kind: 'boolean', help: 'resize'},
  inference: {kind: 'group', help: 'inference', knobs: {
    epochs: {kind: 'integer', min: 1, help: 'test epochs'},
    minRelativeImprovement: {kind: 'number', min: 0, help: 'tolerance'},
  }},
} as const satisfies Knobs;
type Config = ConfigOf<typeof KNOBS>;
const PRESET: Config = {
  sizes: [10], epochs: 5, rate: 0.5, mode: 'dense', models: ['a', 'b', 'c'], dataDir: null, resize: false,
  inference: {epochs: 50, minRelativeImprovement: 1e-4},
};
const COUPLINGS: Coupling[] = [{flag: 'epochs', sets: {'inference-epochs': (v: number) => Math.max(v, 50)}, note: 'also sets --inference-epochs'}];
const parse = (argv: string[]) => parseCommandLine('x', argv, KNOBS);

describe('flags derived from knobs', () => {
  it('every knob is a --kebab-case flag of its path, groups prefixed', () => {
    expect(knobFlags(KNOBS).map((f) => f.name)).toEqual(
      ['sizes', 'epochs', 'rate', 'mode', 'models', 'data-dir', 'resize', 'inference-epochs', 'inference-min-relative-improvement']);
  });

  it('reads values, =values, booleans and lists (sorted, deduplicated; choices in their own order)', () => {
    const flags = parse(['--sizes', '20,10,20', '--epochs=7', '--resize', '--models', 'c,a', '--inference-min-relative-improvement', '0.01',
      '--data-dir', '/d']);
    expect(Object.fromEntries(flags)).toEqual({sizes: [10, 20], epochs: 7, resize: true, models: ['a', 'c'], 'inference-min-relative-improvement': 0.01, 'data-dir': '/d'});
  });

  it('throws naming the flag, what it takes and what came; a typo gets a suggestion', () => {
    expect(() => parse(['--epoch', '5'])).toThrow(/encoderless x: unknown flag --epoch; .*did you mean --epochs\?/);
    expect(() => parse(['--epochs', 'ten'])).toThrow(/--epochs takes an integer in \[1, 1000\], got 'ten'/);
    expect(() => parse(['--epochs', '0'])).toThrow(/--epochs takes an integer in \[1, 1000\], got '0'/);
    expect(() => parse(['--epochs', '1000000000000000'])).toThrow(/--epochs takes an integer in \[1, 1000\]/);
    expect(() => parse(['--rate', '1'])).toThrow(/--rate takes a number in \(0, 1\), got '1'/);
    expect(() => parse(['--sizes', '10,-2'])).toThrow(/--sizes takes integers ≥ 1 separated by commas, got '10,-2'/);
    expect(() => parse(['--mode', 'full'])).toThrow(/--mode takes one of dense, sparse, got 'full'/);
    expect(() => parse(['--models', 'a,z'])).toThrow(/--models takes some of a, b, c, separated by commas, got 'a,z'/);
    expect(() => parse(['--epochs'])).toThrow(/--epochs takes .*, got no value/);
    expect(() => parse(['--resize=yes'])).toThrow(/--resize takes no value, got 'yes'/);
    expect(() => parse(['--epochs', '2', '--epochs', '3'])).toThrow(/--epochs is given twice/);
    expect(() => parse(['fast'])).toThrow(/unexpected argument 'fast'/);
    try {
      parse(['--epochs', '0']);
    } catch (err) {
      expect((err as {option?: string}).option).toBe('--epochs');
    }
  });

  it('applies the flags to the preset, then the couplings to what was not given', () => {
    const c = applyFlags('x', KNOBS, PRESET, parse(['--epochs', '80']), COUPLINGS);
    expect([c.epochs, c.inference.epochs]).toEqual([80, 80]);
    expect(applyFlags('x', KNOBS, PRESET, parse(['--epochs', '8']), COUPLINGS).inference.epochs).toBe(50);
    // Given explicitly, the target wins whatever the order on the command line.
    expect(applyFlags('x', KNOBS, PRESET, parse(['--inference-epochs', '9', '--epochs', '80']), COUPLINGS).inference.epochs).toBe(9);
    expect(PRESET.epochs).toBe(5); // the preset is not changed
  });

  it('a coupling that would set a value out of its knob\'s range throws naming both flags', () => {
    const bad: Coupling[] = [{flag: 'epochs', sets: {rate: (v: number) => v}, note: ''}];
    expect(() => applyFlags('x', KNOBS, PRESET, parse(['--epochs', '5']), bad))
      .toThrow(/--epochs 5 would set --rate to 5, which is not a number in \(0, 1\); give --rate too/);
  });

  it('checks a config read back from a file: missing, wrong or unknown settings', () => {
    expect(checkConfig(KNOBS, PRESET)).toBeUndefined();
    expect(checkConfig(KNOBS, {...PRESET, epochs: 'five'})).toMatch(/epochs is "five", expected an integer/);
    expect(checkConfig(KNOBS, {...PRESET, extra: 1})).toMatch(/unknown setting extra/);
    expect(checkConfig(KNOBS, {...PRESET, inference: {epochs: 3}})).toMatch(/inference.minRelativeImprovement is undefined/);
    expect(checkConfig(KNOBS, [])).toBe('not an object');
  });

  it('lists the flags that differ from a base config, by flag name', () => {
    const c = applyFlags('x', KNOBS, PRESET, parse(['--epochs', '80']), COUPLINGS);
    expect(differingFlags(KNOBS, c, PRESET).map((d) => `${d.name}=${JSON.stringify(d.now)}`)).toEqual(['epochs=80', 'inference-epochs=80']);
  });

  it('help lists every flag with what it takes, its default and its couplings', () => {
    const help = formatFlagHelp(KNOBS, PRESET, COUPLINGS);
    for (const f of knobFlags(KNOBS)) expect(help).toContain(`--${f.name}`);
    expect(help).toMatch(/--epochs <integer> +epochs \(default 5\); also sets --inference-epochs/);
    expect(help).toMatch(/--mode <dense\|sparse>/);
  });
});
