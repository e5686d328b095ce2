import {BadConfigError} from '@encoderless/errors';

/**
 * A knob: one setting of a command, with its type, its range and one line of help. A config is
 * described by a record of knobs; its TypeScript type (`ConfigOf`), its command-line flags
 * (`--kebab-case` of the knob's path) and its checks all come from that one description, so a
 * knob cannot exist without a flag, a flag cannot take a value the config cannot hold, and
 * the help cannot drift from the code.
 */
export type Knob = IntegerKnob | NumberKnob | BooleanKnob | TextKnob | ChoiceKnob | IntegerListKnob | NumberListKnob | ChoiceListKnob | GroupKnob;

interface KnobBase {
  /** One line for `--help`: what the knob is, in the user's words. */
  readonly help: string;
}

export interface IntegerKnob extends KnobBase {
  readonly kind: 'integer';
  readonly min?: number;
  readonly max?: number;
}

export interface NumberKnob extends KnobBase {
  readonly kind: 'number';
  /** Inclusive bounds. */
  readonly min?: number;
  readonly max?: number;
  /** Exclusive bounds. */
  readonly above?: number;
  readonly below?: number;
}

export interface BooleanKnob extends KnobBase {
  readonly kind: 'boolean';
}

/** Free text; `null` when not given (a path such as --data-dir). */
export interface TextKnob extends KnobBase {
  readonly kind: 'text';
}

export interface ChoiceKnob extends KnobBase {
  readonly kind: 'choice';
  readonly choices: readonly string[];
}

/** Comma-separated integers; sorted and deduplicated (the order of a sweep is the table's, not the user's). */
export interface IntegerListKnob extends KnobBase {
  readonly kind: 'integer-list';
  readonly min?: number;
  readonly max?: number;
}

/** Comma-separated numbers, sorted and deduplicated; bounds as for `NumberKnob`. */
export interface NumberListKnob extends KnobBase {
  readonly kind: 'number-list';
  readonly min?: number;
  readonly max?: number;
  readonly above?: number;
  readonly below?: number;
}

/** Comma-separated names out of `choices`; kept in the order of `choices`. */
export interface ChoiceListKnob extends KnobBase {
  readonly kind: 'choice-list';
  readonly choices: readonly string[];
}

/** Knobs that belong together (`inference`); their flags are prefixed with the group's name. */
export interface GroupKnob extends KnobBase {
  readonly kind: 'group';
  readonly knobs: Knobs;
}

export type Knobs = Readonly<Record<string, Knob>>;
export type LeafKnob = Exclude<Knob, GroupKnob>;

/** The value a knob holds. */
export type ValueOf<K> =
  K extends {kind: 'integer' | 'number'} ? number
    : K extends {kind: 'boolean'} ? boolean
      : K extends {kind: 'text'} ? string | null
        : K extends {kind: 'choice'; choices: readonly (infer C)[]} ? C
          : K extends {kind: 'integer-list' | 'number-list'} ? readonly number[]
            : K extends {kind: 'choice-list'; choices: readonly (infer C)[]} ? readonly C[]
              : K extends {kind: 'group'; knobs: infer G extends Knobs} ? ConfigOf<G>
                : never;

/** The config a record of knobs describes. */
export type ConfigOf<K extends Knobs> = {readonly [P in keyof K]: ValueOf<K[P]>};

