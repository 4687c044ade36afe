import * as path from 'node:path';
import * as vscode from 'vscode';
import type { InsightTool } from '../../core/insights/tools';
import { INSIGHT_TOOLS } from '../../core/insights/tools';
import type { AiToolServices } from './insightSource';
import { EditorInsightSource } from './insightSource';
import { processInput, targetId } from '../targets/targetRegistry';
import { maskPgUrl } from '../../core/queries/postgres/connection';
import { configuredPostgres } from '../postgres/postgresSettings';

/** Text a confirmation shows as it is: service or model text in a fenced block, never Markdown. */
function fenced(text: string): string {
  const fence = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${fence}\n${text}\n${fence}`;
}

function confirmation(
  tool: InsightTool,
  input: Record<string, unknown>,
  services: AiToolServices,
): vscode.LanguageModelToolConfirmationMessages {
  const target = services.registry.current;
  if (tool.name === 'perflens_record_profile') {
    const seconds = typeof input.durationSeconds === 'number' ? input.durationSeconds : 5;
    return {
      title: 'Record a CPU profile?',
      message: new vscode.MarkdownString(
        `PerfLens will sample the process behind **${target ? target.label.replace(/[\\`*_[\]<>]/g, '\\$&') : 'no attached service'}** for ${seconds} s (through its Node inspector or py-spy) and load the profile into the editor.`,
      ),
    };
  }
  const sql = typeof input.sql === 'string' ? input.sql : '';
  const pg = configuredPostgres(services.settings().queriesPostgresUrl);
  const where =
    pg.ok && pg.value
      ? `on the PostgreSQL server \`${maskPgUrl(pg.value.url).replace(/`/g, '%60')}\` in a read-only session (nothing is written)${input.whatIf === true ? ', and plan it with each suggested index as a HypoPG hypothetical index' : ''}`
      : `on an in-memory copy of the workspace database (the file is not written)${input.whatIf === true ? ', and time each suggested index on the copy' : ''}`;
  return {
    title: 'Explain a SQL statement?',
    message: new vscode.MarkdownString(
      `PerfLens will explain this statement ${where}:\n\n${fenced(sql.slice(0, 2000))}`,
    ),
  };
}

function languageModelTool(
  tool: InsightTool,
  services: AiToolServices,
  withActions: () => boolean,
): vscode.LanguageModelTool<Record<string, unknown>> {
  return {
    prepareInvocation(options) {
      if (tool.readOnly) return { invocationMessage: `${tool.displayName}…` };
      return {
        invocationMessage: `${tool.displayName}…`,
        confirmationMessages: confirmation(tool, options.input ?? {}, services),
      };
    },
    async invoke(options) {
      // The answer modules load on the first call, not at activation.
      const { answerTool } = await import('../../core/insights/answers');
      const source = new EditorInsightSource(services, withActions());
      const answer = await answerTool(tool.name, options.input, source);
      return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(answer.text)]);
    },
  };
}

/** What the integration suite reads: the confirmation an invocation would ask for (VS Code skips dialogs in tests). */
export interface AiToolsApi {
  prepare(name: string, input: Record<string, unknown>): Promise<vscode.PreparedToolInvocation | undefined>;
  /** The tools with an implementation registered (vscode.lm.tools lists every contributed one). */
  registered(): string[];
}

/**
 * One language-model tool per insight tool. In an untrusted workspace only the read-only tools are
 * registered (package.json hides the actions there too); the actions join once the workspace is trusted.
 */
export function registerAiTools(services: AiToolServices): { disposable: vscode.Disposable; api: AiToolsApi } {
  const trusted = () => vscode.workspace.isTrusted;
  const registered: vscode.Disposable[] = [];
  const tools = new Map<string, vscode.LanguageModelTool<Record<string, unknown>>>();
  const register = (actions: boolean) => {
    for (const tool of INSIGHT_TOOLS) {
      if (tool.readOnly === actions) continue;
      const impl = languageModelTool(tool, services, trusted);
      tools.set(tool.name, impl);
      registered.push(vscode.lm.registerTool(tool.name, impl));
    }
  };
  register(false);
  if (trusted()) register(true);
  else registered.push(vscode.workspace.onDidGrantWorkspaceTrust(() => register(true)));
  const none = new vscode.CancellationTokenSource().token;
  return {
    disposable: vscode.Disposable.from({ dispose: () => registered.forEach((d) => d.dispose()) }),
    api: {
      prepare: async (name, input) => (await tools.get(name)?.prepareInvocation?.({ input }, none)) ?? undefined,
      registered: () => [...tools.keys()],
    },
  };
}

export const MCP_PROVIDER_ID = 'perflens.mcp';

/**
 * `perflens mcp` for VS Code's MCP support, started with the editor's Node on the current target. It
 * never gets --allow-actions: in the editor the actions are the language-model tools above, which
 * ask the user first.
 */
export function registerMcpServerProvider(
  services: Pick<AiToolServices, 'registry' | 'settings'>,
  extensionUri: vscode.Uri,
): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const listener = services.registry.onDidChange(() => changed.fire());
  const provider = vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
    onDidChangeMcpServerDefinitions: changed.event,
    provideMcpServerDefinitions: () => [mcpServerDefinition(services, extensionUri)],
  });
  return vscode.Disposable.from(provider, listener, changed);
}

export function mcpServerDefinition(
  services: Pick<AiToolServices, 'registry' | 'settings'>,
  extensionUri: vscode.Uri,
): vscode.McpStdioServerDefinition {
  const args = [path.join(extensionUri.fsPath, 'dist', 'cli.js'), 'mcp'];
  const current = services.registry.current;
  const settings = services.settings();
  if (current && processInput(current.spec) !== undefined) {
    args.push('--url', targetId(current.spec), '--interval', `${settings.collectionIntervalSeconds}s`);
    args.push(
      '--metrics-path',
      settings.metricsPath,
      '--health-path',
      settings.healthPath,
      '--status-path',
      settings.statusPath,
    );
    if (settings.allowRemoteTargets) args.push('--allow-remote');
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (folder && vscode.workspace.isTrusted) {
    args.push('--workspace', folder);
    if (settings.queriesDatabase) args.push('--db', path.resolve(folder, settings.queriesDatabase));
  }
  // The editor's own runtime runs the CLI: in desktop VS Code that binary is Electron, told to act as Node.
  return new vscode.McpStdioServerDefinition('PerfLens', process.execPath, args, { ELECTRON_RUN_AS_NODE: '1' });
}
