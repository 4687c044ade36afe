/**
 * Prometheus text format 0.0.4: `# HELP` / `# TYPE` lines, other comments ignored, blank lines
 * allowed, runs of blanks between tokens, timestamps in integer milliseconds. Histogram and
 * summary samples (`_bucket`, `_sum`, `_count`) join the family their TYPE line declared; a
 * family whose samples are split by another family is merged, as the reference parser does.
 */
import type { MetricFamily, MetricType } from './types';
import { LineSyntaxError } from './parserProblems';
import type { ProblemLog } from './parserProblems';
import { NUMBER_VALUE, SampleScanner, isMetricName, parseNumberToken } from './parserScan';

const PROMETHEUS_TYPES = new Set<string>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

interface FamilyState {
  family: MetricFamily;
  typed: boolean;
  helped: boolean;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

export function parsePrometheusText(text: string, log: ProblemLog): MetricFamily[] {
  const families: MetricFamily[] = [];
  const byName = new Map<string, FamilyState>();
  const scanner = new SampleScanner(false);
  scanner.reset(text);
  let current: FamilyState | undefined;

  const familyFor = (name: string): FamilyState => {
    if (current && current.family.name === name) return current;
    let state = byName.get(name);
    if (!state) {
      state = { family: { name, type: 'untyped', samples: [] }, typed: false, helped: false };
      byName.set(name, state);
      families.push(state.family);
    }
    return state;
  };

  /** Which family a sample belongs to: its own name, or a histogram/summary it is a part of. */
  const familyOfSample = (name: string): FamilyState => {
    if (current !== undefined) {
      const f = current.family;
      if (name === f.name) return current;
      if (name.length > f.name.length && name.startsWith(f.name) && isPartOf(name.slice(f.name.length), f.type)) return current;
    }
    const own = byName.get(name);
    if (own) return own;
    for (const suffix of ['_bucket', '_count', '_sum']) {
      if (!name.endsWith(suffix)) continue;
      const base = byName.get(name.slice(0, -suffix.length));
      if (base && isPartOf(suffix, base.family.type)) return base;
    }
    return familyFor(name);
  };

  const length = text.length;
  let lineNo = 0;
  let pos = 0;
  while (pos < length) {
    lineNo++;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = length;
    const next = end + 1;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    let start = pos;
    pos = next;
    while (start < end && isBlank(text.charCodeAt(start))) start++;
    if (start === end) continue;
    try {
      if (text.charCodeAt(start) === 35) {
        const meta = parseComment(text, start, end);
        if (meta === undefined) continue;
        const state = familyFor(meta.name);
        if (meta.kind === 'HELP') {
          if (state.helped) throw new LineSyntaxError(`second HELP line for "${meta.name}"`);
          state.helped = true;
          state.family.help = meta.text;
        } else {
          if (state.typed) throw new LineSyntaxError(`second TYPE line for "${meta.name}"`);
          if (state.family.samples.length > 0) throw new LineSyntaxError(`TYPE line for "${meta.name}" after its samples`);
          state.typed = true;
          state.family.type = meta.text as MetricType;
        }
        current = state;
        continue;
      }
      const sample = scanner.scanSample(start, end);
      const state = familyOfSample(sample.name);
      const type = state.family.type;
      if (type === 'histogram' && sample.name.endsWith('_bucket')) checkNumericLabel(text, sample.labels, 'le', 'histogram bucket');
      else if (type === 'summary' && sample.name === state.family.name) checkNumericLabel(text, sample.labels, 'quantile', 'summary quantile');
      state.family.samples.push(sample);
      current = state;
    } catch (e) {
      if (!(e instanceof LineSyntaxError)) throw e;
      log.skip(lineNo, e.reason);
    }
  }
  return families;
}

function isPartOf(suffix: string, type: MetricType): boolean {
  if (type === 'histogram') return suffix === '_bucket' || suffix === '_count' || suffix === '_sum';
  if (type === 'summary') return suffix === '_count' || suffix === '_sum';
  return false;
}

function checkNumericLabel(text: string, labels: Record<string, string>, name: string, what: string): void {
  const v = labels[name];
  if (v === undefined || !Object.hasOwn(labels, name)) throw new LineSyntaxError(`${what} without a "${name}" label`);
  if (v.length === 0) throw new LineSyntaxError(`${what} with an empty "${name}" label`);
  parseNumberToken(v, 0, v.length, NUMBER_VALUE, `"${name}" label value`);
}

interface Metadata {
  kind: 'HELP' | 'TYPE';
  name: string;
  text: string;
}

/** A `#` line: HELP or TYPE metadata, or undefined for any other comment. */
function parseComment(t: string, start: number, end: number): Metadata | undefined {
  let i = start + 1;
  while (i < end && isBlank(t.charCodeAt(i))) i++;
  const kind = t.startsWith('HELP', i) ? 'HELP' : t.startsWith('TYPE', i) ? 'TYPE' : undefined;
  if (kind === undefined) return undefined;
  i += 4;
  if (i < end && !isBlank(t.charCodeAt(i))) return undefined; // e.g. "# HELPFUL note"
  while (i < end && isBlank(t.charCodeAt(i))) i++;
  const nameStart = i;
  while (i < end && !isBlank(t.charCodeAt(i))) i++;
  const name = t.slice(nameStart, i);
  if (!isMetricName(name)) throw new LineSyntaxError(name ? `invalid metric name "${name}" in ${kind}` : `${kind} without a metric name`);
  while (i < end && isBlank(t.charCodeAt(i))) i++;
  if (kind === 'HELP') return { kind, name, text: unescapeHelp(t, i, end) };
  let typeEnd = end;
  while (typeEnd > i && isBlank(t.charCodeAt(typeEnd - 1))) typeEnd--;
  const type = t.slice(i, typeEnd);
  if (!PROMETHEUS_TYPES.has(type)) throw new LineSyntaxError(type ? `unknown metric type "${type}"` : `TYPE line for "${name}" without a type`);
  return { kind, name, text: type };
}

/** Prometheus HELP escapes only `\\` and `\n`; any other backslash stays as written. */
function unescapeHelp(t: string, start: number, end: number): string {
  const raw = t.slice(start, end);
  if (raw.indexOf('\\') < 0) return raw;
  return raw.replace(/\\([\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : '\\'));
}
