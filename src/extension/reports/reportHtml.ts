/**
 * The exported report: one self-contained HTML file (charts as inline SVG, no scripts, nothing
 * fetched) built from the same DashboardData the dashboard shows. Every service string is escaped.
 */
import { formatBytes, formatMs, formatPercent, formatRate, formatShare, formatValue } from '../../shared/format';
import type { ChartView, DashboardData, ForecastView, XY } from '../../shared/protocol/dashboard';
import { LEVEL_VIEW_LABEL, RANGES } from '../../shared/protocol/dashboard';
import { escapeHtml } from '../panels/html';

const W = 560;
const H = 180;
const PAD = { left: 56, right: 8, top: 8, bottom: 22 };
const COLORS = ['#3794ff', '#d18616', '#f14c4c', '#89d185', '#b180d7', '#cca700'];

/** At most `max` points per series (every k-th, keeping the last): enough for a static picture. */
function thin(points: XY[], max = 600): XY[] {
  if (points.length <= max) return points;
  const k = Math.ceil(points.length / max);
  const out = points.filter((_, i) => i % k === 0);
  if (out[out.length - 1] !== points[points.length - 1]) out.push(points[points.length - 1]!);
  return out;
}

export function svgLineChart(
  title: string,
  unit: string,
  series: { label: string; points: XY[]; dashed?: boolean }[],
  xRange: { from: number; to: number },
): string {
  const all = series.flatMap((s) => s.points);
  const yMax = Math.max(1e-9, ...all.map((p) => p.y));
  const yMin = Math.min(0, ...all.map((p) => p.y));
  const x = (t: number) =>
    PAD.left + ((t - xRange.from) / Math.max(1, xRange.to - xRange.from)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - yMin) / (yMax - yMin)) * (H - PAD.top - PAD.bottom);
  const lines = series.map((s, i) => {
    const pts = thin(s.points)
      .map((p) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`)
      .join(' ');
    return `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.5"${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${pts}"><title>${escapeHtml(s.label)}</title></polyline>`;
  });
  const legend = series
    .map((s, i) => `<tspan fill="${COLORS[i % COLORS.length]}">■ </tspan><tspan>${escapeHtml(s.label)}  </tspan>`)
    .join('');
  const fmtTime = (t: number) => new Date(t).toISOString().replace('T', ' ').slice(0, 16);
  return `<figure><figcaption>${escapeHtml(title)}</figcaption>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H + 16}" width="${W}" height="${H + 16}" role="img" aria-label="${escapeHtml(title)}">
<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="#888" stroke-width="0.5"/>
<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" stroke="#888" stroke-width="0.5"/>
<text x="${PAD.left - 4}" y="${PAD.top + 8}" text-anchor="end" font-size="9">${escapeHtml(formatValue(unit, yMax))}</text>
<text x="${PAD.left - 4}" y="${H - PAD.bottom}" text-anchor="end" font-size="9">${escapeHtml(formatValue(unit, yMin))}</text>
<text x="${PAD.left}" y="${H - 6}" font-size="9">${fmtTime(xRange.from)}</text>
<text x="${W - PAD.right}" y="${H - 6}" text-anchor="end" font-size="9">${fmtTime(xRange.to)}</text>
${lines.join('\n')}
<text x="${PAD.left}" y="${H + 12}" font-size="10">${legend}</text>
</svg></figure>`;
}

function chartSvg(c: ChartView, d: DashboardData): string {
  if (c.series.length === 0)
    return `<figure><figcaption>${escapeHtml(c.title)}</figcaption><p class="muted">No data in this range.</p></figure>`;
  return svgLineChart(c.title, c.unit, c.series, d);
}

function forecastSvg(f: ForecastView): string {
  const from = f.history[0]?.x ?? f.projection.atMs;
  return svgLineChart(
    `Capacity forecast: ${f.label} (${f.days} days)`,
    f.unit === 'req/s' ? 'rps' : f.unit,
    [
      { label: 'measured', points: f.history },
      { label: 'projection', points: f.fit, dashed: true },
      { label: `${Math.round(f.projection.confidence * 100)}% lower`, points: f.lower, dashed: true },
      { label: `${Math.round(f.projection.confidence * 100)}% upper`, points: f.upper, dashed: true },
    ],
    { from, to: f.projection.atMs },
  );
}

function table(headers: string[], rows: string[][]): string {
  if (rows.length === 0) return '<p class="muted">None.</p>';
  return `<table><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

export function reportHtml(d: DashboardData, generatedAt: number): string {
  const s = d.summary;
  const findings = d.findings
    .map(
      (f) =>
        `<article><h3>${escapeHtml(`${f.severity}: ${f.title}`)}</h3><p>${escapeHtml(f.evidence)}</p><p><strong>Recommendation:</strong> ${escapeHtml(f.recommendation)}</p></article>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(`PerfLens report: ${d.label}`)}</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222}h1{font-size:1.4em}figure{display:inline-block;margin:8px}figcaption{font-weight:600}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left}.muted{color:#777}svg text{fill:#444;font-family:system-ui,sans-serif}</style>
</head><body>
<h1>${escapeHtml(`PerfLens report: ${d.label}`)}</h1>
<p>${escapeHtml(`${d.targetId} · ${RANGES[d.range].label} to ${new Date(d.to).toISOString()} · ${d.resolution} resolution · state ${LEVEL_VIEW_LABEL[d.level]} · generated ${new Date(generatedAt).toISOString()}`)}</p>
${d.reasons.length && d.level !== 'healthy' ? `<ul>${d.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>` : ''}
<h2>Summary</h2>
${table(['p50', 'p95', 'p99', 'requests', 'errors', 'CPU', 'memory'], [[formatMs(s.p50Ms), formatMs(s.p95Ms), formatMs(s.p99Ms), formatRate(s.requestRate), formatShare(s.errorRate, 2), formatPercent(s.cpuPercent), formatBytes(s.rssBytes)]])}
<h2>Charts</h2>
${d.charts.map((c) => chartSvg(c, d)).join('\n')}
${d.forecast ? forecastSvg(d.forecast) + `<p>${escapeHtml(d.forecast.recommendation)}</p>` : ''}
<h2>Routes</h2>
${table(
  ['route', 'rate', 'errors', 'p95'],
  d.routes.map((r) => [
    r.method ? `${r.method} ${r.route}` : r.route,
    formatRate(r.requestRate),
    formatShare(r.errorRate, 2),
    formatMs(r.p95Ms),
  ]),
)}
<h2>Health checks</h2>
${table(
  ['check', 'status', 'detail'],
  d.checks.map((c) => [c.name, c.status, c.detail ?? '']),
)}
<h2>Alerts</h2>
${table(
  ['alert', 'state', 'since'],
  d.activeAlerts.map((a) => [a.name, a.state, new Date(a.activeAt).toISOString()]),
)}
<h3>History</h3>
${table(
  ['time', 'event', 'alert', 'message'],
  d.alertHistory.map((e) => [new Date(e.at).toISOString(), e.type, e.name, e.message]),
)}
<h2>Findings</h2>
${findings || '<p class="muted">None.</p>'}
</body></html>
`;
}
