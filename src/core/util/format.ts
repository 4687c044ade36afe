/**
 * Numbers for people, written the same way by every command and view, so a p95 reads alike in a
 * report, a finding and a status line.
 */

/** 0.04 ms, 4.9 ms, 48 ms, 2.42 s. */
export function formatMs(ms: number): string {
  if (ms >= 999.5) return `${(ms / 1000).toFixed(2)} s`;
  // A cached answer takes microseconds: "0.0 ms" would read as "not measured".
  return ms >= 10 ? `${Math.round(ms)} ms` : ms >= 1 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

/** "1 connection", "5 connections": a count with its noun in the right number. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