/** A flag derived from a knob: `inference.minRelativeImprovement` → `--inference-min-relative-improvement`. */
export interface KnobFlag {
  /** Without the dashes. */
  readonly name: string;
  /** Where its value lives in the config. */
  readonly path: readonly string[];
  readonly knob: LeafKnob;
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Every leaf knob as a flag, in declaration order. */
export function knobFlags(knobs: Knobs, prefix: readonly string[] = []): KnobFlag[] {
  return Object.entries(knobs).flatMap(([key, knob]): KnobFlag[] => {
    const path = [...prefix, key];
    return knob.kind === 'group' ? knobFlags(knob.knobs, path) : [{name: path.map(kebab).join('-'), path, knob}];
  });
}

/** What a knob takes, for messages and help: "an integer ≥ 1", "one of a, b". */
export function describeKnob(knob: LeafKnob): string {
  const range = (low?: number, high?: number, lowOpen = false, highOpen = false) => {
    if (low !== undefined && high !== undefined) return ` in ${lowOpen ? '(' : '['}${low}, ${high}${highOpen ? ')' : ']'}`;
    if (low !== undefined) return ` ${lowOpen ? '>' : '≥'} ${low}`;
    if (high !== undefined) return ` ${highOpen ? '<' : '≤'} ${high}`;
    return '';
  };
  switch (knob.kind) {
    case 'integer': return `an integer${range(knob.min, knob.max)}`;
    case 'number': return `a number${range(knob.above ?? knob.min, knob.below ?? knob.max, knob.above !== undefined, knob.below !== undefined)}`;
    case 'boolean': return 'no value';
    case 'text': return 'a non-empty value';
    case 'choice': return `one of ${knob.choices.join(', ')}`;
    case 'integer-list': return `integers${range(knob.min, knob.max)} separated by commas`;
    case 'number-list': return `numbers${range(knob.above ?? knob.min, knob.below ?? knob.max, knob.above !== undefined, knob.below !== undefined)} separated by commas`;
    case 'choice-list': return `some of ${knob.choices.join(', ')}, separated by commas`;
  }
}

/** Whether a value is one the knob can hold (within its range). */
function fits(knob: LeafKnob, v: unknown): boolean {
  const inRange = (x: number, k: {min?: number; max?: number; above?: number; below?: number}) =>
    Number.isFinite(x) && (k.min === undefined || x >= k.min) && (k.max === undefined || x <= k.max) &&
    (k.above === undefined || x > k.above) && (k.below === undefined || x < k.below);
  switch (knob.kind) {
    case 'integer': return typeof v === 'number' && Number.isSafeInteger(v) && inRange(v, knob);
    case 'number': return typeof v === 'number' && inRange(v, knob);
    case 'boolean': return typeof v === 'boolean';
    case 'text': return v === null || (typeof v === 'string' && v !== '');
    case 'choice': return typeof v === 'string' && knob.choices.includes(v);
    case 'integer-list': return Array.isArray(v) && v.length > 0 && v.every((x) => Number.isSafeInteger(x) && inRange(x, knob));
    case 'number-list': return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && inRange(x, knob));
    case 'choice-list': return Array.isArray(v) && v.length > 0 && v.every((x) => knob.choices.includes(x));
  }
}

/**
 * The value of a flag as typed (`raw`), converted and checked against its knob; `name` is the
 * flag without dashes. Throws `BadConfigError` naming the flag, what it takes and what came,
 * with `option` set to the flag.
 */
export function convertFlag(command: string, name: string, knob: LeafKnob, raw: string | true): unknown {
  const bad = () => new BadConfigError(
    `encoderless ${command}: --${name} takes ${describeKnob(knob)}, got ${raw === true ? 'no value' : `'${raw}'`}`, {option: `--${name}`});
  if (knob.kind === 'boolean') {
    if (raw === true || raw === 'true') return true;
    if (raw === 'false') return false;
    throw bad();
  }
  if (raw === true) throw bad();
  let value: unknown;
  switch (knob.kind) {
    case 'integer': case 'number': value = raw.trim() === '' ? NaN : Number(raw); break;
    case 'text': case 'choice': value = raw; break;
    case 'integer-list': case 'number-list': {
      const parts = raw.split(',').map((s) => s.trim());
      value = parts.some((s) => s === '') ? [] : [...new Set(parts.map(Number))].sort((a, b) => a - b);
      break;
    }
    case 'choice-list': {
      const parts = new Set(raw.split(',').map((s) => s.trim()));
      value = [...parts].some((s) => !knob.choices.includes(s)) ? [] : knob.choices.filter((c) => parts.has(c));
      break;
    }
  }
  if (!fits(knob, value)) throw bad();
  return value;
}

/** The value at a path of a config. */
export function getPath(config: object, path: readonly string[]): unknown {
  return path.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], config);
}

