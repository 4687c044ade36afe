import * as vscode from 'vscode';
import { SETTINGS } from '../constants';
import type { ExtensionServices } from '../services';
import { postgresSecretKey, postgresUrlProblem, splitPassword } from '../postgres/postgresSettings';
import { requireTrust } from '../trust';

/** Scripted use (tests, the .env offer): the URL and, optionally, its password. */
export interface SetPostgresConnectionArgs {
  url: string;
  password?: string;
}

function isArgs(v: unknown): v is SetPostgresConnectionArgs {
  const a = v as Partial<SetPostgresConnectionArgs> | null;
  return (
    typeof a === 'object' &&
    a !== null &&
    typeof a.url === 'string' &&
    (a.password === undefined || typeof a.password === 'string')
  );
}

/**
 * PerfLens: Set PostgreSQL Connection… — the URL goes to the workspace setting
 * perflens.queries.postgresUrl (without a password), the password to the secret storage under the
 * URL's user, host, port and database. An empty password removes the stored one. Resolves to the
 * URL saved (never the password), or undefined when refused or cancelled.
 */
export async function setPostgresConnectionCommand(
  services: Pick<ExtensionServices, 'secrets' | 'log'>,
  rawArgs?: unknown,
): Promise<string | undefined> {
  if (!requireTrust('database reading')) return undefined;
  let given: SetPostgresConnectionArgs | undefined = isArgs(rawArgs) ? rawArgs : undefined;
  if (!given) {
    const current = vscode.workspace.getConfiguration().get<string>(SETTINGS.queriesPostgresUrl) ?? '';
    const url = await vscode.window.showInputBox({
      title: 'PerfLens: PostgreSQL Connection (1/2)',
      prompt: 'The server to explain statements on, without the password (it is asked next).',
      placeHolder: 'postgresql://user@localhost:5432/dbname',
      value: current,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() === '' ? undefined : postgresUrlProblem(splitPassword(v).url)),
    });
    if (url === undefined) return undefined;
    const split = splitPassword(url);
    const password =
      split.password ??
      (await vscode.window.showInputBox({
        title: 'PerfLens: PostgreSQL Connection (2/2)',
        prompt: 'The password, kept in the secret storage (leave empty when the server needs none).',
        password: true,
        ignoreFocusOut: true,
      }));
    if (password === undefined) return undefined;
    given = { url: split.url, password };
  }
  // A password inside the URL is moved out of it, never written to settings.
  const split = splitPassword(given.url);
  const url = split.url;
  const password = given.password ?? split.password;
  if (url === '') {
    await vscode.workspace
      .getConfiguration()
      .update(SETTINGS.queriesPostgresUrl, undefined, vscode.ConfigurationTarget.Workspace);
    void vscode.window.showInformationMessage('PerfLens: PostgreSQL connection removed from the workspace settings.');
    return '';
  }
  const problem = postgresUrlProblem(url);
  const key = postgresSecretKey(url);
  if (problem || !key.ok) {
    void vscode.window.showErrorMessage(`PerfLens: ${problem ?? (key.ok ? '' : key.error.message)}`);
    return undefined;
  }
  if (password) await services.secrets.store(key.value, password);
  else await services.secrets.delete(key.value);
  await vscode.workspace
    .getConfiguration()
    .update(SETTINGS.queriesPostgresUrl, url, vscode.ConfigurationTarget.Workspace);
  services.log.info(
    `queries: PostgreSQL connection set to ${url}${password ? ' (password in the secret storage)' : ''}`,
  );
  void vscode.window.showInformationMessage(
    `PerfLens: statements for PostgreSQL drivers will be explained on ${url}${password ? '; the password is in the secret storage' : ''}. Run Analyze Queries in Workspace.`,
  );
  return url;
}
