import type { CliCommand } from '../command';
import { analyzeCommand } from './analyze';
import { checkCommand } from './check';
import { explainCommand } from './explain';
import { forecastCommand } from './forecast';
import { mcpCommand } from './mcp';
import { metricsParseCommand } from './metricsParse';
import { probeCommand } from './probe';
import { queriesTopCommand } from './queriesTop';
import { reportCommand } from './report';
import { watchCommand } from './watch';
import { profileDiffCommand } from './profileDiff';
import { profileRecordCommand } from './profileRecord';
import { profileSummarizeCommand } from './profileSummarize';
import { otelListenCommand } from './otelListen';
import { runCommand } from './run';

/** Every subcommand, in the order --help lists them. Each lives in its own file. */
export const commands: CliCommand[] = [
  probeCommand,
  watchCommand,
  reportCommand,
  profileSummarizeCommand,
  profileRecordCommand,
  profileDiffCommand,
  analyzeCommand,
  checkCommand,
  forecastCommand,
  explainCommand,
  queriesTopCommand,
  metricsParseCommand,
  mcpCommand,
  runCommand,
  otelListenCommand,
];
