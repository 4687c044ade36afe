/**
 * The LiveMonitor's sessions on Prometheus-server targets: one PrometheusSession per target, its
 * credentials read (asynchronously, from SecretStorage in the editor) when it starts, its
 * snapshots handed to the same path as an AttachSession's. Free of the editor API.
 */
import type { PrometheusAuth } from '../../core/prometheus';
import { parsePrometheusTarget, PrometheusSession } from '../../core/prometheus';
import type { Snapshot } from '../../core/session/types';
import type { Clock } from '../../core/util/clock';
import type { Result } from '../../core/util/result';
import { errorMessage, fail, ok } from '../../core/util/result';
import type { PrometheusSpec } from '../targets/prometheusTarget';

export interface PrometheusSessionsOptions {
  clock?: Clock;
  onSnapshot: (s: Snapshot) => void;
  /** The server's credentials (none: undefined). */
  auth?: (serverUrl: string) => Promise<PrometheusAuth | undefined>;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface PrometheusRunConfig {
  allowRemote: boolean;
  intervalMs: number;
  /** Server-side evaluation limit of each query. */
  queryTimeoutMs: number;
}

interface Running {
  /** Bumped by every start and stop, so a start still reading credentials knows it was overtaken. */
  generation: number;
  session?: PrometheusSession;
  subscription?: { dispose(): void };
}

export class PrometheusSessions {
  private readonly running = new Map<string, Running>();
  private generation = 0;

  constructor(private readonly opts: PrometheusSessionsOptions) {}

  /**
   * Starts collecting for `id` (the caller stops any earlier session first). The URL and selector
   * are checked now; credentials are read before the first round.
   */
  start(id: string, spec: PrometheusSpec, cfg: PrometheusRunConfig): Result<void, string> {
    const checked = parsePrometheusTarget(spec.serverUrl, spec.selector, {
      allowRemote: cfg.allowRemote,
      queryTimeoutMs: cfg.queryTimeoutMs,
    });
    if (!checked.ok) return fail(checked.error.kind, checked.error.message);
    const run: Running = { generation: ++this.generation };
    this.running.set(id, run);
    void (async () => {
      let auth: PrometheusAuth | undefined;
      try {
        auth = await this.opts.auth?.(checked.value.serverUrl);
      } catch (e) {
        this.opts.log?.(
          'warn',
          `Reading the credentials of ${spec.serverUrl} failed, trying without: ${errorMessage(e)}`,
        );
      }
      if (this.running.get(id)?.generation !== run.generation) return;
      const session = new PrometheusSession({
        target: { ...checked.value, ...(auth ? { auth } : {}) },
        intervalMs: cfg.intervalMs,
        ...(this.opts.clock ? { clock: this.opts.clock } : {}),
      });
      // Snapshots carry the entry's id even if a stored spec's form differs from today's canonical one.
      run.subscription = session.onSnapshot((s) =>
        this.opts.onSnapshot(s.targetId === id ? s : { ...s, targetId: id }),
      );
      run.session = session;
      session.start();
    })();
    return ok(undefined);
  }

  has(id: string): boolean {
    return this.running.has(id);
  }

  /** The running session of a target (for its server history), once its credentials were read. */
  session(id: string): PrometheusSession | undefined {
    return this.running.get(id)?.session;
  }

  async stop(id: string): Promise<void> {
    const run = this.running.get(id);
    if (!run) return;
    this.running.delete(id);
    run.subscription?.dispose();
    await run.session?.stop();
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
  }
}
