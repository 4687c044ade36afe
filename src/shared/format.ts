/**
 * Numbers for people, written one way by every face of PerfLens (CLI, status bar, tree views,
 * reports, both webviews), so a p95 or a heap size reads alike wherever it appears.
 *
 * Each quantity has one rule; the tier is picked after rounding, so a value never prints as the
 * next tier's first number ("1000 ms", "1024 KB", "100.0 MB"). Anything that is not a finite
 * number (undefined, NaN, ±Infinity) prints as {@link MISSING}. Negative values keep their sign.
 * Pure functions: no Node, no DOM.
 */

/** What every formatter prints for a value that is absent or not a finite number. */
export const MISSING = '—';

function finite(v: number | undefined): v is number {
  return v !== undefined && Number.isFinite(v);
}

/** The sign to print before a magnitude whose rounded text is `text` (no "-0"). */
function sign(v: number, text: string): string {
  return v < 0 && /[1-9]/.test(text) ? '-' : '';
}

/** `v` with `digits` decimals and a thousands separator: 12345.6 → "12,345.6". */
function fixed(v: number, digits: number): string {
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** One decimal, none when it is zero: 1.5 → "1.5", 2.0 → "2". */
function short(v: number): string {
  return String(Number(v.toFixed(1)));
}

/**
 * Durations in milliseconds: "0.42 ms" below 1 ms, "4.9 ms" below 10 ms, "999 ms" below 1000 ms,
 * then seconds: "2.42 s" below 10 s, "12.3 s" above. 999.95 ms is "1.00 s", never "1000 ms".
 */
export function formatMs(ms: number | undefined): string {
  if (!finite(ms)) return MISSING;
  const a = Math.abs(ms);
  let text: string;
  if (Number(a.toFixed(2)) < 1) text = `${a.toFixed(2)} ms`;
  else if (Number(a.toFixed(1)) < 10) text = `${a.toFixed(1)} ms`;
  else if (Math.round(a) < 1000) text = `${Math.round(a)} ms`;
  else if (Number((a / 1000).toFixed(2)) < 10) text = `${(a / 1000).toFixed(2)} s`;
  else text = `${fixed(a / 1000, 1)} s`;
  return sign(ms, text) + text;
}

const BYTE_UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/**
 * Sizes in bytes, binary units: "512 bytes", then KB/MB/GB/TB with one decimal below 100, a whole
 * number dropping its ".0" ("1.5 KB", "16 MB", "16.3 MB"), and whole numbers from 100 ("300 KB",
 * "256 MB"); so a limit of 256 MB reads "256 MB". 1023.9 KB is "1 MB", never "1024 KB".
 */
export function formatBytes(bytes: number | undefined): string {
  if (!finite(bytes)) return MISSING;
  const a = Math.abs(bytes);
  let text: string;
  if (a < 1024) text = plural(Math.round(a), 'byte');
  else {
    let v = a / 1024;
    let u = 0;
    while (Math.round(v) >= 1024 && u < BYTE_UNITS.length - 1) {
      v /= 1024;
      u++;
    }
    text = Number(v.toFixed(1)) < 100 ? `${short(v)} ${BYTE_UNITS[u]}` : `${fixed(v, 0)} ${BYTE_UNITS[u]}`;
  }
  return sign(bytes, text) + text;
}

/**
 * Events per second: "0.25/s" below 1, "12.3/s" below 100, "1,234/s" from 100; with `what`, the
 * thing counted goes before the slash: formatRate(12.34, 'req') is "12.3 req/s".
 */
export function formatRate(perSec: number | undefined, what?: string): string {
  if (!finite(perSec)) return MISSING;
  const a = Math.abs(perSec);
  const text = Number(a.toFixed(2)) < 1 ? a.toFixed(2) : Number(a.toFixed(1)) < 100 ? a.toFixed(1) : fixed(a, 0);
  return `${sign(perSec, text)}${text}${what ? ` ${what}` : ''}/s`;
}

/** A percentage given on the 0..100 scale: 42.25 → "42.3%" (`digits` decimals, 1 by default). */
export function formatPercent(percent: number | undefined, digits = 1): string {
  if (!finite(percent)) return MISSING;
  const text = Math.abs(percent).toFixed(digits);
  return `${sign(percent, text)}${text}%`;
}

/** A share given on the 0..1 scale, written as a percentage: 0.4225 → "42.3%". */
export function formatShare(share: number | undefined, digits = 1): string {
  return formatPercent(finite(share) ? share * 100 : share, digits);
}

/**
 * A span of time, also the wording of time ranges and steps: a {@link formatMs} duration below a
 * second, "45 s" below a minute, "15 min" below an hour, "1 h", "24 h" up to two days, then "30 days".
 */
export function formatSpan(ms: number | undefined): string {
  if (!finite(ms)) return MISSING;
  const a = Math.abs(ms);
  if (a > 0 && a < 1000) return formatMs(ms);
  const s = a / 1000;
  const text =
    Number(short(s)) < 60
      ? `${short(s)} s`
      : Number(short(s / 60)) < 60
        ? `${short(s / 60)} min`
        : Number(short(s / 3600)) < 48
          ? `${short(s / 3600)} h`
          : `${short(s / 86_400)} days`;
  return sign(ms, text) + text;
}

/** How long ago an epoch-ms `time` was, relative to `now`: "3 min ago" (a future time is "0 s ago"). */
export function formatAge(time: number, now: number): string {
  return `${formatSpan(Math.max(0, Math.round((now - time) / 1000) * 1000))} ago`;
}

/** "1 connection", "5 connections": a count with its noun in the right number. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/**
 * A chart value in its unit, as axis labels and tooltips show it: units named by the dashboard
 * protocol ("ms", "rps", "share", "percent", "bytes") by their rule above; a share as a whole
 * percentage unless it is under 1%; any other unit after the number.
 */
export function formatValue(unit: string, v: number): string {
  switch (unit) {
    case 'ms':
      return formatMs(v);
    case 'rps':
      return formatRate(v);
    case 'share':
      return formatShare(v, v !== 0 && Math.abs(v) < 0.01 ? 2 : 0);
    case 'percent':
      return formatPercent(v);
    case 'bytes':
      return formatBytes(v);
    default:
      return finite(v) ? `${Number.isInteger(v) ? v : v.toFixed(2)} ${unit}` : MISSING;
  }
}
