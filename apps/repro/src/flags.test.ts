import {parseFlags, COMMON_FLAGS, formatFlagHelp, choosePreset} from './flags';

describe('parseFlags', () => {
  it('reads values, =values, booleans and lists', () => {
    expect(parseFlags(['--quick', '--epochs', '5', '--sizes=10,20', '--out', 'x', '--resume=false'], COMMON_FLAGS, 'simulated'))
      .toEqual({quick: true, epochs: 5, sizes: [10, 20], out: 'x', resume: false});
  });
  it('throws when a flag is unknown, naming it', () => {
    expect(() => parseFlags(['--epoch', '5'], COMMON_FLAGS, 'simulated')).toThrow(/encoderless simulated: unknown flag --epoch; known: --out/);
  });
  it('throws when a value has the wrong type or is missing', () => {
    expect(() => parseFlags(['--epochs', 'ten'], COMMON_FLAGS, 'simulated')).toThrow(/--epochs takes an integer, got 'ten'/);
    expect(() => parseFlags(['--sizes', '10,-2'], COMMON_FLAGS, 'simulated')).toThrow(/--sizes takes positive integers separated by commas, got '10,-2'/);
    expect(() => parseFlags(['--seed'], COMMON_FLAGS, 'simulated')).toThrow(/--seed needs a value \(integer\)/);
    expect(() => parseFlags(['--quick=yes'], COMMON_FLAGS, 'simulated')).toThrow(/--quick takes no value/);
    expect(() => parseFlags(['fast'], COMMON_FLAGS, 'simulated')).toThrow(/unexpected argument 'fast'/);
  });
  it('help lists every flag', () => {
    const help = formatFlagHelp(COMMON_FLAGS);
    for (const name of Object.keys(COMMON_FLAGS)) expect(help).toContain(`--${name}`);
  });

  it('chooses the preset from --preset or --quick, and throws on an unknown one', () => {
    const presets = {full: 1, quick: 2};
    expect(choosePreset({}, presets, 'x')).toEqual({name: 'full', preset: 1});
    expect(choosePreset({quick: true}, presets, 'x')).toEqual({name: 'quick', preset: 2});
    expect(choosePreset({preset: 'quick'}, presets, 'x')).toEqual({name: 'quick', preset: 2});
    expect(() => choosePreset({preset: 'paper'}, presets, 'x')).toThrow(/unknown preset 'paper'; expected one of full, quick/);
    expect(() => choosePreset({preset: 'full', quick: true}, presets, 'x')).toThrow(/--quick and --preset full disagree/);
  });
});
