#!/usr/bin/env node
import {isUserError} from '@encoderless/errors';
import {BadFlagError, formatFlagHelp, parseFlags} from './flags';
import {CIFAR_FLAGS, runCifarCommand} from './run-cifar';
import {MNIST_FLAGS, runMnistCommand} from './run-mnist';
import {runSimulatedCommand, SIMULATED_FLAGS} from './run-simulated';

const COMMANDS = {
  simulated: {
    summary: 'simulated gene-regulatory network (paper Section 3.3): decoder vs encoder vs autoencoder over load',
    flags: SIMULATED_FLAGS,
    run: runSimulatedCommand,
  },
  mnist: {
    summary: 'MNIST (paper Section 3.1): decoder vs autoencoders over N, and out of distribution',
    flags: MNIST_FLAGS,
    run: runMnistCommand,
  },
  cifar: {
    summary: 'CIFAR-10 (paper Section 3.2): decoder vs autoencoder, 1x1 and 4x4, over images per class; learning curves',
    flags: CIFAR_FLAGS,
    run: runCifarCommand,
  },
} as const;


function usage(): string {
  return ['usage: encoderless <command> [flags]', '', 'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)}${c.summary}`),
    '', 'flags (every command; `encoderless <command> --help` lists its own):', formatFlagHelp(SIMULATED_FLAGS), '',
    'Run from the repository root as `npx -y pnpm@9 encoderless <command> [flags]`.'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(usage());
    return command === undefined ? 2 : 0;
  }
  const spec = COMMANDS[command as keyof typeof COMMANDS];
  if (!spec) throw new BadFlagError(`encoderless: unknown command '${command}'; expected one of ${Object.keys(COMMANDS).join(', ')}`);
  const flags = parseFlags(rest, spec.flags, command);
  if (flags.help) {
    console.log(`encoderless ${command}: ${spec.summary}\n\n${formatFlagHelp(spec.flags)}`);
    return 0;
  }
  await spec.run(flags, (line) => console.log(line));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: Error) => {
    // A user error's message says what to fix: print it alone and exit 2. Anything else is a bug.
    if (isUserError(err)) {
      console.error(`error: ${err.message}`);
      process.exitCode = 2;
    } else {
      console.error(err?.stack ?? String(err));
      process.exitCode = 1;
    }
  },
);
