/**
 * The one way PerfLens talks to a PostgreSQL server: a `pg` client whose session is read-only
 * (default_transaction_read_only, so even a statement PerfLens did not mean to run cannot write),
 * with a statement_timeout and a lock_timeout, connecting only where the project's connect policy
 * allows (loopback unless remote targets are allowed), with TLS as the URL asks. Errors come back
 * as values whose messages never contain the password.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import type { Client } from 'pg';
import type { ConnectPolicy } from '../../util/connect';
import { resolveConnectAddresses } from '../../util/connect';
import type { Result } from '../../util/result';
import { errorMessage, fail, ok } from '../../util/result';

export const DEFAULT_PG_STATEMENT_TIMEOUT_MS = 10_000;
export const DEFAULT_PG_LOCK_TIMEOUT_MS = 1_000;
export const DEFAULT_PG_CONNECT_TIMEOUT_MS = 10_000;

export type PgFailureKind = 'url' | 'remote' | 'refused' | 'auth' | 'timeout' | 'tls' | 'database' | 'other';

export interface PgTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  /** `disable` unless the URL asks for TLS. */
  sslmode: 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
  sslrootcert?: string;
  /** The URL with the password masked, for messages and reports. */
  display: string;
}

export interface PgConnectOptions {
  policy: ConnectPolicy;
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** The password, when it is kept apart from the URL (the editor's secret storage). */
  password?: string;
}

/** A URL with its password replaced by `***`, safe to print (whatever its scheme: a mistyped one is echoed back). */
export function maskPgUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

const SSLMODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;

/** Reads a postgres:// URL (host, port, database, user, password, sslmode, sslrootcert, host= for a socket folder). */
export function parsePgUrl(text: string): Result<PgTarget, 'url'> {
  const display = maskPgUrl(text.trim());
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return fail('url', `${display} is not a PostgreSQL URL. Write it as postgresql://user@localhost:5432/dbname.`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    return fail('url', `${display} is not a PostgreSQL URL (it starts with ${url.protocol}//, not postgresql://).`);
  const params = url.searchParams;
  const host = params.get('host') ?? decodeURIComponent(url.hostname.replace(/^\[|\]$/g, ''));
  const port = Number(params.get('port') ?? (url.port || 5432));
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    return fail('url', `${display}: the port must be a number from 1 to 65535.`);
  const database =
    decodeURIComponent(url.pathname.replace(/^\//, '')) || decodeURIComponent(url.username) || 'postgres';
  const mode = (params.get('sslmode') ?? 'disable').toLowerCase();
  if (!(SSLMODES as readonly string[]).includes(mode))
    return fail('url', `${display}: sslmode=${mode} is not one of ${SSLMODES.join(', ')}.`);
  const target: PgTarget = {
    host: host || 'localhost',
    port,
    database,
    user: decodeURIComponent(url.username) || 'postgres',
    sslmode: mode === 'allow' ? 'prefer' : (mode as PgTarget['sslmode']),
    display,
  };
  if (url.password) target.password = decodeURIComponent(url.password);
  const root = params.get('sslrootcert');
  if (root) target.sslrootcert = root;
  return ok(target);
}

function tlsOptions(target: PgTarget, servername: string): Result<false | Record<string, unknown>, 'tls'> {
  // prefer: pg has no fall-back from TLS to plain, so prefer connects without TLS (as on loopback it should).
  if (target.sslmode === 'disable' || target.sslmode === 'prefer') return ok(false);
  if (target.sslmode === 'require') return ok({ rejectUnauthorized: false });
  let ca: string | undefined;
  if (target.sslrootcert) {
    try {
      ca = fs.readFileSync(target.sslrootcert, 'utf8');
    } catch (e) {
      return fail('tls', `sslrootcert ${target.sslrootcert} could not be read (${errorMessage(e)}).`);
    }
  }
  const opts: Record<string, unknown> = { rejectUnauthorized: true, ...(ca ? { ca } : {}) };
  if (target.sslmode === 'verify-full') opts.servername = servername;
  else opts.checkServerIdentity = () => undefined;
  return ok(opts);
}

/** What went wrong, in words, from a pg or socket error; never includes the password. */
export function describePgError(e: unknown, target: PgTarget): { kind: PgFailureKind; message: string } {
  const err = e as { code?: string; message?: string };
  const where = `${target.host}:${target.port}`;
  const raw = errorMessage(e);
  const scrub = (s: string) => (target.password ? s.split(target.password).join('***') : s);
  switch (err.code) {
    case '28P01':
    case '28000':
      return {
        kind: 'auth',
        message: `PostgreSQL at ${where} refused user "${target.user}": ${scrub(raw)}. Check the user and password (PerfLens keeps the password in the editor's secret storage, or reads it from the URL).`,
      };
    case '3D000':
      return {
        kind: 'database',
        message: `PostgreSQL at ${where} has no database "${target.database}". Check the database name in the URL.`,
      };
    case 'ECONNREFUSED':
      return {
        kind: 'refused',
        message: `Nothing accepts connections at ${where} (connection refused). Start PostgreSQL, or check the host and port in the URL.`,
      };
    case '57014':
      return { kind: 'timeout', message: `The statement was stopped by statement_timeout: ${scrub(raw)}.` };
    case '55P03':
      return { kind: 'timeout', message: `The statement waited for a lock past lock_timeout: ${scrub(raw)}.` };
    default:
      break;
  }
  if (/timeout/i.test(raw))
    return {
      kind: 'timeout',
      message: `PostgreSQL at ${where} did not answer in time (${scrub(raw)}). Check that the server is up and reachable.`,
    };
  if (/SSL|TLS|certificate/i.test(raw))
    return {
      kind: 'tls',
      message: `TLS to PostgreSQL at ${where} failed: ${scrub(raw)}. Check sslmode and sslrootcert in the URL.`,
    };
  return { kind: 'other', message: `PostgreSQL at ${where}: ${scrub(raw)}` };
}

/** A connected, read-only session. */
export interface PgSession {
  target: PgTarget;
  client: Client;
  /** The server's version number (e.g. 150018). */
  serverVersion: number;
  close(): Promise<void>;
}

/**
 * Connects as the URL says, after the connect policy approved the host; the session is read-only
 * with the timeouts set before any statement of ours runs (they travel in the startup packet).
 */
export async function connectPg(urlText: string, opts: PgConnectOptions): Promise<Result<PgSession, PgFailureKind>> {
  const parsed = parsePgUrl(urlText);
  if (!parsed.ok) return parsed;
  const target = parsed.value;
  if (opts.password !== undefined && target.password === undefined) target.password = opts.password;
  let host = target.host;
  // A socket folder is on this machine by definition; a host name goes through the connect policy.
  if (!host.startsWith('/')) {
    const addrs = await resolveConnectAddresses(host, opts.policy);
    if (!addrs.ok) return fail(addrs.error.kind === 'remote' ? 'remote' : 'refused', addrs.error.message);
    host = addrs.value[0]!.address;
  }
  const tls = tlsOptions(target, net.isIP(target.host) ? '' : target.host);
  if (!tls.ok) return tls;
  const statementTimeout = Math.round(opts.statementTimeoutMs ?? DEFAULT_PG_STATEMENT_TIMEOUT_MS);
  const lockTimeout = Math.round(opts.lockTimeoutMs ?? DEFAULT_PG_LOCK_TIMEOUT_MS);
  // Loaded on first connect: reading a URL (the editor's settings) must not load the driver.
  const { Client } = await import('pg');
  const client = new Client({
    host,
    port: target.port,
    database: target.database,
    user: target.user,
    ...(target.password !== undefined ? { password: target.password } : {}),
    ssl: tls.value as never,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? DEFAULT_PG_CONNECT_TIMEOUT_MS,
    application_name: 'perflens',
    options: `-c default_transaction_read_only=on -c statement_timeout=${statementTimeout} -c lock_timeout=${lockTimeout}`,
  });
  // A dropped connection later must not crash the host: errors surface on the next query.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const v = await client.query<{ v: string; ro: string }>(
      "SELECT current_setting('server_version_num') AS v, current_setting('transaction_read_only') AS ro",
    );
    if (v.rows[0]?.ro !== 'on') {
      await client.end().catch(() => undefined);
      return fail(
        'other',
        `PostgreSQL at ${target.host}:${target.port} did not make the session read-only; PerfLens will not use it.`,
      );
    }
    return ok({
      target,
      client,
      serverVersion: Number(v.rows[0]?.v ?? 0),
      close: () => client.end().catch(() => undefined),
    });
  } catch (e) {
    await client.end().catch(() => undefined);
    const d = describePgError(e, target);
    return fail(d.kind, d.message, e);
  }
}
