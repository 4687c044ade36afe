import type { Finding, FindingKind, PlanRow, StatementReport } from '../../core/queries/types';
import { isHypoWhatIf, whatIfSummary } from '../../core/queries/types';
import { formatMs } from '../../shared/format';

/**
 * The words of slow-query diagnostics and plan documents (plain data, no vscode; unit tested).
 */

export type FindingSeverity = 'warning' | 'information';

/** Full scans, sorts, automatic indexes and correlated subqueries cost on every execution; the rest are advice. */
export function severityOf(kind: FindingKind): FindingSeverity {
  switch (kind) {
    case 'full-scan':
    case 'temp-btree':
    case 'automatic-index':
    case 'correlated-subquery':
    case 'leading-wildcard-like':
    case 'sort':
    case 'disk-spill':
    case 'nested-loop':
    case 'unindexed-fk':
    case 'lossy-bitmap':
      return 'warning';
    case 'select-star':
    case 'estimate-error':
      return 'information';
  }
}

export function diagnosticMessage(f: Finding): string {
  const parts = [f.detail];
  if (f.suggestion)
    parts.push(
      f.createIndex && !f.suggestion.includes(f.createIndex) ? `${f.suggestion} ${f.createIndex}` : f.suggestion,
    );
  if (f.whatIf) parts.push(`${whatIfSummary(f.whatIf, formatMs)}.`);
  if (f.runtime)
    parts.push(
      `${f.runtime.metric === 'pg_stat_statements' ? 'In pg_stat_statements' : 'In the service'}: avg ${formatMs(f.runtime.avgMs)}${f.runtime.p95Ms !== undefined ? `, p95 ${formatMs(f.runtime.p95Ms)}` : ''}${f.runtime.count !== undefined ? ` over ${f.runtime.count} ${f.runtime.metric === 'pg_stat_statements' ? 'calls' : 'runs'}` : ''}${f.runtime.totalMs !== undefined ? `, ${formatMs(f.runtime.totalMs)} in total` : ''}.`,
    );
  return parts.join(' ');
}

/** Plan rows indented by depth, as EXPLAIN QUERY PLAN shows them. */
export function planLines(rows: PlanRow[]): string[] {
  const depth = new Map<number, number>();
  return rows.map((r) => {
    const d = (depth.get(r.parent) ?? -1) + 1;
    depth.set(r.id, d);
    return `${'  '.repeat(d)}${r.detail}`;
  });
}

/** A Markdown document of one statement: SQL, plan, findings, and the what-if plan and timings when run. */
export function planDocument(report: StatementReport, where: string): string {
  const out = [
    `# Query plan: ${where}`,
    '',
    '```sql',
    report.text ?? report.sql,
    '```',
    '',
    '## Plan (EXPLAIN QUERY PLAN)',
    '',
    '```',
    ...planLines(report.plan),
    '```',
    '',
  ];
  if (report.error) out.push(`**Error:** ${report.error}`, '');
  if (report.findings.length === 0) out.push('No findings.', '');
  for (const f of report.findings) {
    out.push(`## ${f.kind}${f.table ? ` (${f.table})` : ''}`, '', f.detail, '');
    if (f.suggestion) out.push(`Suggestion: ${f.suggestion}`, '');
    if (f.createIndex) out.push('```sql', f.createIndex, '```', '');
    if (isHypoWhatIf(f.whatIf)) {
      const w = f.whatIf;
      out.push(
        `### HypoPG what-if with \`${w.index}\``,
        '',
        '| | plan cost |',
        '|---|---|',
        `| without the index | ${w.costBefore.toFixed(2)} |`,
        `| with the hypothetical index | ${w.costAfter.toFixed(2)} |`,
        `| ratio | ${w.costRatio.toFixed(1)}× cheaper |`,
        '',
        `Plan with the hypothetical index (${w.indexUsed}):`,
        '',
        '```',
        ...planLines(w.plan),
        '```',
        '',
      );
    } else if (f.whatIf) {
      const w = f.whatIf;
      out.push(
        `### What-if with \`${w.index}\``,
        '',
        `| | median of ${w.runs} runs |`,
        '|---|---|',
        `| without the index | ${formatMs(w.beforeMs)} |`,
        `| with the index | ${formatMs(w.afterMs)} |`,
        `| speed-up | ${w.speedup.toFixed(1)}× |`,
        '',
        'Plan with the index:',
        '',
        '```',
        ...planLines(w.planAfter),
        '```',
        '',
      );
    }
    if (f.tried?.length) {
      out.push(
        'Indexes tried on an in-memory copy:',
        '',
        ...f.tried.map((t) => `- ${t.proven ? '✓' : '✗'} \`${t.index}\`: ${t.reason}`),
        '',
      );
    } else if (f.createIndex && !f.whatIf) {
      out.push(
        'Run **PerfLens: Run What-If Index Now** (Quick Fix) to time the statement with and without this index on an in-memory copy.',
        '',
      );
    }
  }
  for (const n of report.notes ?? []) out.push(`> ${n}`, '');
  return out.join('\n');
}
