/**
 * Scrapes a metrics endpoint: content negotiation (OpenMetrics preferred, Prometheus text
 * accepted), gzip, a hard timeout and body cap, recognisable failures (an HTML login page, a JSON
 * API, a 4xx/5xx), one scrape in flight at a time, and exponential backoff while the target is down.
 */
import type { CardinalityCut } from '../metrics/cardinality';
import { DEFAULT_MAX_SERIES, capSeries } from '../metrics/cardinality';
import { SeriesCache, parseExposition } from '../metrics/parser';
import type { ParseResult } from '../metrics/types';
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import type { ConnectPolicy } from '../util/connect';
import type { HttpFailureKind } from '../util/http';
import { httpRequest } from '../util/http';
import type { Result } from '../util/result';
import { fail, ok } from '../util/result';
import { isLoopbackHost } from '../util/target';
import type { HttpFn } from './health';
import { formatBytes } from '../../shared/format';

export const SCRAPE_ACCEPT = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
export const DEFAULT_SCRAPE_TIMEOUT_MS = 2000;
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

export type ScrapeFailureKind = HttpFailureKind | 'http-status' | 'not-metrics';

export interface ScrapeOutput {
  parse: ParseResult;
  status: number;
  contentType: string;
  /** Decoded body size. */
  bytes: number;
  elapsedMs: number;
  /** Set when the scrape had more than `maxSeries` series: which families were cut. */
  cardinality?: CardinalityCut;
}

export interface ScrapeOptions {
  timeoutMs?: number;
  maxBytes?: number;
  http?: HttpFn;
  /**
   * Ask for a gzip body. Default: only for remote targets. Over loopback compression saves no
   * time and costs CPU on both sides, and the service's CPU is what is being measured.
   */
  compress?: boolean;
  /** Where the scrape may connect; default loopback only. */
  connect?: ConnectPolicy;
  /** Series kept from one scrape (default DEFAULT_MAX_SERIES); the largest families are cut. */
  maxSeries?: number;
  /** Stops the request in flight (a command's deadline); the scrape then fails with kind 'aborted'. */
  signal?: AbortSignal;
  /**
   * The series of the target's last scrape, so lines that repeat them are not scanned again
   * (see parserSeriesCache.ts); MetricsScraper keeps one per target.
   */
  seriesCache?: SeriesCache;
}

function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

function looksLikeHtml(body: Buffer, contentType: string): boolean {
  if (/text\/html|application\/xhtml/i.test(contentType)) return true;
  const head = body.subarray(0, 256).toString('utf8').trimStart().toLowerCase();
  return (
    head.startsWith('<!doctype html') ||
    head.startsWith('<html') ||
    head.startsWith('<head') ||
    head.startsWith('<body')
  );
}

function looksLikeJson(body: Buffer, contentType: string): boolean {
  if (/application\/(.+\+)?json/i.test(contentType)) return true;
  const head = body.subarray(0, 64).toString('utf8').trimStart();
  return head.startsWith('{') || head.startsWith('[');
}

