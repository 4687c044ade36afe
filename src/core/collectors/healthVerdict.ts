/**
 * What counts as a health verdict. A health endpoint answers with a status code and a body; only
 * some answers say anything about health. An HTML page (a login form, an exporter's landing page,
 * a web UI) never does, a redirect does not, and a 2xx body with no verdict word is "reachable, no
 * health verdict": not healthy, and not down either.
 */
import type { HealthState } from '../session/types';

/**
 * The health paths tried in order, the same for every caller (attach sessions, `report`, `probe`):
 * the configured health path, the configured status path, then the conventional ones
 * (Kubernetes-style /healthz, Prometheus's /-/healthy, Spring Boot's /actuator/health).
 */
export const CONVENTIONAL_HEALTH_PATHS = ['/healthz', '/-/healthy', '/actuator/health'] as const;
export const DEFAULT_HEALTH_PATH = '/health';
export const DEFAULT_STATUS_PATH = '/status';

export function healthPathCandidates(
  healthPath: string = DEFAULT_HEALTH_PATH,
  statusPath: string = DEFAULT_STATUS_PATH,
): string[] {
  return [...new Set([healthPath, statusPath, ...CONVENTIONAL_HEALTH_PATHS])];
}

const STATE_LABEL: Record<HealthState, string> = {
  healthy: 'healthy',
  degraded: 'degraded',
  down: 'down',
  unknown: 'unknown',
  'no-verdict': 'reachable, no health verdict',
};

/** How a state reads in human output ("reachable, no health verdict" rather than its id). */
export function healthStateLabel(state: HealthState): string {
  return STATE_LABEL[state];
}

// Words that are a verdict when they stand alone in a short health answer. "errors" (a counter's
// name) is deliberately not a failure word; "error" is.
const HEALTHY_WORDS = new Set([
  'healthy',
  'ok',
  'okay',
  'up',
  'pass',
  'passed',
  'passing',
  'alive',
  'ready',
  'live',
  'good',
  'green',
  'success',
  'operational',
]);
const DEGRADED_WORDS = new Set(['degraded', 'warn', 'warning', 'partial', 'partially']);
const FAILURE_WORDS = new Set([
  'unhealthy',
  'down',
  'fail',
  'failed',
  'failing',
  'failure',
  'error',
  'unavailable',
  'unreachable',
  'critical',
  'dead',
  'refused',
  'outage',
]);
// "not ready" is a failure; "no error" is not one.
const NEGATIONS = new Set(['not', 'no', 'zero', '0', 'without', 'never']);
/** Text longer than this is a page or a document, not a health answer. */
const MAX_VERDICT_TEXT = 512;

/**
 * The verdict in a short text (a plain-text body, or a JSON status spelled as a sentence): any
 * failure word makes it down, then degraded words, then healthy words; no such word, no verdict.
 */
export function verdictOfWords(text: string): Exclude<HealthState, 'unknown' | 'no-verdict'> | undefined {
  if (text.length > MAX_VERDICT_TEXT) return undefined;
  const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  let failed = false;
  let degraded = false;
  let healthy = false;
  words.forEach((w, i) => {
    const negated = i > 0 && NEGATIONS.has(words[i - 1]!);
    if (FAILURE_WORDS.has(w)) failed ||= !negated;
    else if (DEGRADED_WORDS.has(w)) degraded ||= !negated;
    else if (HEALTHY_WORDS.has(w)) {
      if (negated && words[i - 1] === 'not') failed = true;
      else healthy ||= !negated;
    }
  });
  return failed ? 'down' : degraded ? 'degraded' : healthy ? 'healthy' : undefined;
}

/** True for a body that is markup (an HTML page, XML), which is never a verdict. */
export function isMarkup(contentType: string, text: string): boolean {
  return /html|xml/i.test(contentType) || /^</.test(text);
}

/** Control characters from a service never reach a terminal or a tooltip. */
function printable(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** What an HTML answer was, for the reason line: its title when it has one. */
export function describeMarkup(text: string): string {
  const title = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(text)?.[1];
  const heading = /<h1[^>]*>([^<]{1,200})<\/h1>/i.exec(text)?.[1];
  const name = printable(title ?? heading ?? '');
  return `an HTML page${name ? ` ("${name.length > 80 ? name.slice(0, 79) + '…' : name}")` : ''}`;
}

/**
 * Why a redirect is no verdict, naming where it points. Redirects are never followed: one to
 * another host would send PerfLens's request somewhere the user did not name.
 */
export function redirectReason(status: number, requestUrl: string | undefined, location: string | undefined): string {
  if (!location)
    return `The health endpoint redirects (HTTP ${status}) without saying where; PerfLens reads no verdict from it.`;
  let where = printable(location);
  let offsite = false;
  try {
    const from = requestUrl ? new URL(requestUrl) : undefined;
    const to = new URL(location, from);
    offsite = from !== undefined && to.origin !== from.origin;
    where = from && !offsite ? `${to.pathname}${to.search}` : to.href;
  } catch {
    /* an unparsable Location is shown as it came, minus control characters */
  }
  return offsite
    ? `The health endpoint redirects (HTTP ${status}) to ${where}, on another host, which PerfLens never follows; so there is no health verdict. Give the path that answers the health check directly.`
    : `The health endpoint redirects (HTTP ${status}) to ${where} (often a login page); PerfLens does not follow redirects, so there is no health verdict. Give the path that answers the health check directly.`;
}
