import * as path from 'node:path';
import * as vscode from 'vscode';
import { topFunctions } from '../../core/profiler/model';
import type { BenchmarkView } from '../../shared/protocol/profile';
import type { PerfLensSettings } from '../config';
import { ProfilePanel } from '../panels/profilePanel';
import { profilePanelDependencies } from './showProfile';
import type { ExtensionServices } from '../services';
import type { ProfilePanelServices } from './showProfile';
import { requireTrust } from '../trust';
import { runLoad } from './benchmarkEndpointLoad';
import { loadProfileIntoEditor } from './importProfileLoad';
import { captureProfile } from './profileServiceCapture';
import { parseProfileTarget } from './profileServiceTarget';
import { connectPolicy, remoteRefusal } from '../../core/util/connect';

/** Scripted use (tests, keybindings): anything missing is asked for. */
export interface BenchmarkArgs {
  /** The full URL of the route to load, e.g. http://127.0.0.1:3000/api/graph/centrality?workspace_id=1 */
  url?: string;
  connections?: number;
  durationSeconds?: number;
  amount?: number;
  /** What to profile while the load runs (default: the URL's port); see Profile Service…. */
  profileTarget?: string;
  enableInspector?: boolean;
}

/** What Benchmark Endpoint… resolves to: the load figures and the hottest functions of the same run. */
export interface BenchmarkOutcome {
  benchmark: BenchmarkView;
  hot: { name: string; file: string; line: number; selfShare: number }[];
}

async function pickUrl(services: Pick<ExtensionServices, 'registry' | 'monitor'>): Promise<string | undefined> {
  const items: { label: string; description?: string; url: string }[] = [];
  for (const t of services.registry.attached) {
    // Services attached by URL or port have routes; an aggregate (e.g. a Prometheus server) does not.
    const spec = t.spec;
    if (spec.kind !== 'url' && spec.kind !== 'port') continue;
    const base = spec.baseUrl;
    for (const r of services.monitor.target(base)?.latest?.http?.routes ?? []) {
      if (!r.route.startsWith('/') || r.route.includes(':') || r.route.includes('{')) continue;
      items.push({ label: `${r.method ?? 'GET'} ${r.route}`, description: base, url: new URL(r.route, base).href });
    }
  }
  const other = { label: '$(edit) Enter a URL…', url: '' };
  const picked = items.length
    ? await vscode.window.showQuickPick([...items, other], {
        title: 'PerfLens: Benchmark Endpoint',
        placeHolder: 'Which route to put under load?',
      })
    : other;
  if (!picked) return undefined;
  if (picked.url) return picked.url;
  return vscode.window.showInputBox({
    title: 'PerfLens: Benchmark Endpoint',
    prompt: 'The URL to load (GET), e.g. http://127.0.0.1:3000/api/items?id=1',
    validateInput: (v) => (/^https?:\/\/.+/.test(v) ? undefined : 'An http(s) URL'),
  });
}

async function pickShape(
  settings: () => PerfLensSettings,
): Promise<{ connections: number; durationSeconds: number; amount?: number } | undefined> {
  const s = settings();
  const v = await vscode.window.showInputBox({
    title: 'PerfLens: Benchmark Endpoint',
    prompt: 'Connections and duration (10x30s) or connections and a request count (10x5000)',
    value: `${s.benchmarkConnections}x${s.benchmarkDurationSeconds}s`,
    validateInput: (t) =>
      /^\d+\s*x\s*\d+s?$/i.test(t.trim()) ? undefined : 'CONNECTIONSxSECONDSs or CONNECTIONSxREQUESTS, e.g. 10x30s',
  });
  if (!v) return undefined;
  const m = /^(\d+)\s*x\s*(\d+)(s?)$/i.exec(v.trim())!;
  const connections = Math.max(1, Number(m[1]));
  return m[3]
    ? { connections, durationSeconds: Number(m[2]) }
    : { connections, durationSeconds: s.benchmarkDurationSeconds, amount: Number(m[2]) };
}

/**
 * Benchmark Endpoint…: autocannon against one route while a CPU profile of the service records,
 * then the latency percentiles and throughput beside the hot paths of the same run (profile view).
 * With a request count, the profile covers the first perflens.benchmark.durationSeconds.
 */
/** What Benchmark Endpoint… reads from the shared services. */
type BenchmarkServices = ProfilePanelServices &
  Pick<ExtensionServices, 'registry' | 'monitor' | 'settings' | 'globalStorageUri' | 'code'>;