/** One scrape of a metrics URL, parsed leniently (bad lines are counted in parse.problems). */
export async function scrapeMetrics(
  url: string,
  opts: ScrapeOptions = {},
): Promise<Result<ScrapeOutput, ScrapeFailureKind>> {
  const http = opts.http ?? httpRequest;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
  const compress = opts.compress ?? !isLoopbackUrl(url);
  const requestHeaders = { accept: SCRAPE_ACCEPT, 'accept-encoding': compress ? 'gzip' : 'identity' };
  const request = () =>
    http(url, {
      timeoutMs: opts.timeoutMs ?? DEFAULT_SCRAPE_TIMEOUT_MS,
      maxBytes,
      headers: requestHeaders,
      connect: opts.connect,
      signal: opts.signal,
    });
  let r = await request();
  // A kept-alive socket to a service that has since restarted fails at once with ECONNRESET;
  // one immediate retry on a fresh connection tells that apart from a service that is down.
  if (
    !r.ok &&
    r.error.kind === 'network' &&
    (r.error.cause as NodeJS.ErrnoException | undefined)?.code === 'ECONNRESET'
  )
    r = await request();
  if (!r.ok) {
    if (r.error.kind === 'too-large') {
      return fail(
        'too-large',
        `The metrics at ${url} are larger than the ${formatBytes(maxBytes)} limit; the scrape was stopped. Reduce the series the service exports (high-cardinality labels such as user or request ids are the usual cause).`,
      );
    }
    return fail(r.error.kind, r.error.message, r.error.cause);
  }
  const { status, headers, body, elapsedMs } = r.value;
  const contentType = headers['content-type'] ?? '';
  if (status < 200 || status >= 300) {
    const hint =
      status === 404
        ? ' Check the metrics path (default /metrics).'
        : status === 401 || status === 403
          ? ' The endpoint needs authorisation.'
          : '';
    return fail('http-status', `${url} answered HTTP ${status}.${hint}`);
  }
  if (looksLikeHtml(body, contentType)) {
    return fail(
      'not-metrics',
      `${url} returned an HTML page, not metrics (a login page, a proxy error or the wrong path?). Point PerfLens at the service's Prometheus endpoint.`,
    );
  }
  if (looksLikeJson(body, contentType)) {
    return fail(
      'not-metrics',
      `${url} returned JSON, not the Prometheus/OpenMetrics text format. Point PerfLens at the service's Prometheus endpoint.`,
    );
  }
  const parse = parseExposition(body, { format: 'auto', contentType, strict: false, seriesCache: opts.seriesCache });
  const capped = capSeries(parse.families, opts.maxSeries ?? DEFAULT_MAX_SERIES);
  parse.families = capped.families;
  return ok({
    parse,
    status,
    contentType,
    bytes: body.length,
    elapsedMs,
    ...(capped.cut ? { cardinality: capped.cut } : {}),
  });
}

export interface BackoffPolicy {
  /** First retry delay after a failure (the session passes its interval). */
  baseMs: number;
  maxMs: number;
}

/**
 * A scraper for one target: concurrent callers share the scrape in flight (never two at once), and
 * after consecutive failures `retryInMs` grows exponentially (base, 2×, 4×… up to max) so a
 * stopped service is not hammered; one success resets it.
 */
export class MetricsScraper {
  private inFlight?: Promise<Result<ScrapeOutput, ScrapeFailureKind>>;
  private failures = 0;
  private nextAttemptAt = 0;
  private lastFailure?: Result<ScrapeOutput, ScrapeFailureKind> & { ok: false };
  /** Whether to ask for gzip, decided once for the URL rather than parsed again every scrape. */
  private readonly compress: boolean;
  private readonly seriesCache = new SeriesCache();

  constructor(
    readonly url: string,
    private readonly opts: ScrapeOptions & { clock?: Clock; backoff?: BackoffPolicy } = {},
  ) {
    this.compress = opts.compress ?? !isLoopbackUrl(url);
  }

  private get clock(): Clock {
    return this.opts.clock ?? systemClock;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Milliseconds until the backoff allows the next attempt (0 = now). */
  retryInMs(): number {
    return Math.max(0, this.nextAttemptAt - this.clock.now());
  }

  /** The failure that started the current backoff, for reporting while rounds skip the scrape. */
  get lastError(): (Result<ScrapeOutput, ScrapeFailureKind> & { ok: false })['error'] | undefined {
    return this.lastFailure?.error;
  }

  scrape(signal?: AbortSignal): Promise<Result<ScrapeOutput, ScrapeFailureKind>> {
    if (this.inFlight) return this.inFlight;
    const run = scrapeMetrics(this.url, {
      ...this.opts,
      compress: this.compress,
      signal,
      seriesCache: this.seriesCache,
    }).then((r) => {
      // Stopped by the caller's deadline: says nothing about the target, so no backoff.
      if (!r.ok && r.error.kind === 'aborted') return r;
      if (r.ok) {
        this.failures = 0;
        this.nextAttemptAt = 0;
        this.lastFailure = undefined;
      } else {
        this.failures++;
        const policy = this.opts.backoff ?? { baseMs: 1000, maxMs: 60_000 };
        const delay = Math.min(policy.maxMs, policy.baseMs * 2 ** (this.failures - 1));
        this.nextAttemptAt = this.clock.now() + delay;
        this.lastFailure = r;
      }
      return r;
    });
    this.inFlight = run.finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }
}
