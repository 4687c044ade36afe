import * as path from 'node:path';
import type { CliCommand } from '../command';
import { flagString, parseArgs } from '../args';
import type { CliIO } from '../io';
import { EXIT_OK } from '../io';
import { ExpositionError, formatValue, parseExposition } from '../../core/metrics/parser';
import type { Exemplar, ExpositionFormat, MetricFamily, ParseResult, Sample } from '../../core/metrics/types';
import { UserError, fileErrorReason } from '../../core/util/result';
import { readUserFile } from '../../core/util/userFile';

const USAGE = `Usage: perflens metrics parse FILE [--strict] [--format auto|prometheus|openmetrics] [--json]

Parses a metrics exposition (what a service's /metrics returns): Prometheus text format 0.0.4 or
OpenMetrics 1.0. FILE "-" reads standard input.

  --format F   auto (default: OpenMetrics when the body ends with "# EOF", else Prometheus
               text, where "# UNIT" lines give a family's unit), prometheus or openmetrics
  --strict     stop at the first invalid line (exit 2 with "line N: reason"); without it, bad
               lines are skipped and counted, and a warning goes to stderr

--json prints {"format", "families": [{"name", "type", "help", "unit", "samples": [{"name",
"labels", "value", "timestamp"?, "exemplar"?: {"labels", "value", "timestamp"?}}]}],
"skippedLines", "problems": [{"line", "reason"}]}. Values that are not finite numbers are the
strings "NaN", "+Inf", "-Inf"; help and unit are null when the exposition has none; timestamps are
as written (seconds in OpenMetrics, milliseconds in Prometheus text).
Exit codes: 0 parsed, 2 bad usage, unreadable file, or invalid input with --strict.`;

const FORMATS = ['auto', 'prometheus', 'openmetrics'] as const;
type FormatOption = (typeof FORMATS)[number];

const FORMAT_LABELS: Record<ExpositionFormat, string> = {
  prometheus: 'Prometheus text 0.0.4',
  openmetrics: 'OpenMetrics 1.0',
};

/** How many problems the lenient warning lists before "…and N more". */
const PROBLEMS_SHOWN = 5;

export const metricsParseCommand: CliCommand = {
  path: ['metrics', 'parse'],
  summary: 'Parse a Prometheus or OpenMetrics exposition file: its metric families as a table or JSON',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, { valued: ['format'], boolean: ['strict'] });
    if (args.positionals.length !== 1)
      throw new UserError(
        args.positionals.length === 0
          ? 'metrics parse needs a FILE (or - for standard input).'
          : `Unexpected argument ${args.positionals[1]}.`,
      );
    const format = (flagString(args, 'format') ?? 'auto') as FormatOption;
    if (!FORMATS.includes(format)) throw new UserError(`--format is auto, prometheus or openmetrics, not "${format}".`);
    const file = args.positionals[0]!;
    const body = await readInput(file, io);
    const strict = args.flags.has('strict');
    let result: ParseResult;
    try {
      result = parseExposition(body, { format, strict });
    } catch (e) {
      if (e instanceof ExpositionError) throw new UserError(`${file === '-' ? 'stdin' : file}: ${e.message}`);
      throw e;
    }
    warnAboutProblems(result, io);
    if (args.flags.has('json')) {
      io.out(JSON.stringify(toJson(result), null, 2));
      return EXIT_OK;
    }
    io.out(summaryTable(result));
    return EXIT_OK;
  },
};

async function readInput(file: string, io: CliIO): Promise<Buffer> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin)
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks);
  }
  try {
    return (await readUserFile(path.resolve(io.cwd, file), { maxBytes: 256 * 1024 * 1024, what: 'metrics file' }))
      .bytes;
  } catch (e) {
    throw new UserError(`Cannot read ${file}: ${fileErrorReason(e)}.`);
  }
}

function warnAboutProblems(result: ParseResult, io: CliIO): void {
  if (result.problems.length === 0 && result.skippedLines === 0) return;
  const head =
    result.skippedLines > 0
      ? `warning: skipped ${result.skippedLines} invalid line${result.skippedLines === 1 ? '' : 's'}`
      : 'warning: the exposition breaks format rules (data kept)';
  const shown = result.problems.slice(0, PROBLEMS_SHOWN).map((p) => `  line ${p.line}: ${p.reason}`);
  const more = result.problems.length > PROBLEMS_SHOWN ? [`  …and more (use --strict to stop at the first)`] : [];
  io.err([head + ':', ...shown, ...more].join('\n'));
}

interface ExemplarJson {
  labels: Record<string, string>;
  value: ReturnType<typeof formatValue>;
  timestamp?: number;
}

function exemplarJson(e: Exemplar): ExemplarJson {
  const out: ExemplarJson = { labels: e.labels, value: formatValue(e.value) };
  if (e.timestamp !== undefined) out.timestamp = e.timestamp;
  return out;
}

function sampleJson(s: Sample): Record<string, unknown> {
  const out: Record<string, unknown> = { name: s.name, labels: s.labels, value: formatValue(s.value) };
  if (s.timestamp !== undefined) out.timestamp = s.timestamp;
  if (s.exemplar !== undefined) out.exemplar = exemplarJson(s.exemplar);
  return out;
}

function familyJson(f: MetricFamily): Record<string, unknown> {
  return { name: f.name, type: f.type, help: f.help ?? null, unit: f.unit ?? null, samples: f.samples.map(sampleJson) };
}

export function toJson(result: ParseResult): Record<string, unknown> {
  return {
    format: result.format,
    families: result.families.map(familyJson),
    skippedLines: result.skippedLines,
    problems: result.problems,
  };
}

function summaryTable(result: ParseResult): string {
  const samples = result.families.reduce((n, f) => n + f.samples.length, 0);
  const head = `${FORMAT_LABELS[result.format]} · ${result.families.length} famil${result.families.length === 1 ? 'y' : 'ies'} · ${samples} sample${samples === 1 ? '' : 's'}`;
  if (result.families.length === 0) return head;
  const rows = result.families.map((f) => [f.name, f.type, String(f.samples.length)]);
  const header = ['NAME', 'TYPE', 'SAMPLES'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [head, '', line(header), ...rows.map(line)].join('\n');
}
