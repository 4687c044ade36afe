/**
 * What the status-bar item says, computed without the editor API so it is unit-tested: the worst
 * attached target shows (with its headline number), the tooltip lists every target.
 */
import { formatBytes, formatMs, formatPercent, formatRate, formatShare } from '../../shared/format';
import type { StatusBarHeadline } from '../config';
import type { TargetState } from '../live/liveMonitor';
import type { HealthLevel } from '../live/targetHealth';
import { failingChecks, LEVEL_LABEL, LEVEL_RANK } from '../live/targetHealth';
import { escapeMarkdown } from '../reports/markdown';

export interface StatusBarView {
  text: string;
  /** Theme color id for the background, when the state needs attention. */
  background?: 'statusBarItem.warningBackground' | 'statusBarItem.errorBackground';
  /** Markdown (theme icons on, HTML off); every service string in it is escaped. */
  tooltip: string;
  level: HealthLevel | 'none';
}

export const LEVEL_ICON: Record<HealthLevel, string> = {
  healthy: '$(pass-filled)',
  degraded: '$(warning)',
  down: '$(error)',
  unknown: '$(sync~spin)',
  'no-verdict': '$(question)',
};

export function headlineOf(t: TargetState, headline: StatusBarHeadline): string | undefined {
  const http = t.latest?.http;
  if (!http) return undefined;
  if (headline === 'requestRate') return formatRate(http.requestRate, 'req');
  return http.p95Ms !== undefined ? `p95 ${formatMs(http.p95Ms)}` : undefined;
}

function worst(targets: readonly TargetState[]): TargetState {
  return [...targets].sort((a, b) => LEVEL_RANK[a.health.level] - LEVEL_RANK[b.health.level])[0]!;
}

function targetSection(t: TargetState): string[] {
  const lines = [
    `**${escapeMarkdown(t.label)}** ${LEVEL_ICON[t.health.level]} ${LEVEL_LABEL[t.health.level]}${t.collecting ? '' : ' (not collecting)'}`,
    '',
  ];
  const s = t.latest;
  if (s) {
    lines.push('| p95 | requests | errors | CPU | memory |', '|---:|---:|---:|---:|---:|');
    lines.push(
      `| ${formatMs(s.http?.p95Ms)} | ${formatRate(s.http?.requestRate)} | ${formatShare(s.http?.errorRate, 2)} | ${formatPercent(s.process?.cpuPercent ?? s.system?.cpuPercent)} | ${formatBytes(s.process?.rssBytes)} |`,
      '',
    );
  }
  const failing = failingChecks(s);
  if (failing.length) {
    lines.push('Failing checks:', '');
    for (const c of failing)
      lines.push(`- ${escapeMarkdown(c.name)}: ${c.status}${c.detail ? ` (${escapeMarkdown(c.detail)})` : ''}`);
    lines.push('');
  }
  const otherReasons = t.health.reasons.filter((r) => !failing.some((c) => r.includes(c.name)));
  if (t.health.level !== 'healthy' && otherReasons.length) {
    for (const r of otherReasons.slice(0, 5)) lines.push(`- ${escapeMarkdown(r)}`);
    lines.push('');
  }
  return lines;
}

export function statusBarView(
  targets: readonly TargetState[],
  headline: StatusBarHeadline,
  monitoringEnabled = true,
): StatusBarView {
  if (targets.length === 0) {
    return {
      text: '$(pulse) PerfLens: not attached',
      tooltip:
        'PerfLens is not attached to a service.\n\nClick to open the dashboard, or run **PerfLens: Attach to Service…**.',
      level: 'none',
    };
  }
  const w = worst(targets);
  const number = headlineOf(w, headline);
  const more = targets.length > 1 ? ` (+${targets.length - 1})` : '';
  const paused = !monitoringEnabled ? ' paused' : '';
  const text = `${LEVEL_ICON[w.health.level]} PerfLens: ${w.label} ${LEVEL_LABEL[w.health.level]}${paused}${number ? ` · ${number}` : ''}${more}`;
  const background =
    w.health.level === 'down'
      ? 'statusBarItem.errorBackground'
      : w.health.level === 'degraded'
        ? 'statusBarItem.warningBackground'
        : undefined;
  const header = targets.length > 1 ? `**PerfLens**: ${targets.length} targets, worst first` : '**PerfLens**';
  const ordered = [...targets].sort((a, b) => LEVEL_RANK[a.health.level] - LEVEL_RANK[b.health.level]);
  const body = ordered.flatMap(targetSection);
  if (!monitoringEnabled) body.push('Monitoring is turned off (`perflens.monitoring.enabled`).', '');
  body.push('Click to show the dashboard.');
  return {
    text,
    ...(background ? { background } : {}),
    tooltip: [header, '', ...body].join('\n'),
    level: w.health.level,
  };
}
