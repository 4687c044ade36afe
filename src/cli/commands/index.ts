import type { CliCommand } from '../command';
import { probeCommand } from './probe';

/** Every subcommand, in the order --help lists them. Each lives in its own file. */
export const commands: CliCommand[] = [
  probeCommand,
];
