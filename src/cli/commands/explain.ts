import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliCommand } from '../command';
import { flagString, parseArgs } from '../args';
import { EXIT_FINDING, EXIT_OK } from '../io';
import { parseExposition } from '../../core/metrics/parser';
import type { StatementInput } from '../../core/queries/advisor';
import { hasFindingOf } from '../../core/queries/advisor';
import { findDatabaseFiles } from '../../core/queries/database';
import { DEFAULT_STATEMENT_TIMEOUT_MS, QueryWorker } from '../../core/queries/queryWorkerClient';
import { explainJson } from '../../core/insights/json';
import type { RuntimeIndex } from '../../core/queries/runtime';
import { runtimeFromFamilies } from '../../core/queries/runtime';
import { FINDING_KINDS } from '../../core/queries/types';
import { scanWorkspace } from '../../core/queries/workspace';
import { human, parseFailOn } from './explainOutput';
import { explainOnPostgres, POSTGRES_FLAGS } from './explainPostgres';
import { plural } from '../../shared/format';
import { httpRequest } from '../../core/util/http';
import { UserError } from '../../core/util/result';
import { parseTarget } from '../../core/util/target';

const USAGE = `Usage: perflens explain [--db FILE] (--sql "STATEMENT" | --workspace DIR) [--what-if] [--metrics-url URL]
                        [--statement-timeout SECONDS] [--fail-on KIND[,KIND…]] [--min-rows N] [--json]
       perflens explain --postgres URL (--sql "STATEMENT" | --workspace DIR) [--what-if] [--analyze]
                        [--allow-remote] [--statement-timeout SECONDS] [--fail-on KINDS] [--min-rows N] [--json]

Explains SQL statements on a copy of a SQLite database (the file is only read, never written):
the query plan and findings, each with a concrete suggestion; with --what-if, each suggested index
is proven by timing the statement before and after it on an in-memory copy.
Finding kinds: ${FINDING_KINDS.join(', ')}.

  --db FILE          the SQLite file (*.db, *.sqlite, *.sqlite3); found in --workspace when omitted
  --sql "…"          one statement to explain
  --workspace DIR    find the SQL in the Python, JS/TS, Go and Java files under DIR and explain each
  --what-if          prove each suggested index: time before and after on an in-memory copy
  --statement-timeout SECONDS
                     per statement (its explain and what-if runs), and for loading the file; a
                     statement still running then is stopped and reported (default ${DEFAULT_STATEMENT_TIMEOUT_MS / 1000})
  --metrics-url URL  the service's /metrics (loopback): per-statement timings joined to statements
  --fail-on KINDS    exit 1 when a finding of these kinds exists (comma-separated, or "any")
  --min-rows N       tables with fewer rows are not flagged for full scans (default 1000)

With --postgres, statements are explained on that PostgreSQL server in a read-only session
(default_transaction_read_only, statement_timeout, lock_timeout) as generic plans (PREPARE, then
EXPLAIN EXECUTE under plan_cache_mode = force_generic_plan); ${POSTGRES_FLAGS}

Exit codes: 0 done, 1 a --fail-on finding exists, 2 bad usage or unreadable database.
--json prints {database: {path, tables, notes}, metrics?, scanned?, statements: [{sql, text?,
location?: {file, line, column}, plan: [{id, parent, detail}], findings: [{kind, table?, detail,
suggestion?, createIndex?, whatIf?: {index, beforeMs, afterMs, speedup, planAfter, runs, params},
runtime?}], runtime?: {metric, count, avgMs, p95Ms?, labels}, error?, skipped?, notes?}]}.
With --postgres: {database: {url, server, hypopg, statStatements}, …} and whatIf: {method: "hypopg", index,
costBefore, costAfter, costRatio, indexUsed, plan}; runtime from pg_stat_statements adds totalMs and rows.`;

export async function fetchRuntime(url: string): Promise<{ index?: RuntimeIndex; error?: string }> {
  const target = parseTarget(url);
  if (!target.ok) throw new UserError(`--metrics-url: ${target.error.message}`);
  if (target.value.kind === 'pid')
    throw new UserError('--metrics-url needs a URL such as http://localhost:3000/metrics.');
  const full = /^[a-z]+:\/\//i.test(url) ? url : `${target.value.baseUrl}/metrics`;
  const res = await httpRequest(full, { timeoutMs: 5000 });
  if (!res.ok) return { error: res.error.message };
  if (res.value.status < 200 || res.value.status >= 300) return { error: `${full} answered HTTP ${res.value.status}.` };
  const parsed = parseExposition(res.value.body, { contentType: res.value.headers['content-type'] });
  // An app route or an HTML page parses (leniently) to nothing: say so rather than "0 statements".
  if (parsed.families.length === 0)
    return {
      error: `${full} answered without any Prometheus metrics (${res.value.headers['content-type'] ?? 'no content type'}). Give the service's metrics URL, e.g. http://localhost:3000/metrics.`,
    };
  return { index: runtimeFromFamilies(parsed.families) };
}

