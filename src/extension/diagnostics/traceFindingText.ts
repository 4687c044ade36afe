/**
 * Trace findings as diagnostics: which workspace line each one belongs to and what it says there.
 * Plain data, so the mapping is tested without an editor.
 */
import type { TraceFinding } from '../../core/traces/analyze';

export interface TraceDiagnosticSpec {
  /** Path relative to the workspace folder, as the workspace scan names it. */
  file: string;
  /** 0-based. */
  line: number;
  code: 'n-plus-one' | 'slow-statement';
  message: string;
  severity: 'warning' | 'error';
  /** The finding's evidence trace (Show Trace opens it). */
  traceId: string;
}

export function traceDiagnostics(findings: readonly TraceFinding[]): TraceDiagnosticSpec[] {
  const out: TraceDiagnosticSpec[] = [];
  for (const f of findings) {
    if (!f.location || (f.kind !== 'n-plus-one' && f.kind !== 'slow-statement')) continue;
    const message =
      f.kind === 'n-plus-one'
        ? `N+1: runs ${f.count} times per request to ${f.route} (${f.evidence.numbers.requestsAffected} request(s) traced, ${f.evidence.numbers.avgCostMs} ms each). ${f.recommendation} Trace ${f.traceId}.`
        : `${f.title} from traced requests (slowest ${f.evidence.numbers.slowestMs} ms, trace ${f.traceId}). ${f.recommendation}`;
    out.push({
      file: f.location.file,
      line: f.location.line - 1,
      code: f.kind,
      message,
      severity: f.severity === 'critical' ? 'error' : 'warning',
      traceId: f.traceId,
    });
  }
  return out;
}
