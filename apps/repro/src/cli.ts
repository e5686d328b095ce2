#!/usr/bin/env node
import {BadConfigError, isUserError} from '@encoderless/errors';
import {COMMANDS} from './commands';

function usage(): string {
  const list = (kind: 'experiment' | 'tool') => COMMANDS.filter((c) => c.kind === kind).map((c) => `  ${c.name.padEnd(12)}${c.summary}`);
  return ['usage: encoderless <command> [flags]   (encoderless <command> --help lists its flags)', '',
    'experiments (the paper\'s):', ...list('experiment'), '', 'tools:', ...list('tool'), '',
    'From the repository: `npx -y pnpm@9 encoderless <command> [flags]`.'].join('\n');
}

/** Run one command line; resolves to the exit code. */
export async function main(argv: readonly string[], log: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    throw new BadConfigError(`encoderless: unknown command '${name}'; expected one of ${COMMANDS.map((c) => c.name).join(', ')}`);
  }
  await command.run(rest, log);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err: Error) => {
      // A user error's message says what to fix: print it alone, on one line, and exit 2. Anything else is a bug.
      if (isUserError(err)) {
        console.error(`error: ${err.message.replace(/\s*\n\s*/g, ' ')}`);
        process.exitCode = 2;
      } else {
        console.error(err?.stack ?? String(err));
        process.exitCode = 1;
      }
    },
  );
}
