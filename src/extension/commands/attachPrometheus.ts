import * as vscode from 'vscode';
import type { PrometheusAuth, PrometheusTarget } from '../../core/prometheus';
import { parsePrometheusTarget } from '../../core/prometheus';
import { COMMANDS } from '../constants';
import type { ExtensionServices } from '../services';
import type { AttachPrometheusArgs } from '../targets/prometheusTarget';
import {
  attachAdvice,
  basicUserProblem,
  deserializeAuth,
  prometheusInput,
  prometheusSecretKey,
  readAttachPrometheusArgs,
  refusesAttach,
  selectorProblem,
  serializeAuth,
  serverUrlProblem,
  specOf,
} from '../targets/prometheusTarget';
import type { AttachedTarget } from '../targets/targetRegistry';
import { labelFor } from '../targets/targetRegistry';
import { formatRate } from '../../shared/format';

export type AttachPrometheusOutcome =
  | { ok: true; target: AttachedTarget; summary: string; healthy: boolean; instances: string[] }
  | { ok: false; error: { kind: string; message: string } };

const TITLE = 'PerfLens: Attach to Prometheus Server';

/** What Attach to Prometheus… reads and changes. */
type AttachPrometheusServices = Pick<ExtensionServices, 'settings' | 'secrets' | 'monitor' | 'registry' | 'log'>;

/**
 * PerfLens: Attach to Prometheus Server… — asks for the server URL, a selector naming the service
 * and optional credentials (kept in SecretStorage under the server URL), reads the service once to
 * say what it found, and records the target; the live monitor then collects from it like any
 * other. Tests pass `{ url, selector, auth? }`. Returns the outcome; undefined when cancelled.
 */
export async function attachPrometheusCommand(
  services: AttachPrometheusServices,
  arg?: unknown,
): Promise<AttachPrometheusOutcome | undefined> {
  const given = readAttachPrometheusArgs(arg);
  if (!given.ok) return refuse(services.log, 'invalid', given.error.message);
  const input = given.value ?? (await askForTarget(services));
  if (!input) return undefined;
  const { allowRemoteTargets, requestTimeoutMs } = services.settings();
  // The first read uses the limit the session will use, so it answers the way collection will.
  const parsed = parsePrometheusTarget(input.url, input.selector, {
    allowRemote: allowRemoteTargets,
    queryTimeoutMs: requestTimeoutMs,
    ...(input.auth ? { auth: input.auth } : {}),
  });
  if (!parsed.ok) return refuse(services.log, parsed.error.kind, parsed.error.message);
  const secrets = services.secrets;
  const key = prometheusSecretKey(parsed.value.serverUrl);
  if (input.auth) await secrets.store(key, serializeAuth(input.auth));
  else if (input.auth === null) await secrets.delete(key);
  const auth = input.auth === null ? undefined : (input.auth ?? deserializeAuth(await secrets.get(key)));
  const target: PrometheusTarget = { ...parsed.value, ...(auth ? { auth } : {}) };

  const first = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Window,
      title: `PerfLens: reading {${target.selector}} from ${target.serverUrl}`,
    },
    () => readOnce(target),
  );
  if (!first.ok && refusesAttach(first.kind)) return refuse(services.log, first.kind, first.message);

  const spec = specOf(target);
  const attached: AttachedTarget = {
    input: prometheusInput(spec),
    spec,
    label: labelFor(spec),
    attachedAt: Date.now(),
  };
  const collecting = services.monitor.target(attached.input) !== undefined;
  await services.registry.attach(attached);
  // Attached again (new credentials, say): its session restarts so it reads them.
  if (collecting) services.monitor.attach({ id: attached.input, label: attached.label, spec });
  const outcome: AttachPrometheusOutcome = first.ok
    ? { ok: true, target: attached, summary: first.summary, healthy: first.healthy, instances: first.instances }
    : {
        ok: true,
        target: attached,
        summary: `${first.message} ${attachAdvice(first.kind)}`.trim(),
        healthy: false,
        instances: [],
      };
  services.log.info(`attached to ${attached.input}: ${outcome.summary}`);
  const message = `PerfLens attached to ${attached.label}: ${outcome.summary}`;
  const show = outcome.healthy ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  // Never awaited: a notification waits for the user, the command must not.
  void show(message, 'Show Dashboard').then((choice) => {
    if (choice) void vscode.commands.executeCommand(COMMANDS.showDashboard, prometheusInput(spec));
  });
  return outcome;
}

function refuse(log: vscode.LogOutputChannel, kind: string, message: string): AttachPrometheusOutcome {
  log.warn(`attach to a Prometheus server refused (${kind}): ${message}`);
  void vscode.window.showErrorMessage(`PerfLens could not attach to the Prometheus server: ${message}`);
  return { ok: false, error: { kind, message } };
}