/** A copy of `config` with the value at `path` replaced. */
export function setPath<C extends object>(config: C, path: readonly string[], value: unknown): C {
  const [head, ...rest] = path;
  const inner = (config as Record<string, unknown>)[head];
  return {...config, [head]: rest.length === 0 ? value : setPath(inner as object, rest, value)};
}

/**
 * A flag whose value also sets others unless they are given: `--epochs N` sets
 * `--inference-epochs` too. Every coupling of a command is declared in its one list, and `note`
 * shows in `--help` beside the flag.
 */
export interface Coupling {
  /** The flag that drives, without dashes. */
  readonly flag: string;
  /** The flags it sets (without dashes) and how, from its value and the config so far. */
  readonly sets: Readonly<Record<string, (value: never) => unknown>>;
  /** For --help, e.g. 'also sets --inference-epochs to max(N, 50)'. */
  readonly note: string;
}

/**
 * A config from a preset and the flags given (name → converted value): the given values
 * first, then each coupling's targets that were not given. Every value set by a coupling is
 * checked against its knob like a typed one, naming the flag that drove it.
 */
export function applyFlags<C extends object>(command: string, knobs: Knobs, preset: C, given: ReadonlyMap<string, unknown>,
  couplings: readonly Coupling[]): C {
  const flags = new Map(knobFlags(knobs).map((f) => [f.name, f]));
  let config = preset;
  for (const [name, value] of given) {
    const flag = flags.get(name);
    if (flag) config = setPath(config, flag.path, value);
  }
  for (const coupling of couplings) {
    if (!given.has(coupling.flag)) continue;
    for (const [target, derive] of Object.entries(coupling.sets)) {
      if (given.has(target)) continue;
      const flag = flags.get(target)!;
      const value = derive(given.get(coupling.flag) as never);
      if (!fits(flag.knob, value)) {
        throw new BadConfigError(`encoderless ${command}: --${coupling.flag} ${String(given.get(coupling.flag))} would set ` +
          `--${target} to ${JSON.stringify(value)}, which is not ${describeKnob(flag.knob)}; give --${target} too`, {option: `--${coupling.flag}`});
      }
      config = setPath(config, flag.path, value);
    }
  }
  return config;
}

/**
 * Check a whole config against its knobs: every knob present with a value it can hold, no
 * other key. For configs read back from a file (`config.json` of an older version, edited by
 * hand); returns what is wrong, or undefined.
 */
export function checkConfig(knobs: Knobs, config: unknown): string | undefined {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return 'not an object';
  const flags = knobFlags(knobs);
  for (const f of flags) {
    let value: unknown;
    try {
      value = getPath(config, f.path);
    } catch {
      value = undefined;
    }
    if (!fits(f.knob, value)) return `${f.path.join('.')} is ${JSON.stringify(value)}, expected ${describeKnob(f.knob)}`;
  }
  const known = (k: Knobs, o: object, prefix: string): string | undefined => {
    for (const key of Object.keys(o)) {
      const knob = k[key];
      if (knob === undefined) return `unknown setting ${prefix}${key}`;
      if (knob.kind === 'group') {
        const inner = known(knob.knobs, (o as Record<string, object>)[key], `${prefix}${key}.`);
        if (inner) return inner;
      }
    }
    return undefined;
  };
  return known(knobs, config, '');
}

/**
 * The flags whose values differ between two configs of the same knobs, as
 * `--name value` (for reports: what a run changed from its preset).
 */
export function differingFlags(knobs: Knobs, config: object, base: object): {name: string; now: unknown; before: unknown}[] {
  return knobFlags(knobs)
    .map((f) => ({name: f.name, now: getPath(config, f.path), before: getPath(base, f.path)}))
    .filter((d) => JSON.stringify(d.now) !== JSON.stringify(d.before));
}

/** `--name value` as a user would type it. */
export function formatFlagValue(name: string, value: unknown): string {
  if (value === true) return `--${name}`;
  return `--${name} ${Array.isArray(value) ? value.join(',') : String(value)}`;
}
