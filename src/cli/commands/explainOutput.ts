import { formatPlan } from '../../core/queries/plan';
import type { FindingKind, RuntimeEvidence, StatementReport } from '../../core/queries/types';
import { FINDING_KINDS, isHypoWhatIf } from '../../core/queries/types';
import { formatMs } from '../../shared/format';
import { UserError } from '../../core/util/result';
import type { CliIO } from '../io';

/** What \`perflens explain\` prints, for SQLite and PostgreSQL alike. */

export function parseFailOn(text: string | undefined): FindingKind[] {
  if (text === undefined) return [];
  const kinds = text
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (kinds.includes('any')) return [...FINDING_KINDS];
  for (const k of kinds)
    if (!FINDING_KINDS.includes(k as FindingKind))
      throw new UserError(`--fail-on: "${k}" is not a finding kind (${FINDING_KINDS.join(', ')}, any).`);
  return kinds as FindingKind[];
}

function ratio(n: number): string {
  return `${n >= 10 ? Math.round(n) : Number(n.toPrecision(2))}×`;
}

function runtimeText(r: RuntimeEvidence): string {
  const volume =
    r.count !== undefined
      ? `${r.count.toLocaleString('en-US')} ${r.count === 1 ? 'run' : 'runs'}`
      : `${r.ratePerSec ?? 0}/s`;
  return `in the service: ${volume}, avg ${formatMs(r.avgMs)}${r.p95Ms !== undefined ? `, p95 ${formatMs(r.p95Ms)}` : ''} (${r.metric})`;
}

export function human(reports: StatementReport[], io: CliIO): void {
  const lines: string[] = [];
  for (const r of reports) {
    const where = r.location ? `${r.location.file}:${r.location.line}:${r.location.column}  ` : '';
    lines.push(`${where}${r.sql.replace(/\s+/g, ' ')}`);
    if (r.skipped) lines.push(`  skipped: ${r.skipped}`);
    if (r.error) lines.push(`  error: ${r.error}`);
    if (r.plan.length) lines.push('  plan:', ...formatPlan(r.plan).map((l) => `    ${l}`));
    if (r.runtime) lines.push(`  ${runtimeText(r.runtime)}`);
    const shown = new Set<string>();
    for (const f of r.findings) {
      lines.push(`  ${f.kind}${f.table ? ` (${f.table})` : ''}: ${f.detail}`);
      if (f.createIndex && shown.has(f.createIndex)) {
        lines.push('    → the same index as above');
        continue;
      }
      if (f.createIndex) shown.add(f.createIndex);
      if (f.suggestion) lines.push(`    → ${f.suggestion}`);
      if (isHypoWhatIf(f.whatIf)) {
        const w = f.whatIf;
        lines.push(
          `    what-if (HypoPG): plan cost ${w.costBefore.toFixed(2)} → ${w.costAfter.toFixed(2)} (${ratio(w.costRatio)} cheaper, using ${w.indexUsed})`,
        );
        lines.push(...formatPlan(w.plan).map((l) => `      after: ${l}`));
      } else if (f.whatIf) {
        const w = f.whatIf;
        lines.push(
          `    what-if: ${formatMs(w.beforeMs)} → ${formatMs(w.afterMs)} (${w.speedup >= 1 ? `${ratio(w.speedup)} faster` : `${ratio(1 / w.speedup)} slower`}, median of ${w.runs})`,
        );
        lines.push(...formatPlan(w.planAfter).map((l) => `      after: ${l}`));
      }
    }
    for (const n of r.notes ?? []) lines.push(`  note: ${n}`);
    if (!r.skipped && !r.error && r.findings.length === 0) lines.push('  no findings');
    lines.push('');
  }
  const counts = new Map<string, number>();
  for (const r of reports) for (const f of r.findings) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
  const errors = reports.filter((r) => r.error).length;
  const skipped = reports.filter((r) => r.skipped).length;
  lines.push(
    `${reports.length} statement(s): ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'no findings'}` +
      (errors ? `, ${errors} that do not prepare` : '') +
      (skipped ? `, ${skipped} skipped` : ''),
  );
  io.out(lines.join('\n'));
}