export async function benchmarkEndpointCommand(
  services: BenchmarkServices,
  rawArgs?: unknown,
): Promise<BenchmarkOutcome | undefined> {
  if (!requireTrust('profiling')) return undefined;
  const args: BenchmarkArgs = typeof rawArgs === 'object' && rawArgs !== null ? (rawArgs as BenchmarkArgs) : {};
  const settings = services.settings();
  const url = args.url ?? (await pickUrl(services));
  if (!url) return undefined;
  const shape =
    args.connections || args.durationSeconds || args.amount || args.url
      ? {
          connections: args.connections ?? settings.benchmarkConnections,
          durationSeconds: args.durationSeconds ?? settings.benchmarkDurationSeconds,
          amount: args.amount,
        }
      : await pickShape(services.settings);
  if (!shape) return undefined;
  const connect = connectPolicy(settings.allowRemoteTargets);
  // The load URL is checked again where the load connects; here so nothing is profiled for a URL that will be refused.
  let loadHost: string;
  try {
    loadHost = new URL(url).hostname;
  } catch {
    void vscode.window.showErrorMessage(
      `PerfLens: "${url}" is not a URL to load, e.g. http://127.0.0.1:3000/api/items.`,
    );
    return undefined;
  }
  const refusal = remoteRefusal(loadHost, connect);
  if (refusal) {
    void vscode.window.showErrorMessage(`PerfLens: the benchmark URL ${url} was refused: ${refusal}`);
    return undefined;
  }
  const target = parseProfileTarget(args.profileTarget ?? url, { allowRemote: settings.allowRemoteTargets });
  if (!target.ok) {
    void vscode.window.showErrorMessage(`PerfLens: ${target.error.message}`);
    return undefined;
  }
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'PerfLens: benchmark', cancellable: true },
    async (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      let loadStarted: (() => void) | undefined;
      const capture = captureProfile({
        target: target.value,
        durationMs: shape.durationSeconds * 1000,
        signal: ac.signal,
        allowRemote: settings.allowRemoteTargets,
        outDir: path.join(services.globalStorageUri.fsPath, 'profiles'),
        confirmEnableInspector: async (pid) =>
          args.enableInspector ??
          (await vscode.window.showWarningMessage(
            `Process ${pid} has no inspector open. Open it with SIGUSR1 to profile the run?`,
            { modal: true, detail: 'Node then listens for a debugger on 127.0.0.1:9229 until the process exits.' },
            'Open Inspector',
          )) === 'Open Inspector',
        progress: (message) => {
          progress.report({ message });
          // Load starts once the profiler records (its message says "Recording …"), so both cover the same run.
          if (message.startsWith('Recording')) loadStarted?.();
        },
      });
      const recording = new Promise<void>((resolve) => (loadStarted = resolve));
      const started = await Promise.race([recording.then(() => true), capture.then(() => false)]);
      if (!started) {
        const c = await capture;
        return {
          captureFailed: c.ok ? { kind: 'cancelled', message: 'The capture ended before it recorded.' } : c.error,
        };
      }
      progress.report({ message: `Loading ${url} with ${shape.connections} connections…` });
      const load = runLoad({
        url,
        connections: shape.connections,
        durationSeconds: shape.durationSeconds,
        amount: shape.amount,
        signal: ac.signal,
        connect,
      }).then(
        (v) => ({ ok: true as const, value: v }),
        (e: unknown) => ({ ok: false as const, message: e instanceof Error ? e.message : String(e) }),
      );
      const [captured, loaded] = await Promise.all([capture, load]);
      return { captured, loaded };
    },
  );
  if ('captureFailed' in outcome) {
    const e = outcome.captureFailed;
    if (e && e.kind !== 'cancelled')
      void vscode.window.showErrorMessage(`PerfLens could not profile the service: ${e.message}`);
    return undefined;
  }
  const { captured, loaded } = outcome;
  if (!loaded.ok) {
    void vscode.window.showErrorMessage(`PerfLens: the load run failed: ${loaded.message}`);
    return undefined;
  }
  if (!captured.ok) {
    if (captured.error.kind !== 'cancelled')
      void vscode.window.showErrorMessage(
        `PerfLens could not profile the service during the run: ${captured.error.message}`,
      );
    return undefined;
  }
  const profile = await loadProfileIntoEditor(services, captured.value.file, {
    label: `${new URL(url).pathname} under load · ${captured.value.label}`,
    benchmark: loaded.value,
  });
  if (!profile.ok) {
    void vscode.window.showErrorMessage(`PerfLens: the profile of the run could not be read: ${profile.error.message}`);
    return undefined;
  }
  const b = loaded.value;
  services.log.info(
    `benchmark ${url}: ${b.requests} requests, ${b.requestsPerSec.toFixed(1)} req/s, p50 ${b.latencyMs.p50} ms, p99 ${b.latencyMs.p99} ms, ${b.errors + b.non2xx + b.timeouts} errors`,
  );
  const state = services.code.state;
  ProfilePanel.show(profilePanelDependencies(services), state, { mode: 'profile', preserveFocus: true });
  const total = profile.value.functions.reduce((n, f) => n + (f.selfMs ?? f.selfSamples ?? 0), 0) || 1;
  const hot = topFunctions(profile.value, 10, 'self')
    .filter((f) => !f.name.startsWith('('))
    .map((f) => ({ name: f.name, file: f.file, line: f.line, selfShare: (f.selfMs ?? f.selfSamples ?? 0) / total }));
  return { benchmark: b, hot };
}
