import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PerfLensSettings } from '../config';
import { ProfilePanel } from '../panels/profilePanel';
import { profilePanelDependencies } from './showProfile';
import type { ExtensionServices } from '../services';
import type { ProfilePanelServices } from './showProfile';

/** What Profile Service… reads from the shared services. */
type ProfileServiceServices = ProfilePanelServices &
  Pick<ExtensionServices, 'registry' | 'settings' | 'globalStorageUri' | 'code'>;
import { processInput, targetId } from '../targets/targetRegistry';
import { requireTrust } from '../trust';
import { loadProfileIntoEditor } from './importProfileLoad';
import { captureProfile } from './profileServiceCapture';
import type { ProfileTarget } from './profileServiceTarget';
import { parseProfileTarget } from './profileServiceTarget';

/** Arguments for scripted use (tests, keybindings); anything missing is asked for. */
export interface ProfileServiceArgs {
  /** A port, pid:N, service URL, Go pprof URL or inspect:PORT (see profileServiceTarget.ts). */
  target?: string;
  durationSeconds?: number;
  /** Consent, given up front, to open a Node process's inspector with SIGUSR1 if it has none. */
  enableInspector?: boolean;
  /** Open the profile view when done (default true). */
  showView?: boolean;
}

const ENTER = '$(edit) Enter a port, pid:N or URL…';

async function pickTarget(services: Pick<ExtensionServices, 'registry' | 'settings'>): Promise<string | undefined> {
  // A Prometheus-server target, or one fed over OTLP, names no process of its own to profile.
  const attached = services.registry.attached.flatMap((t) => {
    const input = processInput(t.spec);
    return input === undefined ? [] : [{ label: t.label, description: targetId(t.spec), input }];
  });
  const items = [...attached, { label: ENTER, description: 'a Node, Go (pprof URL) or Python service', input: '' }];
  const picked = attached.length
    ? await vscode.window.showQuickPick(items, {
        title: 'PerfLens: Profile Service',
        placeHolder: 'Which service to record a CPU profile of?',
      })
    : items[items.length - 1];
  if (!picked) return undefined;
  if (picked.input) return picked.input;
  return vscode.window.showInputBox({
    title: 'PerfLens: Profile Service',
    prompt:
      'A port (3000), a process (pid:4242), a service URL, a Go pprof URL (http://127.0.0.1:6060/debug/pprof/profile) or a Node inspector (inspect:9229)',
    validateInput: (v) => {
      const r = parseProfileTarget(v, { allowRemote: services.settings().allowRemoteTargets });
      return r.ok ? undefined : r.error.message;
    },
  });
}

async function pickDuration(settings: () => PerfLensSettings): Promise<number | undefined> {
  const def = settings().profileDurationSeconds;
  const v = await vscode.window.showInputBox({
    title: 'PerfLens: Profile Service',
    prompt: 'How long to record, in seconds',
    value: String(def),
    validateInput: (t) => (Number(t) >= 1 && Number(t) <= 600 ? undefined : 'A number of seconds from 1 to 600'),
  });
  return v === undefined ? undefined : Number(v);
}

/** Asks before SIGUSR1 opens a Node process's inspector (a debug port): the consent every capture needs. */
export async function confirmSigusr1(pid: number): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(
    `Process ${pid} is a Node process without an open inspector. Open it now by sending SIGUSR1?`,
    {
      modal: true,
      detail:
        'Node then listens for a debugger on 127.0.0.1:9229 until the process exits. Anyone on this machine who can reach that port can debug the process. Alternatively restart it with --inspect.',
    },
    'Open Inspector',
  );
  return choice === 'Open Inspector';
}

/**
 * Profile Service…: records a CPU profile of a running service with a cancellable progress
 * notification, then loads it: CodeLens on hot functions, line heat, Hot Functions, profile view.
 * Resolves to the number of functions loaded (undefined when nothing was recorded).
 */
export async function profileServiceCommand(
  services: ProfileServiceServices,
  rawArgs?: unknown,
): Promise<number | undefined> {
  if (!requireTrust('profiling')) return undefined;
  const args: ProfileServiceArgs =
    typeof rawArgs === 'object' && rawArgs !== null ? (rawArgs as ProfileServiceArgs) : {};
  const settings = services.settings();
  const input = args.target ?? (await pickTarget(services));
  if (input === undefined) return undefined;
  const parsed = parseProfileTarget(input, { allowRemote: settings.allowRemoteTargets });
  if (!parsed.ok) {
    void vscode.window.showErrorMessage(`PerfLens: ${parsed.error.message}`);
    return undefined;
  }
  const seconds =
    args.durationSeconds ??
    (args.target !== undefined ? settings.profileDurationSeconds : await pickDuration(services.settings));
  if (seconds === undefined) return undefined;
  return recordAndLoad(services, parsed.value, seconds * 1000, {
    enableInspector: args.enableInspector,
    showView: args.showView ?? true,
  });
}

export async function recordAndLoad(
  services: ProfileServiceServices,
  target: ProfileTarget,
  durationMs: number,
  opts: { enableInspector?: boolean; showView: boolean },
): Promise<number | undefined> {
  const started = performance.now();
  const outDir = path.join(services.globalStorageUri.fsPath, 'profiles');
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'PerfLens', cancellable: true },
    async (progress, token) => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      try {
        const captured = await captureProfile({
          target,
          durationMs,
          signal: ac.signal,
          allowRemote: services.settings().allowRemoteTargets,
          outDir,
          maxBytes: Math.floor(services.settings().profileMaxSizeMb * 1024 * 1024),
          confirmEnableInspector: async (pid) => opts.enableInspector ?? (await confirmSigusr1(pid)),
          progress: (message) => progress.report({ message }),
        });
        if (!captured.ok) return captured;
        const recorded = performance.now();
        progress.report({ message: 'Reading the profile and mapping it to sources…' });
        const loaded = await loadProfileIntoEditor(services, captured.value.file, {
          label: captured.value.label,
          signal: ac.signal,
        });
        services.code.state.lastTimings = {
          captureMs: recorded - started,
          loadMs: performance.now() - recorded,
        };
        return loaded.ok
          ? { ok: true as const, value: loaded.value.functions.length, file: captured.value.file }
          : loaded;
      } finally {
        sub.dispose();
      }
    },
  );
  if (!result.ok) {
    if (result.error.kind === 'cancelled') services.log.info(`profile: ${result.error.message}`);
    else void vscode.window.showErrorMessage(`PerfLens could not profile the service: ${result.error.message}`);
    return undefined;
  }
  services.log.info(
    `profile recorded from ${target.kind} and loaded in ${(performance.now() - started).toFixed(0)} ms (${durationMs} ms of sampling): ${result.file}`,
  );
  if (opts.showView)
    ProfilePanel.show(profilePanelDependencies(services), services.code.state, {
      mode: 'profile',
      preserveFocus: true,
    });
  return result.value;
}
