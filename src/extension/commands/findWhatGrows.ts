import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { requireTrust } from '../trust';
import { confirmSigusr1 } from './profileService';
import { resolveCaptureTarget } from './profileServiceCapture';
import { parseProfileTarget } from './profileServiceTarget';
import { processInput } from '../targets/targetRegistry';
import { siteText } from '../../core/analyzers/leakGrowth';
import { connectPolicy } from '../../core/util/connect';
import { formatSpan } from '../../shared/format';

/** Arguments for scripted use (the leak finding, tests); anything missing is asked for. */
export interface FindWhatGrowsArgs {
  /** An attached target's id, a port, pid:N, service URL, Go pprof URL or inspect:PORT. */
  target?: string;
  /** Seconds between the two heap samples (default perflens.heap.growthWindowSeconds). */
  seconds?: number;
  /** Consent, given up front, to open a Node process's inspector with SIGUSR1 if it has none. */
  enableInspector?: boolean;
}

type Services = Pick<ExtensionServices, 'registry' | 'settings' | 'monitor' | 'code' | 'log'>;

async function pickTarget(services: Services): Promise<string | undefined> {
  const inputs = services.registry.attached.flatMap((t) => {
    const input = processInput(t.spec);
    return input === undefined ? [] : [{ label: t.label, input }];
  });
  if (inputs.length === 1) return inputs[0]!.input;
  if (inputs.length > 1)
    return (await vscode.window.showQuickPick(inputs, { title: 'PerfLens: Find What Grows' }))?.input;
  return vscode.window.showInputBox({
    title: 'PerfLens: Find What Grows',
    prompt:
      'A Node service (port, pid:N, URL or inspect:PORT) or a Go pprof URL (http://127.0.0.1:6060/debug/pprof/heap)',
    validateInput: (v) => {
      const r = parseProfileTarget(v, { allowRemote: services.settings().allowRemoteTargets });
      return r.ok ? undefined : r.error.message;
    },
  });
}

/**
 * Find What Grows: two heap samples of a running service some seconds apart, compared by
 * allocation site. The second sample becomes the loaded profile (CodeLens "12.3 MB allocated",
 * line heat by bytes), the growing sites go into the target's leak findings and a message.
 * Resolves to the number of growing sites (undefined when nothing was measured).
 */
export async function findWhatGrowsCommand(services: Services, rawArgs?: unknown): Promise<number | undefined> {
  if (!requireTrust('profiling')) return undefined;
  const args: FindWhatGrowsArgs = typeof rawArgs === 'object' && rawArgs !== null ? (rawArgs as FindWhatGrowsArgs) : {};
  const settings = services.settings();
  const input = args.target ?? (await pickTarget(services));
  if (!input) return undefined;
  const parsed = parseProfileTarget(input, { allowRemote: settings.allowRemoteTargets });
  if (!parsed.ok) {
    void vscode.window.showErrorMessage(`PerfLens: ${parsed.error.message}`);
    return undefined;
  }
  const windowMs = (args.seconds ?? settings.heapGrowthWindowSeconds) * 1000;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'PerfLens: Find What Grows', cancellable: true },
    async (progress, token) => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      try {
        const resolved = await resolveCaptureTarget({
          target: parsed.value,
          allowRemote: settings.allowRemoteTargets,
          confirmEnableInspector: async (pid) => args.enableInspector ?? (await confirmSigusr1(pid)),
          progress: (message) => progress.report({ message }),
        });
        if (!resolved.ok) return resolved;
        const r = resolved.value;
        if (r.kind === 'python')
          return {
            ok: false as const,
            error: {
              kind: 'not-supported',
              message: `process ${r.pid} is a Python process; Find What Grows samples the heap of Node (inspector) and Go (net/http/pprof) services.`,
            },
          };
        progress.report({ message: `Sampling the heap twice, ${formatSpan(windowMs)} apart…` });
        const { findWhatGrows } = await import('../../core/profiler/heapGrowth');
        return findWhatGrows(
          r.kind === 'node' ? { kind: 'inspector', address: r.address } : { kind: 'pprof', url: r.url },
          {
            durationMs: windowMs,
            signal: ac.signal,
            connect: connectPolicy(settings.allowRemoteTargets),
            maxBytes: Math.floor(settings.profileMaxSizeMb * 1024 * 1024),
            roots: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
          },
        );
      } finally {
        sub.dispose();
      }
    },
  );
  if (!result.ok) {
    if (result.error.kind === 'cancelled') services.log.info(`what grows: ${result.error.message}`);
    else void vscode.window.showErrorMessage(`PerfLens could not find what grows: ${result.error.message}`);
    return undefined;
  }
  const growth = result.value;
  const { diff } = growth;
  services.monitor.setHeapGrowth(input, { at: Date.now(), windowMs, diff });
  if (growth.after)
    services.code.state.set({
      profile: growth.after,
      label: `what grows · ${formatSpan(windowMs)}`,
      source: growth.source,
      warnings: growth.warnings,
    });
  const top = diff.growing.slice(0, 3).map((s) => siteText(s, diff.unit));
  services.log.info(`what grows (${growth.source}, ${formatSpan(windowMs)}): ${top.join('; ') || 'nothing'}`);
  void vscode.window.showInformationMessage(
    top.length
      ? `PerfLens: in ${formatSpan(windowMs)}, these allocation sites grew: ${top.join('; ')}.`
      : `PerfLens: no allocation site grew in ${formatSpan(windowMs)} (two heap samples of ${growth.source}).`,
  );
  return diff.growing.length;
}