export const explainCommand: CliCommand = {
  path: ['explain'],
  summary: 'Explain SQL on a copy of a SQLite database: plans, findings, index advice proven by a what-if run',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, {
      valued: ['db', 'sql', 'workspace', 'metrics-url', 'fail-on', 'min-rows', 'statement-timeout', 'postgres'],
      boolean: ['what-if', 'analyze', 'allow-remote'],
    });
    if (args.positionals.length)
      throw new UserError(`Unexpected argument ${args.positionals[0]}. Quote the statement: --sql "SELECT …".`);
    const sql = flagString(args, 'sql');
    const workspaceArg = flagString(args, 'workspace');
    if ((sql === undefined) === (workspaceArg === undefined))
      throw new UserError('explain needs exactly one of --sql "STATEMENT" or --workspace DIR.');
    if (sql !== undefined && !sql.trim()) throw new UserError('--sql is empty.');
    const failOn = parseFailOn(flagString(args, 'fail-on'));
    const minRowsText = flagString(args, 'min-rows');
    const minRows = minRowsText === undefined ? undefined : Number(minRowsText);
    if (minRows !== undefined && !(Number.isInteger(minRows) && minRows >= 0))
      throw new UserError(`--min-rows must be a whole number, not "${minRowsText}".`);
    const timeoutText = flagString(args, 'statement-timeout');
    const timeoutSeconds = timeoutText === undefined ? undefined : Number(timeoutText);
    if (timeoutSeconds !== undefined && !(Number.isFinite(timeoutSeconds) && timeoutSeconds > 0))
      throw new UserError(`--statement-timeout must be a number of seconds above 0, not "${timeoutText}".`);
    const workspace = workspaceArg === undefined ? undefined : path.resolve(io.cwd, workspaceArg);
    // A mistyped folder would otherwise read as "0 statements, no findings" and pass a CI gate.
    if (workspace && !fs.statSync(workspace, { throwIfNoEntry: false })?.isDirectory()) {
      throw new UserError(`No folder at ${workspace}: --workspace is the folder whose source files hold the SQL.`);
    }

    const postgres = flagString(args, 'postgres');
    if (postgres !== undefined) {
      if (args.flags.has('db')) throw new UserError('Give --db FILE (SQLite) or --postgres URL, not both.');
      return explainOnPostgres(io, postgres, {
        ...(sql !== undefined ? { sql } : {}),
        ...(workspace !== undefined ? { workspace } : {}),
        whatIf: args.flags.has('what-if'),
        analyze: args.flags.has('analyze'),
        allowRemote: args.flags.has('allow-remote'),
        json: args.flags.has('json'),
        failOn,
        ...(minRows !== undefined ? { minRows } : {}),
        ...(timeoutSeconds !== undefined ? { timeoutMs: timeoutSeconds * 1000 } : {}),
      });
    }
    if (args.flags.has('analyze') || args.flags.has('allow-remote'))
      throw new UserError('--analyze and --allow-remote apply to --postgres URL only.');
    let dbPath = flagString(args, 'db');
    if (dbPath === undefined) {
      if (!workspace) throw new UserError('explain --sql needs --db FILE (the SQLite database to explain it on).');
      const found = await findDatabaseFiles(workspace);
      if (found.length === 0)
        throw new UserError(`No SQLite database (*.db, *.sqlite, *.sqlite3) under ${workspace}. Pass --db FILE.`);
      dbPath = found[0]!;
    }
    // The database lives in a worker thread: a statement that runs away is stopped at its deadline.
    const worker = new QueryWorker(path.resolve(io.cwd, dbPath), {
      ...(timeoutSeconds === undefined ? {} : { timeoutMs: timeoutSeconds * 1000 }),
      raiseWith: '--statement-timeout SECONDS',
    });
    try {
      const opened = await worker.open();
      if (!opened.ok) throw new UserError(opened.error.message);
      const database = opened.value;
      let inputs: StatementInput[];
      let scanned: { files: number; statements: number } | undefined;
      if (workspace) {
        const scan = await scanWorkspace(workspace);
        if (scan.files === 0 && scan.errors.length === 0)
          io.err(`perflens: no Python, JS/TS, Go or Java files under ${workspace}.`);
        inputs = scan.statements;
        scanned = { files: scan.files, statements: scan.statements.length };
      } else inputs = [sql!];

      const metricsUrl = flagString(args, 'metrics-url');
      let metrics: { url: string; statements?: number; error?: string } | undefined;
      let runtime: RuntimeIndex | undefined;
      if (metricsUrl !== undefined) {
        const r = await fetchRuntime(metricsUrl);
        runtime = r.index;
        metrics =
          r.error !== undefined ? { url: metricsUrl, error: r.error } : { url: metricsUrl, statements: r.index!.size };
        if (r.error !== undefined) io.err(`perflens: runtime timings unavailable: ${r.error}`);
      }

      const advised = await worker.advise(inputs, { whatIf: args.flags.has('what-if'), runtime, minRows });
      if (!advised.ok) throw new UserError(`Explaining on ${database.path} failed: ${advised.error.message}`);
      const reports = advised.value;
      const code = failOn.length && hasFindingOf(reports, failOn) ? EXIT_FINDING : EXIT_OK;
      if (args.flags.has('json')) {
        const out = explainJson({ database, metrics, scanned, reports });
        io.out(JSON.stringify(out, null, 2));
        return code;
      }
      io.out(`Database ${database.path} (${database.tables} tables, read into memory; the file is not modified)`);
      for (const n of database.notes) io.out(`note: ${n}`);
      // files counts every source file read, not only those holding SQL.
      if (scanned)
        io.out(`Read ${plural(scanned.files, 'source file')}; found ${plural(scanned.statements, 'SQL statement')}.`);
      if (metrics?.statements === 0)
        io.out(
          `No per-statement timings at ${metrics.url}: none of its histograms is labelled with the SQL (as the demo's db_query_duration_seconds{sql} is).`,
        );
      else if (metrics?.statements !== undefined)
        io.out(`Runtime timings for ${metrics.statements} statement(s) from ${metrics.url}.`);
      io.out('');
      human(reports, io);
      return code;
    } finally {
      worker.close();
    }
  },
};
