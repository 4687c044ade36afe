import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { databaseUrlFromEnv } from '../../core/queries/driver';
import { COMMANDS, STATE_KEYS } from '../constants';
import type { ExtensionServices } from '../services';
import { envUrlToOffer, splitPassword } from './postgresSettings';

/**
 * When no PostgreSQL URL is set and a workspace folder's .env has a PostgreSQL DATABASE_URL, asks
 * whether to use it ("Use it" / "Not now"); never uses it unasked. "Not now" is remembered for that
 * URL in this workspace. Does not wait for the answer. Resolves to the URL offered, if any.
 */
export async function offerEnvDatabaseUrl(
  services: Pick<ExtensionServices, 'settings' | 'workspaceState'>,
): Promise<string | undefined> {
  let envUrl: string | undefined;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const text = await fs.readFile(path.join(folder.uri.fsPath, '.env'), 'utf8').catch(() => undefined);
    envUrl = text === undefined ? undefined : databaseUrlFromEnv(text);
    if (envUrl) break;
  }
  const declined = services.workspaceState.get<string[]>(STATE_KEYS.declinedEnvPostgresUrls) ?? [];
  const url = envUrlToOffer({
    configured: services.settings().queriesPostgresUrl,
    envUrl,
    declined,
    trusted: vscode.workspace.isTrusted,
  });
  if (!url || !envUrl) return undefined;
  const password = splitPassword(envUrl).password;
  void vscode.window
    .showInformationMessage(
      `PerfLens found DATABASE_URL in .env: ${url}. Explain the statements of PostgreSQL drivers on it? (Read-only sessions; ${password ? 'its password goes to the secret storage, ' : ''}the URL to the workspace setting perflens.queries.postgresUrl.)`,
      'Use it',
      'Not now',
    )
    .then(async (choice) => {
      if (choice === 'Use it') {
        const set = await vscode.commands.executeCommand(COMMANDS.setPostgresConnection, { url: envUrl });
        if (set) void vscode.commands.executeCommand(COMMANDS.analyzeQueries);
      } else if (choice === 'Not now')
        await services.workspaceState.update(STATE_KEYS.declinedEnvPostgresUrls, [...declined, url]);
    });
  return url;
}
