/**
 * "Diagnose Slow Responses": a troubleshooting guide answered from measurements. The
 * core analyzers rank the causes in a fixed order (database, cache misses, CPU, then network
 * and external services); this renders that ranking, with evidence, as a Markdown document.
 */
import { formatBytes, formatMs, formatPercent, formatRate, formatShare, formatSpan } from '../../shared/format';
import type { Finding } from '../../core/analyzers/types';
import type { TargetState } from '../live/liveMonitor';
import { LEVEL_LABEL } from '../live/targetHealth';
import { escapeMarkdown } from './markdown';
import { rankForDiagnosis } from '../../core/analyzers/rank';

export { rankForDiagnosis };

function findingSection(f: Finding, i: number): string[] {
  const numbers = Object.entries(f.evidence.numbers)
    .map(([k, v]) => `${escapeMarkdown(k)} = ${escapeMarkdown(String(v))}`)
    .join(', ');
  return [
    `### ${i + 1}. ${escapeMarkdown(f.title)}`,
    '',
    `*${f.severity}* · ${f.analyzer} · ${new Date(f.evidence.window.from).toLocaleTimeString()}–${new Date(f.evidence.window.to).toLocaleTimeString()}`,
    '',
    `**Evidence:** ${escapeMarkdown(f.evidence.text)}`,
    '',
    ...(numbers ? [`Numbers: ${numbers}`, ''] : []),
    `**What to do:** ${escapeMarkdown(f.recommendation)}`,
    '',
  ];
}

export function diagnoseMarkdown(targets: readonly TargetState[], now: number): string {
  const lines = [
    '# PerfLens: why are responses slow?',
    '',
    `Generated ${new Date(now).toLocaleString()}. Causes are checked in the order of the troubleshooting guide: slow database queries, cache misses, CPU, then network and external dependencies.`,
    '',
  ];
  if (targets.length === 0) {
    lines.push(
      'PerfLens is not attached to a service. Run **PerfLens: Attach to Service…** first, let it collect for a minute, then diagnose again.',
    );
    return lines.join('\n');
  }
  for (const t of targets) {
    const s = t.latest;
    lines.push(`## ${escapeMarkdown(t.label)} (${LEVEL_LABEL[t.health.level]})`, '');
    if (!s) {
      lines.push('No sample collected yet: wait one collection interval and run the diagnosis again.', '');
      continue;
    }
    const span = t.window.length > 1 ? t.window[t.window.length - 1]!.time - t.window[0]!.time : 0;
    lines.push(
      `Window: ${t.window.length} samples over ${formatSpan(span)}. Now: p95 ${formatMs(s.http?.p95Ms)}, ${formatRate(s.http?.requestRate, 'req')}, errors ${formatShare(s.http?.errorRate, 2)}, CPU ${formatPercent(s.process?.cpuPercent ?? s.system?.cpuPercent)}, memory ${formatBytes(s.process?.rssBytes)}.`,
      '',
    );
    const ranked = rankForDiagnosis(t.findings);
    if (ranked.length === 0) {
      const slow =
        (s.http?.p95Ms ?? 0) > 0
          ? `p95 is ${formatMs(s.http?.p95Ms)}, within the response-time threshold`
          : 'no request latency measured yet';
      lines.push(
        `**No cause found:** ${slow}; database time, cache misses and CPU are within their thresholds. If a request still feels slow, profile it (PerfLens profiling) or check network latency and external dependencies.`,
        '',
      );
      continue;
    }
    lines.push(...ranked.flatMap(findingSection));
  }
  return lines.join('\n');
}
