import * as vscode from 'vscode';
import { STATE_KEYS } from '../constants';
import { tracedLaunch } from '../../core/traces/launch';
import type { TraceSession } from '../traces/traceSession';
import type { ExtensionServices } from '../services';

/**
 * Starts the user's command in a terminal with the OTEL_* variables pointing at PerfLens's
 * receiver (and, for Node, the bundled bootstrap preloaded): the service is traced with no code
 * change, and N+1 and slow-statement diagnostics follow from its requests.
 */
export async function startServiceWithTracingCommand(
  services: Pick<ExtensionServices, 'settings' | 'log'>,
  tracing: TraceSession,
  state: vscode.Memento,
  arg?: unknown,
): Promise<vscode.Terminal | undefined> {
  const last = state.get<string>(STATE_KEYS.tracedCommand) ?? 'npm start';
  const line =
    typeof arg === 'string'
      ? arg
      : await vscode.window.showInputBox({
          title: 'PerfLens: Start Service with Tracing',
          prompt: 'The command that starts your service (run in a terminal, traced with no code change)',
          value: last,
          validateInput: (v) => (v.trim() ? undefined : 'Type the command that starts the service, e.g. npm start.'),
        });
  if (!line?.trim()) return undefined;
  await state.update(STATE_KEYS.tracedCommand, line);
  const endpoint = await tracing.endpoint();
  const words = line.trim().split(/\s+/);
  const javaAgent = services.settings().tracesJavaAgentPath || undefined;
  const launch = tracedLaunch(words, {}, { endpoint, nodeBootstrap: tracing.nodeBootstrap, javaAgent });
  // The terminal's shell runs the line as typed; only a Python wrapper changes its first word.
  const commandLine = launch.command !== words[0] ? `${launch.command} ${line}` : line;
  const env: Record<string, string> = {};
  for (const k of Object.keys(launch.env))
    if (k.startsWith('OTEL_') || k === 'JAVA_TOOL_OPTIONS') env[k] = launch.env[k]!;
  const nodeOptions = process.env.NODE_OPTIONS;
  env.NODE_OPTIONS = [nodeOptions, `--require "${tracing.nodeBootstrap}"`].filter(Boolean).join(' ');
  const terminal = vscode.window.createTerminal({
    name: 'PerfLens: traced service',
    env,
    cwd: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  terminal.show();
  terminal.sendText(commandLine);
  services.log.info(`started "${commandLine}" traced; spans go to ${endpoint}`);
  for (const n of launch.notes) services.log.info(n);
  return terminal;
}

/**
 * Launch configurations with `"perflensTracing": true` (node, pwa-node, python, java) get the same
 * environment, so a service started under the debugger is traced too.
 */
export function tracingDebugConfigurationProvider(
  services: Pick<ExtensionServices, 'settings'>,
  tracing: TraceSession,
): vscode.DebugConfigurationProvider {
  return {
    provideDebugConfigurations: () => [
      {
        type: 'node',
        request: 'launch',
        name: 'Launch with PerfLens tracing',
        program: '${workspaceFolder}/index.js',
        perflensTracing: true,
      },
    ],
    async resolveDebugConfiguration(_folder, config) {
      if (config.perflensTracing !== true) return config;
      const endpoint = await tracing.endpoint();
      const javaAgent = services.settings().tracesJavaAgentPath || undefined;
      const own = { ...(config.env as Record<string, string> | undefined) };
      // The configuration's own NODE_OPTIONS and JAVA_TOOL_OPTIONS are kept, the tracing options appended.
      const launch = tracedLaunch(['node'], own, { endpoint, nodeBootstrap: tracing.nodeBootstrap, javaAgent });
      const env: Record<string, string> = { ...own };
      for (const k of Object.keys(launch.env))
        if (k.startsWith('OTEL_') || k === 'NODE_OPTIONS' || k === 'JAVA_TOOL_OPTIONS') env[k] = launch.env[k]!;
      return { ...config, env };
    },
  };
}
