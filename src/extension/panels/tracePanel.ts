import * as vscode from 'vscode';
import type { HostToTrace, TraceToHost, Waterfall } from '../../shared/protocol/trace';
import { checkTraceToHost } from '../../shared/protocol/trace';
import { assertNever } from '../../shared/assertNever';
import { VIEWS } from '../constants';
import type { WebviewPanelDependencies } from './webviewPanel';
import { createWebviewPanel, panelStyles, WebviewPanelHost } from './webviewPanel';

/** What the last page rendered, kept in test mode only (read by the integration suite). */
export interface TraceViewShown {
  traceId: string;
  /** Span names in waterfall order, as the host sent them. */
  spans: { name: string; depth: number; kind: string; parentSpanId?: string; statement?: string }[];
  renderedRows?: number;
}

interface TracePanelState {
  /** What the page should show: sent once the page says it is ready. */
  content: HostToTrace;
}

/** The trace view: the waterfall of one trace and the selected span's attributes. One panel at a time. */
export class TracePanel extends WebviewPanelHost<HostToTrace, TraceToHost, TracePanelState> {
  private static current: TracePanel | undefined;
  static shown: TraceViewShown | undefined;
  private ready = false;

  static show(deps: WebviewPanelDependencies, traceId: string, waterfall: Waterfall | undefined): TracePanel {
    const content: HostToTrace =
      waterfall && waterfall.rows.length
        ? { type: 'trace', data: waterfall }
        : {
            type: 'empty',
            message: `No spans of trace ${traceId} are stored: traces are kept for an hour while tracing runs. Start the service with PerfLens: Start Service with Tracing… and send it requests.`,
          };
    let p = TracePanel.current;
    if (!p) {
      const panel = createWebviewPanel(
        VIEWS.tracePanel,
        'PerfLens Trace',
        vscode.ViewColumn.Beside,
        deps.extensionUri,
        {
          retainContextWhenHidden: true,
        },
      );
      p = TracePanel.current = new TracePanel(panel, deps, content);
    } else {
      p.state.content = content;
      p.panel.reveal(undefined, false);
    }
    if (deps.testMode)
      TracePanel.shown = {
        traceId,
        spans: (waterfall?.rows ?? []).map((r) => ({
          name: r.name,
          depth: r.depth,
          kind: r.kind,
          parentSpanId: r.parentSpanId,
          statement: r.attributes.find(([k]) => k === 'db.query.text' || k === 'db.statement')?.[1],
        })),
      };
    p.send();
    return p;
  }

  private constructor(panel: vscode.WebviewPanel, deps: WebviewPanelDependencies, content: HostToTrace) {
    super(
      panel,
      deps,
      {
        page: 'trace',
        title: 'PerfLens Trace',
        script: 'trace.js',
        styles: panelStyles('trace.css'),
        check: checkTraceToHost,
      },
      { content },
    );
  }

  private send(): void {
    if (this.ready) this.post(this.state.content);
  }

  protected onMessage(m: TraceToHost): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.send();
        return;
      case 'rendered':
        if (TracePanel.shown?.traceId === m.traceId) TracePanel.shown.renderedRows = m.rows;
        this.deps.log.info(`trace view rendered ${m.rows} span(s) in ${m.renderMs.toFixed(1)} ms`);
        return;
      default:
        assertNever(m);
    }
  }

  override dispose(): void {
    if (TracePanel.current === this) TracePanel.current = undefined;
    super.dispose();
  }
}
