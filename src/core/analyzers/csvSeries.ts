/** Reads a time series from CSV for `perflens forecast`: a time column and a value column. */
import type { Result } from '../util/result';
import { fail, ok } from '../util/result';
import type { Point } from '../util/stats';

export interface CsvSeries {
  points: Point[];
  timeColumn: string;
  valueColumn: string;
  /** Seconds (a number) or ISO-8601 date-times in the time column. */
  timeFormat: 'seconds' | 'iso8601';
  /** Rows skipped because the value cell was empty. */
  skippedRows: number;
}

const TIME_NAMES = /^(time|timestamp|ts|t|date|datetime|time_s|seconds|epoch)$/i;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Splits one CSV line (RFC 4180 quoting with "" escapes). */
function splitCsvLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

function isNumber(s: string): boolean {
  return s !== '' && Number.isFinite(Number(s));
}

function parseTime(cell: string): { ms: number; format: CsvSeries['timeFormat'] } | undefined {
  if (isNumber(cell)) return { ms: Number(cell) * 1000, format: 'seconds' };
  if (ISO_8601.test(cell)) {
    // A date-time without an offset is read as UTC so results do not depend on the machine's zone.
    const text = /[zZ]|[+-]\d{2}:?\d{2}$/.test(cell) || !cell.includes(':') ? cell : `${cell.replace(' ', 'T')}Z`;
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return { ms, format: 'iso8601' };
  }
  return undefined;
}

function pickColumn(header: string[] | undefined, spec: string | undefined, what: string): Result<number, 'invalid'> {
  if (spec === undefined) return ok(-1);
  if (/^\d+$/.test(spec)) {
    const n = Number(spec);
    if (n < 1) return fail('invalid', `Column numbers start at 1 (--${what}-column ${spec}).`);
    return ok(n - 1);
  }
  const i = header?.findIndex((h) => h.toLowerCase() === spec.toLowerCase()) ?? -1;
  if (i < 0)
    return fail(
      'invalid',
      header
        ? `No column named "${spec}"; the header has: ${header.join(', ')}.`
        : `The file has no header row, so --${what}-column must be a number (1-based).`,
    );
  return ok(i);
}

export function parseSeriesCsv(
  text: string,
  opts: { timeColumn?: string; valueColumn?: string } = {},
): Result<CsvSeries, 'invalid'> {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l, i) => ({ l, no: i + 1 }))
    .filter((x) => x.l.trim() !== '' && !x.l.startsWith('#'));
  if (lines.length === 0) return fail('invalid', 'The CSV file is empty.');
  const first = lines[0]!.l;
  const delimiter = [',', ';', '\t'].find((d) => first.includes(d)) ?? ',';
  const rows = lines.map((x) => ({ cells: splitCsvLine(x.l, delimiter), no: x.no }));
  // A first row whose cells are not all times/numbers is a header.
  const hasHeader = rows[0]!.cells.some((c) => !isNumber(c) && !parseTime(c));
  const header = hasHeader ? rows[0]!.cells : undefined;
  const data = hasHeader ? rows.slice(1) : rows;
  if (data.length === 0) return fail('invalid', 'The CSV file has a header but no data rows.');
  const width = header?.length ?? data[0]!.cells.length;
  const tc = pickColumn(header, opts.timeColumn, 'time');
  if (!tc.ok) return tc;
  const vc = pickColumn(header, opts.valueColumn, 'value');
  if (!vc.ok) return vc;
  let timeIdx = tc.value >= 0 ? tc.value : Math.max(0, header?.findIndex((h) => TIME_NAMES.test(h)) ?? 0);
  if (timeIdx < 0) timeIdx = 0;
  let valueIdx = vc.value;
  if (valueIdx < 0) {
    const named = header?.findIndex((h, i) => i !== timeIdx && /^(value|v|y)$/i.test(h)) ?? -1;
    valueIdx =
      named >= 0
        ? named
        : ([...Array(width).keys()].find((i) => i !== timeIdx && data.some((r) => isNumber(r.cells[i] ?? ''))) ?? -1);
  }
  if (valueIdx < 0 || valueIdx >= width)
    return fail('invalid', 'No numeric value column found; name one with --value-column.');
  if (timeIdx >= width) return fail('invalid', `The file has ${width} columns; --time-column is out of range.`);
  const points: Point[] = [];
  let format: CsvSeries['timeFormat'] | undefined;
  let skipped = 0;
  for (const r of data) {
    if (r.cells.length !== width)
      return fail('invalid', `Line ${r.no} has ${r.cells.length} fields, expected ${width}.`);
    const t = parseTime(r.cells[timeIdx]!);
    if (!t)
      return fail(
        'invalid',
        `Line ${r.no}: "${r.cells[timeIdx]}" is not a time (seconds, or ISO-8601 like 2026-01-31T12:00:00Z).`,
      );
    if (format && t.format !== format)
      return fail('invalid', `Line ${r.no}: the time column mixes seconds and ISO-8601 dates.`);
    format = t.format;
    const cell = r.cells[valueIdx]!;
    if (cell === '') {
      skipped++;
      continue;
    }
    if (!isNumber(cell)) return fail('invalid', `Line ${r.no}: "${cell}" in the value column is not a number.`);
    points.push({ t: t.ms, v: Number(cell) });
  }
  points.sort((a, b) => a.t - b.t);
  const name = (i: number) => header?.[i] ?? `column ${i + 1}`;
  return ok({
    points,
    timeColumn: name(timeIdx),
    valueColumn: name(valueIdx),
    timeFormat: format ?? 'seconds',
    skippedRows: skipped,
  });
}
