/** Number formatting shared by the extension (status bar, tree views, reports) and the webviews. */

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function formatRate(perSec: number | undefined): string {
  if (perSec === undefined || !Number.isFinite(perSec)) return '—';
  return `${perSec >= 100 ? Math.round(perSec) : perSec.toFixed(1)} req/s`;
}

/** A 0..1 share as a percentage. */
export function formatShare(share: number | undefined, digits = 1): string {
  if (share === undefined || !Number.isFinite(share)) return '—';
  return `${(share * 100).toFixed(digits)}%`;
}

export function formatPercent(percent: number | undefined): string {
  if (percent === undefined || !Number.isFinite(percent)) return '—';
  return `${percent.toFixed(1)}%`;
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '—';
  const mb = bytes / 1048576;
  if (mb >= 1024) return `${(mb / 1024).toFixed(2)} GB`;
  return `${mb >= 100 ? Math.round(mb) : mb.toFixed(1)} MB`;
}

/** "3 min ago"-style age of an epoch-ms time relative to `now`. */
export function formatAge(time: number, now: number): string {
  const s = Math.max(0, Math.round((now - time) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${(s / 3600).toFixed(1)} h ago`;
  return `${(s / 86_400).toFixed(1)} days ago`;
}
