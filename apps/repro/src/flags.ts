import {BadConfigError} from '@encoderless/errors';

/** A flag the user got wrong: unknown, missing a value, or of the wrong type. */
export class BadFlagError extends BadConfigError {
  override name = 'BadFlagError';
}

export type FlagType = 'boolean' | 'integer' | 'number' | 'string' | 'integer-list';

export interface FlagSpec {
  readonly type: FlagType;
  readonly help: string;
}

export type FlagSchema = Readonly<Record<string, FlagSpec>>;

type FlagValue = boolean | number | string | number[];
export type ParsedFlags = Record<string, FlagValue>;

/** Flags every runner shares (the design card's list). */
export const COMMON_FLAGS = {
  out: {type: 'string', help: 'output folder (default runs/<command>)'},
  preset: {type: 'string', help: "settings to start from: 'full' (the paper's, default) or 'quick'"},
  quick: {type: 'boolean', help: "the small preset, same as --preset quick (CI runs it)"},
  epochs: {type: 'integer', help: 'training epochs, overriding the preset'},
  sizes: {type: 'integer-list', help: 'training-set sizes N, comma-separated (e.g. 50,200,1000)'},
  seed: {type: 'integer', help: 'seed of everything random (default 0)'},
  backend: {type: 'string', help: 'wasm (default), cpu, node, node-gpu or auto; env ENCODERLESS_BACKEND'},
  resume: {type: 'boolean', help: 'keep finished points in --out and compute only the rest'},
  jobs: {type: 'integer', help: 'parallel workers for the sweep (default: the number of cores); results do not depend on it'},
  help: {type: 'boolean', help: 'print this help'},
} as const satisfies FlagSchema;

/**
 * Parse `--name value`, `--name=value` and boolean `--name` against a schema. Unknown names,
 * missing values and wrong types throw BadFlagError naming the flag and what it takes.
 */
export function parseFlags(argv: readonly string[], schema: FlagSchema, command: string): ParsedFlags {
  const out: ParsedFlags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      throw new BadFlagError(`encoderless ${command}: unexpected argument '${arg}'; flags start with --`);
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = schema[name];
    if (!spec) {
      throw new BadFlagError(`encoderless ${command}: unknown flag --${name}; known: ${Object.keys(schema).map((k) => `--${k}`).join(' ')}`);
    }
    let raw: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    if (spec.type === 'boolean') {
      if (raw !== undefined && raw !== 'true' && raw !== 'false') {
        throw new BadFlagError(`encoderless ${command}: --${name} takes no value (or =true/=false), got '${raw}'`);
      }
      out[name] = raw !== 'false';
      continue;
    }
    if (raw === undefined) {
      raw = argv[i + 1];
      if (raw === undefined || raw.startsWith('--')) {
        throw new BadFlagError(`encoderless ${command}: --${name} needs a value (${spec.type})`);
      }
      i++;
    }
    out[name] = convert(command, name, spec.type, raw);
  }
  return out;
}

function convert(command: string, name: string, type: FlagType, raw: string): FlagValue {
  const bad = (what: string) => new BadFlagError(`encoderless ${command}: --${name} takes ${what}, got '${raw}'`);
  switch (type) {
    case 'string':
      if (raw === '') throw bad('a non-empty value');
      return raw;
    case 'integer': {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isInteger(v)) throw bad('an integer');
      return v;
    }
    case 'number': {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v)) throw bad('a number');
      return v;
    }
    case 'integer-list': {
      const parts = raw.split(',').map((s) => s.trim());
      const values = parts.map(Number);
      if (parts.some((s) => s === '') || values.some((v) => !Number.isInteger(v) || v <= 0)) {
        throw bad('positive integers separated by commas');
      }
      return values;
    }
    default:
      return raw;
  }
}

/** The help text of a schema. */
export function formatFlagHelp(schema: FlagSchema): string {
  const width = Math.max(...Object.keys(schema).map((k) => k.length)) + 4;
  return Object.entries(schema)
    .map(([name, spec]) => `  --${name.padEnd(width - 2)}${spec.type === 'boolean' ? '' : `<${spec.type}> `}${spec.help}`)
    .join('\n');
}

/**
 * The preset a run starts from: `--preset NAME` or `--quick`; unknown names and a clash
 * between the two are errors.
 */
export function choosePreset<T>(flags: ParsedFlags, presets: Readonly<Record<string, T>>, command: string): {name: string; preset: T} {
  const named = flags.preset as string | undefined;
  if (named !== undefined && flags.quick && named !== 'quick') {
    throw new BadFlagError(`encoderless ${command}: --quick and --preset ${named} disagree; give one`);
  }
  const name = named ?? (flags.quick ? 'quick' : 'full');
  const preset = presets[name];
  if (preset === undefined) {
    throw new BadFlagError(`encoderless ${command}: unknown preset '${name}'; expected one of ${Object.keys(presets).join(', ')}`);
  }
  return {name, preset};
}

/** The settings that differ from the preset they started from, as `key=value`. */
export function describeOverrides(config: object, preset: object): string[] {
  const base = preset as Record<string, unknown>;
  return Object.entries(config)
    .filter(([k, v]) => k in base && JSON.stringify(base[k]) !== JSON.stringify(v))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
}
