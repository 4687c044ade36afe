/**
 * The PostgreSQL connection as the editor keeps it: the URL in the workspace setting (never with a
 * password: settings files get committed), the password in the secret storage under a key named
 * by the URL's user, host, port and database. No 'vscode' here, so the rules are unit-tested.
 */
import { parsePgUrl } from '../../core/queries/postgres/connection';
import type { Result } from '../../core/util/result';
import { fail, ok } from '../../core/util/result';

const SECRET_PREFIX = 'perflens.postgresPassword:';

/** Why a URL cannot go into perflens.queries.postgresUrl, or undefined when it can. */
export function postgresUrlProblem(url: string): string | undefined {
  const parsed = parsePgUrl(url);
  if (!parsed.ok) return parsed.error.message;
  if (parsed.value.password !== undefined)
    return 'The URL holds a password. Settings files get committed: give the URL without it (postgresql://user@host:port/db) and the password separately; PerfLens keeps it in the secret storage.';
  return undefined;
}

/** The URL with any password taken out, and the password (a .env URL often carries one). */
export function splitPassword(url: string): { url: string; password?: string } {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return { url: url.trim() };
  }
  if (!u.password) return { url: url.trim() };
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), password };
}

/**
 * The secret-storage key of the password for a URL: the user, host, port and database decide it,
 * so the same server reached through another spelling of the URL (sslmode, a trailing slash)
 * finds the same password, and another database or user never does.
 */
export function postgresSecretKey(url: string): Result<string, 'url'> {
  const parsed = parsePgUrl(url);
  if (!parsed.ok) return parsed;
  const t = parsed.value;
  return ok(
    `${SECRET_PREFIX}${encodeURIComponent(t.user)}@${encodeURIComponent(t.host.toLowerCase())}:${t.port}/${encodeURIComponent(t.database)}`,
  );
}

/**
 * Whether to offer the workspace's .env DATABASE_URL: only when no URL is configured, the .env has
 * a PostgreSQL one, the user has not said "Not now" to that same URL, and the workspace is trusted.
 */
export function envUrlToOffer(opts: {
  configured: string;
  envUrl: string | undefined;
  declined: readonly string[];
  trusted: boolean;
}): string | undefined {
  if (!opts.trusted || opts.configured.trim() !== '' || !opts.envUrl) return undefined;
  const { url } = splitPassword(opts.envUrl);
  if (opts.declined.includes(url)) return undefined;
  return parsePgUrl(url).ok ? url : undefined;
}

/** The result of reading the configured connection: what to connect to, or why nothing. */
export function configuredPostgres(url: string): Result<{ url: string; secretKey: string } | undefined, 'url'> {
  if (url.trim() === '') return ok(undefined);
  const problem = postgresUrlProblem(url);
  if (problem) return fail('url', `perflens.queries.postgresUrl: ${problem}`);
  const key = postgresSecretKey(url);
  if (!key.ok) return key;
  return ok({ url: url.trim(), secretKey: key.value });
}
