/**
 * The metrics source of an attach session: the scraper of the service's metrics URL (found from
 * the process's listening ports when the target is a pid), and what a round's scrape leaves for
 * the next one: the previous scrape's readable series (for rates), the presets detected and the
 * heap the service reported. Turns each scrape into the snapshot's derived fields and warnings.
 */
import { listeningPortsOf } from '../collectors/portPid';
import { MetricsScraper } from '../collectors/scrape';
import type { IndexedScrape } from '../metrics/derived';
import { assignDerived, deriveMetrics } from '../metrics/derived';
import { indexSamples, readableSampleNames, retainSamples } from '../metrics/presets';
import { PresetDetector } from '../metrics/presetDetector';
import { DEFAULT_MAX_ROUTES, DEFAULT_MAX_SERIES, describeCut, describeFoldedRoutes } from '../metrics/cardinality';
import type { Clock } from '../util/clock';
import type { ConnectPolicy } from '../util/connect';
import { httpRequest } from '../util/http';
import { joinUrl } from '../util/target';
import type { Snapshot } from './types';
import type { ResolvedTarget } from './resolveTarget';
import type { AttachSessionOptions } from './session';
import type { DerivedField, StringCopies } from './sources';
import { detachedCopy } from './sources';

export const DEFAULT_METRICS_PATH = '/metrics';

/** What the metrics source shares with its session. */
export interface MetricsSourceContext {
  clock: Clock;
  /** Where the session's requests may connect (checked again at every connection). */
  connect: ConnectPolicy;
  intervalMs: number;
  /** The session's string copies (see StringCopies): the scrape's fields are copied through them. */
  strings: StringCopies;
}

export class MetricsSource {
  private scraper?: MetricsScraper;
  /** The last scrape, reduced to the series a later round's rates can read (never the whole scrape). */
  private prevScrape?: IndexedScrape;
  private readonly readable: ReadonlySet<string>;
  private readonly presets: PresetDetector;
  private heapFromScrape?: number;

  constructor(
    private readonly target: ResolvedTarget,
    private readonly opts: AttachSessionOptions,
    private readonly ctx: MetricsSourceContext,
  ) {
    this.readable = readableSampleNames(opts.presetOverrides);
    this.presets = new PresetDetector(opts.presetOverrides);
    if (target.metricsUrl) this.scraper = this.makeScraper(target.metricsUrl);
  }

  private makeScraper(url: string): MetricsScraper {
    return new MetricsScraper(url, {
      clock: this.ctx.clock,
      http: this.opts.http,
      connect: this.ctx.connect,
      timeoutMs: this.opts.scrapeTimeoutMs,
      maxBytes: this.opts.maxBodyBytes,
      maxSeries: this.opts.maxSeries,
      backoff: { baseMs: this.ctx.intervalMs, maxMs: Math.max(60_000, this.ctx.intervalMs) },
    });
  }

  /** Whether there is a metrics URL to scrape (a pid-only target has none until one is found). */
  get hasUrl(): boolean {
    return this.scraper !== undefined;
  }

  /** The heap the last successful scrape reported: only the runtime itself sees it. */
  get heapUsedBytes(): number | undefined {
    return this.heapFromScrape;
  }

  /** Samples kept between rounds (the previous scrape's readable series): bounded by maxSeries, flat over rounds. */
  get retainedSeries(): number {
    let n = 0;
    for (const list of this.prevScrape?.index.values() ?? []) n += list.length;
    return n;
  }

  /** Distinct sample names kept between rounds. */
  get retainedSampleNames(): number {
    return this.prevScrape?.index.size ?? 0;
  }

