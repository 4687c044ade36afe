/**
 * The editor's tracing: one OTLP receiver and span store, started on first use (Start Service with
 * Tracing…, or a launch configuration with `"perflensTracing": true`), and the findings of the
 * spans received, re-read every few seconds, as diagnostics at the statements in the workspace.
 * Metrics received go to the live monitor's OTLP hub: the first export of a service attaches the
 * target `otlp:<service.name>`, which then takes the path of any attached target (status bar,
 * dashboard, history, analyzers, alerts).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OtlpReceiver } from '../../core/traces/receiver';
import type { SpanStore } from '../../core/traces/spanStore';
import type { TraceReport } from '../../core/traces/analyze';
import type { ExtractedStatement } from '../../core/queries/types';
import { traceDiagnostics } from '../diagnostics/traceFindingText';
import { DIAGNOSTIC_SOURCE } from '../diagnostics/queryDiagnostics';
import type { ExtensionServices } from '../services';
import { layoutWaterfall, type Waterfall } from '../../core/traces/waterfall';
import type { RuntimeIndex } from '../../core/queries/runtime';
import type { RuntimeEvidence } from '../../core/queries/types';
import type { OtlpSpec } from '../targets/otlpTarget';
import { labelFor, targetId } from '../targets/targetRegistry';

const REFRESH_MS = 5000;

export type TraceSessionServices = Pick<
  ExtensionServices,
  'settings' | 'log' | 'extensionUri' | 'monitor' | 'registry'
>;

export class TraceSession implements vscode.Disposable {
  private started: Promise<{ receiver: OtlpReceiver; store: SpanStore }> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private serviceSub: { dispose(): void } | undefined;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('perflens-traces');
  private workspace: { root: string; statements: ExtractedStatement[] } | undefined;
  /** The latest report, for the integration suite and the views. */
  latest: TraceReport | undefined;
  /** Per-statement runtimes of the latest analysis window (the Slow Queries view). */
  private runtime: RuntimeIndex | undefined;
  private readonly refreshed = new vscode.EventEmitter<TraceReport>();
  /** The trace behind each published diagnostic, by `file|line|code` (the Show Trace Quick Fix). */
  private readonly diagnosticTraces = new Map<string, string>();
  /** Fires after each analysis (route lenses follow it). */
  readonly onDidRefresh = this.refreshed.event;

  constructor(private readonly services: TraceSessionServices) {}

  /** Starts the receiver (once) and returns its endpoint. */
  async endpoint(): Promise<string> {
    this.started ??= this.start();
    return (await this.started).receiver.endpoint;
  }

  /** The bundled Node bootstrap, preloaded into traced Node processes. */
  get nodeBootstrap(): string {
    return vscode.Uri.joinPath(this.services.extensionUri, 'dist', 'otel-bootstrap.js').fsPath;
  }

  private async start() {
    const [{ SpanStore }, { startOtlpReceiver }] = await Promise.all([
      import('../../core/traces/spanStore'),
      import('../../core/traces/receiver'),
    ]);
    const store = await SpanStore.open();
    const hub = this.services.monitor.otlpMetrics;
    const serviceSub = hub.onService((service) => void this.attachOtlpTarget(service));
    let receiver: OtlpReceiver;
    try {
      receiver = await startOtlpReceiver({ sink: store, onMetrics: (families) => hub.receive(families) });
    } catch (e) {
      serviceSub.dispose();
      throw e;
    }
    this.serviceSub = serviceSub;
    this.services.log.info(
      `OTLP receiver listening at ${receiver.endpoint}${receiver.portNote ? ` (${receiver.portNote})` : ''}`,
    );
    this.timer = setInterval(
      () => void this.refresh().catch((e) => this.services.log.error('trace analysis failed', e)),
      REFRESH_MS,
    );
    return { receiver, store };
  }

  /** A service's first metrics export attaches its target, unless it is attached already. */
  private async attachOtlpTarget(service: string): Promise<void> {
    const spec: OtlpSpec = { kind: 'otlp', service };
    const { registry, log } = this.services;
    if (registry.find(targetId(spec))) return;
    log.info(`metrics of ${service} arrive over OTLP: collecting them as the target ${targetId(spec)}`);
    await registry.attach({ input: targetId(spec), spec, label: labelFor(spec), attachedAt: Date.now() });
  }

  /**
   * Analyses what has arrived and republishes the diagnostics. The statements are joined to the
   * SQL of the first workspace folder, or of `root` when given (it is then kept).
   */
  async refresh(opts: { root?: string } = {}): Promise<TraceReport | undefined> {
    if (!this.started) return undefined;
    const { store } = await this.started;
    const root = opts.root ?? this.workspace?.root ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (root && this.workspace?.root !== root) {
      const { scanWorkspace } = await import('../../core/queries/workspace');
      this.workspace = { root, statements: (await scanWorkspace(root)).statements };
    }
    const { analyzeTraces, DEFAULT_TRACE_INSIGHT_SETTINGS } = await import('../../core/traces/analyze');
    await store.idle();
    const now = Date.now();
    const report = analyzeTraces(
      store,
      { from: now - 15 * 60_000, to: now + 1000 },
      { ...DEFAULT_TRACE_INSIGHT_SETTINGS, nPlusOneThreshold: this.services.settings().tracesNPlusOneThreshold },
      this.workspace?.statements ?? [],
    );
    this.latest = report;
    const { runtimeFromStatementRollups } = await import('../../core/traces/statementRuntime');
    this.runtime = runtimeFromStatementRollups(store.rollups('statement', now - 15 * 60_000, now + 1000));
    const byFile = new Map<string, vscode.Diagnostic[]>();
    this.diagnosticTraces.clear();
    for (const d of traceDiagnostics(report.findings)) {
      if (!root) break;
      const file = path.resolve(root, d.file);
      const diag = new vscode.Diagnostic(
        new vscode.Range(d.line, 0, d.line, Number.MAX_SAFE_INTEGER),
        d.message,
        d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      diag.source = DIAGNOSTIC_SOURCE;
      diag.code = d.code;
      this.diagnosticTraces.set(`${file}|${d.line}|${d.code}`, d.traceId);
      byFile.set(file, [...(byFile.get(file) ?? []), diag]);
    }
    this.diagnostics.clear();
    for (const [file, diags] of byFile) this.diagnostics.set(vscode.Uri.file(file), diags);
    this.refreshed.fire(report);
    return report;
  }

  /** A statement's runtime from received spans (same normalisation as the workspace scan), if it ran. */
  statementRuntime(sql: string): RuntimeEvidence | undefined {
    return this.runtime?.lookup(sql);
  }

  /** The trace behind a PerfLens trace diagnostic at `file` (absolute) and `line` (0-based). */
  traceAt(file: string, line: number, code: string): string | undefined {
    return this.diagnosticTraces.get(`${file}|${line}|${code}`);
  }

  /** One trace's spans laid out as a waterfall, or undefined when tracing has not started. */
  async waterfall(traceId: string): Promise<Waterfall | undefined> {
    if (!this.started) return undefined;
    const { store } = await this.started;
    await store.idle();
    return layoutWaterfall(traceId, store.trace(traceId));
  }

  /** A route's slowest, most recent and a failed trace of the last 15 minutes (those that exist). */
  async routeTraces(route: string): Promise<{ label: string; traceId: string; detail: string }[]> {
    if (!this.started) return [];
    const { store } = await this.started;
    await store.idle();
    const now = Date.now();
    const requests = store.requests(now - 15 * 60_000, now + 1000).filter((r) => r.route === route);
    const out: { label: string; traceId: string; detail: string }[] = [];
    const add = (label: string, r: (typeof requests)[number] | undefined) => {
      if (r) out.push({ label, traceId: r.traceId, detail: `${r.durationMs.toFixed(1)} ms · trace ${r.traceId}` });
    };
    add(
      'Slowest',
      requests.reduce<(typeof requests)[number] | undefined>(
        (a, r) => (!a || r.durationMs > a.durationMs ? r : a),
        undefined,
      ),
    );
    add('Most recent', requests[0]);
    add(
      'Failed',
      requests.find((r) => r.error),
    );
    return out;
  }

  dispose(): void {
    clearInterval(this.timer);
    this.serviceSub?.dispose();
    this.diagnostics.dispose();
    this.refreshed.dispose();
    void this.started?.then(async ({ receiver, store }) => {
      await receiver.close();
      store.close();
    });
  }
}
