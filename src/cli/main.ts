import { commands } from './commands/index';
import type { CliCommand } from './command';
import { EXIT_OK, EXIT_USAGE, exitQuietlyWhenOutputCloses, processIO, terminalSafeIO, terminalText } from './io';
import type { CliIO } from './io';
import { UserError, errorMessage } from '../core/util/result';
import { VERSION } from '../core/version';

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length), 10);
  const lines = commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  return [
    `perflens ${VERSION}: your local service's performance, from the terminal.`,
    '',
    'Usage: perflens <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options for every command: --json (machine-readable output), --help.',
    'Exit codes: 0 ok, 1 a finding or budget failed, 2 bad usage or bad input.',
  ].join('\n');
}

function findCommand(argv: string[]): { cmd: CliCommand; rest: string[] } | undefined {
  let best: { cmd: CliCommand; rest: string[] } | undefined;
  for (const cmd of commands) {
    if (cmd.path.every((w, i) => argv[i] === w) && (!best || cmd.path.length > best.cmd.path.length)) {
      best = { cmd, rest: argv.slice(cmd.path.length) };
    }
  }
  return best;
}

/** Names what was not understood and what would be: a group's subcommands, else every command. */
function unknownCommandMessage(argv: string[]): string {
  const group = commands.filter((c) => c.path.length > 1 && c.path[0] === argv[0]);
  if (group.length) {
    const subs = group.map((c) => c.path.slice(1).join(' ')).join(', ');
    return argv.length > 1 && !argv[1]!.startsWith('-')
      ? `Unknown command "${argv[0]} ${argv[1]}". ${argv[0]} has: ${subs}.`
      : `${argv[0]} needs a subcommand: ${subs}. Run perflens ${argv[0]} ${group[0]!.path[1]} --help for its options.`;
  }
  const names = [...new Set(commands.map((c) => c.path[0]!))].join(', ');
  return `Unknown command "${argv[0]}". Commands: ${names} (perflens --help describes each).`;
}

/**
 * The last resort, for a failure no check foresaw: which command failed and with what, that the
 * fault is PerfLens's, and what a useful report contains.
 */
function internalFailureMessage(cmd: CliCommand, e: unknown): string {
  const name = `perflens ${cmd.path.join(' ')}`;
  return [
    `${name} failed: ${errorMessage(e)}`,
    `This is a fault in PerfLens ${VERSION}, not in what you asked for. Please report it to the PerfLens maintainers with the command line you ran, this message and, if it read a file, that file.`,
  ].join('\n');
}

export async function runCli(argv: string[], rawIO: CliIO = processIO): Promise<number> {
  const io = terminalSafeIO(rawIO);
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(helpText());
    return argv.length === 0 ? EXIT_USAGE : EXIT_OK;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    io.out(VERSION);
    return EXIT_OK;
  }
  const found = findCommand(argv);
  if (!found) {
    // "perflens profile --help": the list, which names each profile subcommand.
    if (argv.includes('--help') || argv.includes('-h')) {
      io.out(helpText());
      return EXIT_OK;
    }
    io.err(`perflens: ${unknownCommandMessage(argv)}`);
    return EXIT_USAGE;
  }
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    io.out(found.cmd.usage);
    return EXIT_OK;
  }
  try {
    return await found.cmd.run(found.rest, io);
  } catch (e) {
    if (e instanceof UserError) {
      io.err(`perflens: ${e.message}`);
      return e.exitCode;
    }
    io.err(internalFailureMessage(found.cmd, e));
    return EXIT_USAGE;
  }
}

/**
 * Runs the CLI as the process. Until the command settles, the exit code is a failure: if the
 * event loop ever empties while a command still awaits something that can no longer happen
 * (a wait on an unreferenced timer, say), the process says so and exits 2, never 0 having
 * done nothing.
 */
export function runAsProcess(argv: string[]): void {
  let settled = false;
  process.exitCode = EXIT_USAGE;
  process.once('beforeExit', () => {
    if (settled) return;
    settled = true;
    process.stderr.write(
      `perflens: ${argv.slice(0, 2).join(' ')} stopped before it finished: it was left waiting on nothing, so it produced no result. Please report this with the command line you ran.\n`,
    );
    process.exitCode = EXIT_USAGE;
  });
  runCli(argv).then(
    (code) => {
      settled = true;
      process.exitCode = code;
    },
    (e: unknown) => {
      settled = true;
      process.stderr.write(`perflens: ${terminalText(errorMessage(e))}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}

if (require.main === module) {
  exitQuietlyWhenOutputCloses();
  runAsProcess(process.argv.slice(2));
}