  /** A pid-only target has no URL: if the process (`pid`, measured now) listens on a port, scrape that. */
  async discoverFromPid(snapshot: Snapshot, pid: number | undefined, signal: AbortSignal): Promise<void> {
    if (this.scraper || this.target.pid === undefined || pid === undefined) return;
    const ports = await (this.opts.deps?.listeningPortsOf ?? listeningPortsOf)(pid);
    if (ports.length === 0) return;
    const port = await this.portServingMetrics(ports, signal);
    const baseUrl = `http://127.0.0.1:${port ?? ports[0]!}`;
    this.target.port = port ?? ports[0]!;
    this.target.baseUrl = baseUrl;
    this.target.metricsUrl = joinUrl(baseUrl, this.opts.metricsPath ?? DEFAULT_METRICS_PATH);
    this.scraper = this.makeScraper(this.target.metricsUrl);
    if (port === undefined)
      snapshot.errors.push({
        source: 'scrape',
        kind: 'several-ports',
        message: `Process ${pid} listens on ports ${ports.join(', ')} and none answers ${this.opts.metricsPath ?? DEFAULT_METRICS_PATH}; using ${ports[0]}. Attach by URL to choose another.`,
      });
  }

  /**
   * With several listening ports (a Node service started with --inspect also listens on its
   * inspector's), the one whose metrics path answers 2xx is the service; asked once, at attach.
   */
  private async portServingMetrics(ports: number[], signal: AbortSignal): Promise<number | undefined> {
    if (ports.length === 1) return ports[0];
    const http = this.opts.http ?? httpRequest;
    for (const port of ports) {
      const r = await http(joinUrl(`http://127.0.0.1:${port}`, this.opts.metricsPath ?? DEFAULT_METRICS_PATH), {
        timeoutMs: 1000,
        connect: this.ctx.connect,
        signal,
      });
      if (r.ok && r.value.status >= 200 && r.value.status < 300) return port;
    }
    return undefined;
  }

  /**
   * The scrape's part of the snapshot, copied (see detachedSnapshot) as soon as it is derived: the
   * round usually still waits for its health answer then, so the copy costs it no wall time.
   * `detached` names the fields copied.
   */
  async scrapeInto(
    snapshot: Snapshot,
    time: number,
    signal: AbortSignal,
    detached: Set<keyof Snapshot>,
  ): Promise<void> {
    const scraper = this.scraper;
    if (!scraper) return;
    const wait = scraper.retryInMs();
    if (wait > 0) {
      const last = scraper.lastError;
      snapshot.errors.push({
        source: 'scrape',
        kind: last?.kind ?? 'backoff',
        message: `${last?.message ?? 'The last scrape failed.'} Next try in ${Math.ceil(wait / 1000)} s.`,
      });
      return;
    }
    const r = await scraper.scrape(signal);
    if (!r.ok) {
      snapshot.errors.push({ source: 'scrape', kind: r.error.kind, message: r.error.message });
      return;
    }
    const parse = r.value.parse;
    if (parse.skippedLines > 0 || parse.problems.length > 0) {
      const first = parse.problems[0];
      const where = first ? ` (line ${first.line}: ${first.reason})` : '';
      snapshot.errors.push({
        source: 'scrape',
        kind: 'malformed',
        message:
          parse.skippedLines > 0
            ? `${parse.skippedLines} line(s) of ${scraper.url} could not be read${where}; the rest was used.`
            : `The metrics from ${scraper.url} break the format's rules${where}; the samples were used.`,
      });
    }
    if (r.value.cardinality)
      snapshot.errors.push({
        source: 'scrape',
        kind: 'cardinality',
        message: describeCut(scraper.url, r.value.cardinality, this.opts.maxSeries ?? DEFAULT_MAX_SERIES),
      });
    const cur: IndexedScrape = { time, index: indexSamples(parse.families) };
    const { resolved, described } = this.presets.detect(cur.index);
    const maxRoutes = this.opts.maxRoutes ?? DEFAULT_MAX_ROUTES;
    const d = deriveMetrics(this.prevScrape, cur, resolved, { isError: this.opts.isError, maxRoutes });
    if (d.foldedRoutes !== undefined)
      snapshot.errors.push({
        source: 'scrape',
        kind: 'routes',
        message: describeFoldedRoutes(d.foldedRoutes, maxRoutes),
      });
    this.prevScrape = { time, index: retainSamples(cur.index, this.readable) };
    const derived: Pick<Snapshot, DerivedField> = {};
    assignDerived(derived, d);
    derived.presets = described;
    for (const key of Object.keys(derived) as DerivedField[]) {
      snapshot[key] = detachedCopy(derived[key], this.ctx.strings) as never;
      detached.add(key);
    }
    this.heapFromScrape = d.heapUsedBytes;
  }
}
