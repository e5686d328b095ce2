import {formatFlagHelp} from './flags/command-line';
import {EXPERIMENTS} from './experiments';
import {presetConfig} from './sweep/assemble';
import type {AnyExperiment} from './sweep/experiment';
import {resolveRun, runExperiment, RUN_OPTIONS} from './sweep/run-experiment';
import {benchCommand} from './tools/bench';
import {decodeCommand} from './tools/decode';
import {fitCommand} from './tools/fit';
import {representCommand} from './tools/represent';
import {reportCommand} from './tools/report';

/** One command of `encoderless`: an experiment of the paper, or a tool. */
export interface Command {
  readonly name: string;
  readonly kind: 'experiment' | 'tool';
  /** One line for the command list. */
  readonly summary: string;
  /** `encoderless <name> --help`. */
  help(): string;
  run(argv: readonly string[], log: (line: string) => void): Promise<void>;
}

/** An experiment as a command: its flags are the run options and its config's knobs. */
export function experimentCommand(experiment: AnyExperiment): Command {
  const command: Command = {
    name: experiment.name,
    kind: 'experiment',
    summary: experiment.summary,
    help: () => [
      `usage: encoderless ${experiment.name} [flags]`,
      '',
      experiment.summary,
      '',
      'the run:',
      formatFlagHelp(RUN_OPTIONS),
      '',
      "settings (defaults: the 'full' preset, the paper's; --quick starts from 'quick'):",
      formatFlagHelp(experiment.knobs, presetConfig(experiment, 'full'), experiment.couplings),
    ].join('\n'),
    async run(argv, log) {
      const run = resolveRun(experiment, argv);
      if (run.options.help) {
        log(command.help());
        return;
      }
      await runExperiment(experiment, run, log);
    },
  };
  return command;
}

/**
 * Every command, from one list: the experiments (each a folder under experiments/, also what
 * the worker threads look jobs up in), then the tools. A new experiment is one folder and one
 * line in `EXPERIMENTS`; a new tool (fit, represent, decode) one line here.
 */
export const COMMANDS: readonly Command[] = [
  fitCommand, representCommand, decodeCommand, ...EXPERIMENTS.map(experimentCommand), reportCommand, benchCommand,
];