type FirstRead =
  { ok: true; summary: string; healthy: boolean; instances: string[] } | { ok: false; kind: string; message: string };

/** One snapshot over the last minute, to tell the user at once what the server has for the selector. */
async function readOnce(target: PrometheusTarget): Promise<FirstRead> {
  const { PrometheusSource } = await import('../../core/prometheus');
  const r = await new PrometheusSource({ target }).snapshot(60_000);
  if (!r.ok) return { ok: false, kind: r.error.kind, message: r.error.message };
  const instances = r.value.instances ?? [];
  const up = instances.filter((i) => i.up);
  const rate = r.value.http?.requestRate;
  const parts = [`${up.length} of ${instances.length} instance${instances.length === 1 ? '' : 's'} up`];
  if (rate !== undefined) parts.push(formatRate(rate, 'req'));
  const problems = r.value.errors.map((e) => e.message);
  return {
    ok: true,
    summary: `${parts.join(', ')}.${problems.length ? ` ${problems[0]}` : ''}`,
    healthy: up.length > 0 && up.length === instances.length,
    instances: instances.map((i) => i.instance),
  };
}

/** Asks URL, selector and credentials; null auth means "no credentials" (any saved ones are removed). */
async function askForTarget(
  services: Pick<ExtensionServices, 'settings' | 'registry' | 'secrets'>,
): Promise<(Omit<AttachPrometheusArgs, 'auth'> & { auth?: PrometheusAuth | null }) | undefined> {
  const { allowRemoteTargets } = services.settings();
  const current = services.registry.attached
    .map((t) => t.spec)
    .filter((s) => s.kind === 'prometheus')
    .at(-1);
  const url = await vscode.window.showInputBox({
    title: TITLE,
    prompt: allowRemoteTargets
      ? 'The Prometheus server URL (or Thanos, Mimir, VictoriaMetrics)'
      : 'The Prometheus server URL on this machine (perflens.allowRemoteTargets allows others)',
    placeHolder: 'http://127.0.0.1:9090',
    value: current?.serverUrl ?? 'http://127.0.0.1:9090',
    ignoreFocusOut: true,
    validateInput: (v) => serverUrlProblem(v, allowRemoteTargets),
  });
  if (url === undefined) return undefined;
  const selector = await vscode.window.showInputBox({
    title: TITLE,
    prompt: 'A selector naming the service: its job, and optionally instance or other labels',
    placeHolder: 'job="api"',
    value: current?.selector ?? '',
    ignoreFocusOut: true,
    validateInput: selectorProblem,
  });
  if (selector === undefined) return undefined;
  const serverUrl = parsePrometheusTarget(url, selector, { allowRemote: allowRemoteTargets });
  const saved = serverUrl.ok
    ? deserializeAuth(await services.secrets.get(prometheusSecretKey(serverUrl.value.serverUrl)))
    : undefined;
  const auth = await askForAuth(saved);
  if (auth === undefined) return undefined;
  return { url, selector, ...(auth === 'keep' ? {} : { auth }) };
}

async function askForAuth(saved: PrometheusAuth | undefined): Promise<PrometheusAuth | null | 'keep' | undefined> {
  type Choice = vscode.QuickPickItem & { choice: 'keep' | 'none' | 'bearer' | 'basic' };
  const items: Choice[] = [
    ...(saved
      ? [
          {
            label: 'Keep the saved credentials',
            description: saved.kind === 'bearer' ? 'bearer token' : `basic auth as ${saved.user}`,
            choice: 'keep' as const,
          },
        ]
      : []),
    { label: 'No credentials', description: 'the server needs none', choice: 'none' },
    { label: 'Bearer token', description: 'Authorization: Bearer …', choice: 'bearer' },
    { label: 'Basic auth', description: 'user and password', choice: 'basic' },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: TITLE,
    placeHolder: "Credentials (kept in the editor's secret storage, never in settings)",
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  switch (picked.choice) {
    case 'keep':
      return 'keep';
    case 'none':
      return null;
    case 'bearer': {
      const token = await vscode.window.showInputBox({
        title: TITLE,
        prompt: 'Bearer token',
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v ? undefined : 'Enter the token.'),
      });
      return token ? { kind: 'bearer', token } : undefined;
    }
    case 'basic': {
      const user = await vscode.window.showInputBox({
        title: TITLE,
        prompt: 'User name',
        ignoreFocusOut: true,
        validateInput: basicUserProblem,
      });
      if (!user) return undefined;
      const password = await vscode.window.showInputBox({
        title: TITLE,
        prompt: `Password of ${user}`,
        password: true,
        ignoreFocusOut: true,
      });
      return password === undefined ? undefined : { kind: 'basic', user, password };
    }
  }
}
