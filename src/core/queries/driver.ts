/**
 * Which database a source file talks to, from the driver it imports: PostgreSQL (psycopg,
 * psycopg2, asyncpg, SQLAlchemy with a postgresql URL, node-postgres, postgres.js, pg-promise,
 * pgx, lib/pq, the PostgreSQL JDBC driver) or SQLite (sqlite3, aiosqlite, better-sqlite3, sql.js,
 * node:sqlite, go-sqlite3, modernc sqlite, the SQLite JDBC driver). A statement is explained on
 * the database its file's driver names; a file with neither (or both) is left to the workspace's
 * configured database.
 */
import type { SourceLanguage } from './types';

export type SqlDialect = 'postgres' | 'sqlite';

const POSTGRES: Record<SourceLanguage, RegExp> = {
  python: /^\s*(?:import|from)\s+(?:psycopg2?|asyncpg|pg8000|aiopg)\b|["']postgres(?:ql)?(?:\+\w+)?:\/\//m,
  javascript: /(?:from\s+|require\(\s*)["'](?:pg|pg-promise|postgres|@neondatabase\/serverless)["']/,
  typescript: /(?:from\s+|require\(\s*)["'](?:pg|pg-promise|postgres|@neondatabase\/serverless)["']/,
  go: /"github\.com\/(?:lib\/pq|jackc\/pgx(?:\/v\d)?(?:\/[\w/]+)?)"/,
  java: /\bjdbc:postgresql:|\borg\.postgresql\./,
};

const SQLITE: Record<SourceLanguage, RegExp> = {
  python: /^\s*(?:import|from)\s+(?:sqlite3|aiosqlite)\b|["']sqlite(?:\+\w+)?:\/\//m,
  javascript: /(?:from\s+|require\(\s*)["'](?:better-sqlite3|sqlite3|sqlite|sql\.js|node:sqlite)["']/,
  typescript: /(?:from\s+|require\(\s*)["'](?:better-sqlite3|sqlite3|sqlite|sql\.js|node:sqlite)["']/,
  go: /"(?:github\.com\/mattn\/go-sqlite3|modernc\.org\/sqlite)"/,
  java: /\bjdbc:sqlite:|\borg\.sqlite\./,
};

/** The dialect the file's driver names, or undefined when it names none or both. */
export function driverDialect(text: string, language: SourceLanguage): SqlDialect | undefined {
  const pg = POSTGRES[language].test(text);
  const lite = SQLITE[language].test(text);
  return pg === lite ? undefined : pg ? 'postgres' : 'sqlite';
}

/**
 * A `DATABASE_URL` for PostgreSQL in a `.env` file's text (`KEY=value`, optional `export`,
 * quotes), for the editor to offer; never used without the user's yes.
 */
export function databaseUrlFromEnv(envText: string): string | undefined {
  for (const line of envText.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?DATABASE_URL\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    let v = m[1]!;
    if (/^(["']).*\1$/.test(v)) v = v.slice(1, -1);
    else v = v.replace(/\s+#.*$/, '');
    return /^postgres(?:ql)?:\/\//i.test(v) ? v : undefined;
  }
  return undefined;
}
