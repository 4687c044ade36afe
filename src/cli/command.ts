import type { CommandIO } from './io';

/** One `perflens` subcommand. Returns its exit code (0 ok, 1 finding/budget, 2 usage/input). */
export interface CliCommand {
  /** Words that select it, e.g. ['probe'] or ['profile', 'summarize']. */
  path: string[];
  summary: string;
  /** Full usage text shown by --help. */
  usage: string;
  /** `io` escapes control characters in everything written through it (see terminalSafeIO). */
  run(argv: string[], io: CommandIO): Promise<number>;
}
