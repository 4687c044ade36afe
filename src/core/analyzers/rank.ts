import type { Finding } from './types';

const ANALYZER_ORDER: Record<string, number> = { bottleneck: 0, pool: 1, cache: 2, leak: 3, trend: 4, forecast: 5 };
const SEVERITY_ORDER: Record<string, number> = { critical: 0, warning: 1, info: 2 };

/** Causes of slowness first (in the analyzers' rank), then the rest by severity. */
export function rankForDiagnosis(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => {
    const byAnalyzer = (ANALYZER_ORDER[a.analyzer] ?? 9) - (ANALYZER_ORDER[b.analyzer] ?? 9);
    if (a.analyzer === 'bottleneck' && b.analyzer === 'bottleneck') {
      const ra = Number(a.evidence.numbers.rank ?? 99);
      const rb = Number(b.evidence.numbers.rank ?? 99);
      if (ra !== rb) return ra - rb;
    }
    if (byAnalyzer !== 0 && (a.analyzer === 'bottleneck' || b.analyzer === 'bottleneck')) return byAnalyzer;
    return (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9) || byAnalyzer;
  });
}
