// Targets and the closing table of `npm run bench`: which timed cases and which measurements
// (bench/measure.ts) met the target they carry. See bench/README.md, "Targets and the summary table".

/** What a `target` on a case may be, for error messages. */
const TARGET_SHAPES =
  '{ ratio: N } (the anchor must take at least N times as long as the case; needs an anchor) or { underMs: N } (the median must be under N ms)';

/** Checks a case's `target`; returns a sentence saying what is wrong, or undefined when it is fine. */
export function targetProblem(c) {
  const t = c.target;
  if (t === undefined) return undefined;
  const keys = t && typeof t === 'object' ? Object.keys(t) : [];
  const positive = (v) => typeof v === 'number' && Number.isFinite(v) && v > 0;
  if (keys.length !== 1 || !(keys[0] === 'ratio' || keys[0] === 'underMs') || !positive(t[keys[0]]))
    return `case "${c.name}" has target ${JSON.stringify(t)}; a target is ${TARGET_SHAPES}, N a positive number.`;
  if (keys[0] === 'ratio' && c.anchor === undefined)
    return `case "${c.name}" has a ratio target but no anchor to take the ratio to; give it an anchor, or use { underMs: N }.`;
  return undefined;
}

/** Whether a timed case's result meets its target (false when it failed or has no ratio). */
export function targetMet(target, result) {
  if (result.error !== undefined) return false;
  if (target.ratio !== undefined) return result.ratio !== undefined && result.ratio >= target.ratio;
  return result.medianMs < target.underMs;
}

export function targetText(target) {
  return target.ratio !== undefined ? `≥ ${target.ratio}×` : `< ${target.underMs} ms`;
}

/**
 * Checks a measurement a case file sent ({ measure }); returns a sentence saying what is wrong, or
 * undefined. `seen` holds the names already reported by the same file.
 */
export function measureProblem(m, seen) {
  if (!m || typeof m !== 'object') return 'a measurement that is not an object was reported.';
  const name = typeof m.name === 'string' && m.name ? m.name : undefined;
  const what = name ? `measurement "${name}"` : 'a measurement without a name';
  if (!name) return `${what} was reported; recordMeasure needs a name.`;
  if (seen.has(name)) return `${what} was reported twice; names must be unique within a case file.`;
  if (typeof m.value !== 'number' || !Number.isFinite(m.value)) return `${what} has no finite value.`;
  if (typeof m.unit !== 'string') return `${what} has no unit.`;
  if (typeof m.target !== 'string' || typeof m.met !== 'boolean')
    return `${what} needs a target (text) and met (true or false).`;
  if (m.anchor !== undefined && (typeof m.anchor?.name !== 'string' || !Number.isFinite(m.anchor?.value)))
    return `${what} has an anchor without a name or a finite value.`;
  return undefined;
}

/**
 * One row per targeted case and per measurement, in the order the files ran:
 * { file, case, value, unit, anchor?, anchorValue?, ratio?, target, met, error? }.
 * `ratio` is always anchor ÷ PerfLens, as the timed cases print it.
 */
export function summaryRows(files) {
  const rows = [];
  for (const f of files) {
    for (const m of f.measures ?? []) {
      const row = { file: f.file, case: m.name, value: m.value, unit: m.unit, target: m.target, met: m.met };
      if (m.anchor) {
        row.anchor = m.anchor.name;
        row.anchorValue = m.anchor.value;
        if (m.value !== 0) row.ratio = m.anchor.value / m.value;
      }
      rows.push(row);
    }
    const byName = new Map((f.cases ?? []).map((c) => [c.name, c]));
    for (const c of f.cases ?? []) {
      if (c.target === undefined) continue;
      const row = { file: f.file, case: c.name, unit: 'ms', target: targetText(c.target), met: c.met === true };
      if (c.error !== undefined) row.error = c.error;
      else row.value = c.medianMs;
      const anchor = c.anchor !== undefined ? byName.get(c.anchor) : undefined;
      if (anchor) {
        row.anchor = anchor.name;
        if (anchor.medianMs !== undefined) row.anchorValue = anchor.medianMs;
      }
      if (c.ratio !== undefined) row.ratio = c.ratio;
      rows.push(row);
    }
  }
  return rows;
}

export function formatMs(ms) {
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  if (ms >= 0.001) return `${(ms * 1000).toFixed(2)} µs`;
  return `${(ms * 1e6).toFixed(1)} ns`;
}

function formatValue(value, unit) {
  if (value === undefined) return '—';
  if (unit === 'ms') return formatMs(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
}

function formatRatio(ratio) {
  if (ratio === undefined) return '—';
  return `${ratio.toFixed(ratio >= 100 ? 0 : ratio >= 10 ? 1 : 2)}×`;
}

/** The closing table as lines: case | PerfLens | anchor | ratio | target | met, then "N of M targets met". */
export function summaryTable(rows) {
  const header = ['case', 'PerfLens', 'anchor', 'ratio', 'target', 'met'];
  const body = rows.map((r) => [
    r.case,
    r.error !== undefined ? 'FAILED' : formatValue(r.value, r.unit),
    r.anchorValue !== undefined ? formatValue(r.anchorValue, r.unit) : '—',
    formatRatio(r.ratio),
    r.target,
    r.met ? '✔' : '✘',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) =>
    `| ${cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const met = rows.filter((r) => r.met).length;
  return [
    line(header),
    `|${widths.map((w, i) => (i === 0 || i === 4 ? ':' : '-') + '-'.repeat(w) + (i === 0 || i === 4 ? '-' : ':')).join('|')}|`,
    ...body.map(line),
    `${met} of ${rows.length} targets met`,
  ];
}
