import {BadConfigError} from '@encoderless/errors';
import {convertFlag, describeKnob, knobFlags, type Coupling, type Knobs, type LeafKnob} from './knobs';

/**
 * Parse `--name value`, `--name=value` and boolean `--name` against the flags of `knobs` (every
 * leaf, named `--kebab-case` of its path), and the arguments that are not flags against
 * `positionals` (their names, in order; all required, as in `encoderless represent MODEL DATA`).
 * Returns the converted values by flag name (without dashes) and the positionals by their names.
 * Unknown flags, missing values, wrong types, values out of range and missing or extra
 * arguments throw `BadConfigError` naming the flag as typed; nothing is read or written before that.
 *
 * ```ts
 * parseCommandLine('simulated', ['--epochs', '5', '--quick'], knobs); // Map {epochs → 5, quick → true}
 * parseCommandLine('represent', ['m/', 'x.csv', '--out', 'r.csv'], knobs, ['MODEL', 'DATA']); // Map {out → 'r.csv', MODEL → 'm/', DATA → 'x.csv'}
 * ```
 */
export function parseCommandLine(command: string, argv: readonly string[], knobs: Knobs,
  positionals: readonly string[] = []): Map<string, unknown> {
  const flags = new Map(knobFlags(knobs).map((f) => [f.name, f.knob]));
  const out = new Map<string, unknown>();
  const given: string[] = [];
  const usage = `encoderless ${command}${positionals.map((p) => ` ${p}`).join('')} [flags]`;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      if (given.length < positionals.length) {
        given.push(arg);
        continue;
      }
      throw new BadConfigError(positionals.length === 0
        ? `encoderless ${command}: unexpected argument '${arg}'; flags start with -- (see encoderless ${command} --help)`
        : `encoderless ${command}: unexpected argument '${arg}'; usage: ${usage}`);
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const knob = flags.get(name);
    if (!knob) {
      throw new BadConfigError(`encoderless ${command}: unknown flag --${name}; see encoderless ${command} --help for the ` +
        `${flags.size} it takes${nearest(name, [...flags.keys()])}`, {option: `--${name}`});
    }
    if (out.has(name)) throw new BadConfigError(`encoderless ${command}: --${name} is given twice; give it once`, {option: `--${name}`});
    let raw: string | true = eq < 0 ? true : arg.slice(eq + 1);
    if (raw === true && knob.kind !== 'boolean') {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        raw = next;
        i++;
      }
    }
    out.set(name, convertFlag(command, name, knob, raw));
  }
  if (given.length < positionals.length && out.get('help') !== true) {
    throw new BadConfigError(`encoderless ${command}: missing ${positionals.slice(given.length).join(' and ')}; usage: ${usage}`,
      {option: positionals[given.length]});
  }
  given.forEach((value, k) => out.set(positionals[k], value));
  return out;
}

/** ", did you mean --epochs?" for a typo one or two letters away, else nothing. */
function nearest(name: string, known: readonly string[]): string {
  const distance = (a: string, b: string) => {
    const d = Array.from({length: b.length + 1}, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = d[0];
      d[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const next = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = d[j];
        d[j] = next;
      }
    }
    return d[b.length];
  };
  const best = known.map((k) => ({k, d: distance(name, k)})).sort((a, b) => a.d - b.d)[0];
  return best && best.d <= 2 ? `; did you mean --${best.k}?` : '';
}

/**
 * The help of a command's flags: one line per flag with what it takes, its default (from
 * `defaults`, a config of the same knobs, when given) and the couplings it drives.
 */
export function formatFlagHelp(knobs: Knobs, defaults?: object, couplings: readonly Coupling[] = []): string {
  const flags = knobFlags(knobs);
  const takes = (knob: LeafKnob) => (knob.kind === 'boolean' ? '' : ` <${takesWord(knob)}>`);
  const width = Math.max(...flags.map((f) => f.name.length + takes(f.knob).length)) + 4;
  const value = (path: readonly string[]) => path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], defaults);
  return flags.map(({name, path, knob}) => {
    const d = defaults === undefined ? undefined : value(path);
    const shown = d === undefined || d === null || d === false || (Array.isArray(d) && d.length === 0) ? ''
      : ` (default ${Array.isArray(d) ? d.join(',') : String(d)})`;
    const coupled = couplings.filter((c) => c.flag === name).map((c) => `; ${c.note}`).join('');
    return `  --${(name + takes(knob)).padEnd(width)}${knob.help}${shown}${coupled}`;
  }).join('\n');
}

function takesWord(knob: LeafKnob): string {
  switch (knob.kind) {
    case 'integer-list': case 'number-list': return 'n,n,…';
    case 'choice': return knob.choices.length <= 4 ? knob.choices.join('|') : 'name';
    case 'choice-list': return 'a,b,…';
    case 'text': return 'text';
    default: return describeKnob(knob).split(' ')[1] ?? knob.kind;
  }
}
