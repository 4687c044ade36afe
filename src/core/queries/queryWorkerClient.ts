import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { StatementInput } from './advisor';
import { blankReport } from './advisor';
import type { RuntimeIndex } from './runtime';
import type { StatementReport } from './types';
import type { WhatIfOptions } from './whatIf';
import type { Failure, Result } from '../util/result';
import { fail, ok } from '../util/result';
import { formatSpan } from '../../shared/format';

/** What the host knows about the database the worker holds. */
export interface DatabaseSummary {
  path: string;
  bytes: number;
  tables: number;
  notes: string[];
}

export type QueryWorkerRequest =
  | { type: 'open'; path: string; maxBytes?: number }
  | { type: 'advise'; inputs: StatementInput[]; whatIf?: boolean | Omit<WhatIfOptions, 'now'>; minRows?: number };

export type QueryWorkerMessage =
  | { type: 'opened'; ok: true; database: DatabaseSummary }
  | { type: 'opened'; ok: false; error: Failure }
  | { type: 'explained'; index: number; report: StatementReport }
  | { type: 'report'; index: number; report: StatementReport }
  | { type: 'done' }
  | { type: 'failed'; error: Failure };

/** How long one statement (its explain and its what-if runs) may take before its worker is ended. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

/** Loading the file (starting the worker included) may take this long at least: a 1 GB copy takes a while. */
const MIN_OPEN_TIMEOUT_MS = 60_000;

export interface QueryWorkerOptions {
  maxBytes?: number;
  /** Per statement, and for loading the file; default DEFAULT_STATEMENT_TIMEOUT_MS. */
  timeoutMs?: number;
  /** How the user raises the timeout, named in the message (e.g. "--statement-timeout SECONDS"). */
  raiseWith?: string;
}

export interface QueryAdviseOptions {
  whatIf?: boolean | Omit<WhatIfOptions, 'now'>;
  minRows?: number;
  runtime?: RuntimeIndex;
}

/** dist/query-worker.js beside the running bundle (esbuild.mjs builds it), else the TypeScript source under tsx. */
function workerScript(): { file: string; execArgv: string[] } {
  const bundled = path.join(__dirname, 'query-worker.js');
  if (fs.existsSync(bundled)) return { file: bundled, execArgv: [] };
  return { file: path.join(__dirname, 'queryWorker.ts'), execArgv: ['--require', 'tsx/cjs'] };
}

/**
 * The user's SQLite database, held by a worker thread: sql.js work on the user's data (loading,
 * explaining, what-if runs) never runs on the caller's thread. Each statement has a hard deadline:
 * past it the worker is terminated (sql.js cannot be interrupted any other way), the statement is
 * reported with what was known and a message naming the budget, and a fresh worker takes the rest.
 */
export class QueryWorker {
  private worker: Worker | undefined;
  private opened: DatabaseSummary | undefined;

  constructor(
    readonly file: string,
    private readonly opts: QueryWorkerOptions = {},
  ) {}

  get timeoutMs(): number {
    return this.opts.timeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  }

  private raise(): string {
    return this.opts.raiseWith ?? 'the statement timeout setting';
  }

  /** Loads the file in a worker (again after a deadline ended the last one). */
  async open(): Promise<Result<DatabaseSummary>> {
    if (this.worker && this.opened) return ok(this.opened);
    this.close();
    const { file, execArgv } = workerScript();
    const worker = new Worker(file, { execArgv });
    worker.unref();
    this.worker = worker;
    const openTimeout = Math.max(this.timeoutMs, MIN_OPEN_TIMEOUT_MS);
    const reply = await this.exchange(
      { type: 'open', path: this.file, ...(this.opts.maxBytes === undefined ? {} : { maxBytes: this.opts.maxBytes }) },
      () => undefined,
      openTimeout,
    );
    if (reply.kind === 'timeout') {
      return fail(
        'timeout',
        `Loading ${this.file} did not finish within ${formatSpan(openTimeout)}, so it was stopped. Raise the budget with ${this.raise()}, or explain on a smaller copy of the database.`,
      );
    }
    if (reply.kind === 'failed') return fail(reply.error.kind, reply.error.message);
    const m = reply.message;
    if (m.type !== 'opened') return fail('internal', 'The query worker answered with the wrong reply.');
    if (!m.ok) {
      this.close();
      return fail(m.error.kind, m.error.message);
    }
    this.opened = m.database;
    return ok(m.database);
  }

  /** Explains each statement (and proves its index advice when asked); one slow statement costs only itself. */
  async advise(inputs: StatementInput[], opts: QueryAdviseOptions = {}): Promise<Result<StatementReport[]>> {
    const reports: StatementReport[] = [];
    while (reports.length < inputs.length) {
      const db = await this.open();
      if (!db.ok) return db;
      const start = reports.length;
      let partial: StatementReport | undefined;
      const reply = await this.exchange(
        { type: 'advise', inputs: inputs.slice(start), whatIf: opts.whatIf, minRows: opts.minRows },
        (m) => {
          if (m.type === 'explained') partial = m.report;
          else if (m.type === 'report') {
            reports.push(m.report);
            partial = undefined;
            return 'reset';
          }
          return m.type === 'done' ? 'done' : undefined;
        },
      );
      if (reply.kind === 'failed') return fail(reply.error.kind, reply.error.message);
      if (reply.kind === 'timeout') {
        const what = opts.whatIf ? 'explaining it and timing its index candidates (what-if)' : 'explaining it';
        const message = `Stopped after ${formatSpan(this.timeoutMs)}: ${what} did not finish within the ${formatSpan(this.timeoutMs)} budget per statement, so PerfLens ended the run. Raise the budget with ${this.raise()}, or run it on a smaller copy of the database.`;
        const report = partial ?? blankReport(inputs[reports.length]!);
        if (partial) report.notes = [...(report.notes ?? []), message];
        else report.error = message;
        reports.push(report);
      } else if (reply.message.type === 'failed') return fail(reply.message.error.kind, reply.message.error.message);
    }
    if (opts.runtime) {
      for (const r of reports) {
        const runtime = opts.runtime.lookup(r.sql);
        if (!runtime) continue;
        r.runtime = runtime;
        for (const f of r.findings) f.runtime = runtime;
      }
    }
    return ok(reports);
  }

  /**
   * Sends one request and listens until `settle` says done (or a reply with no listener), the
   * worker fails, or `timeoutMs` passes without a 'reset' (a statement done). On a timeout the worker is terminated.
   */
  private exchange(
    req: QueryWorkerRequest,
    settle: (m: QueryWorkerMessage) => 'done' | 'reset' | undefined,
    timeoutMs = this.timeoutMs,
  ): Promise<
    { kind: 'message'; message: QueryWorkerMessage } | { kind: 'timeout' } | { kind: 'failed'; error: Failure }
  > {
    const worker = this.worker!;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          finish({ kind: 'timeout' });
          this.close();
        }, timeoutMs);
      };
      const onMessage = (m: QueryWorkerMessage) => {
        const verdict = settle(m);
        if (verdict === 'reset') arm();
        else if (verdict === 'done' || m.type === 'opened' || m.type === 'failed')
          finish({ kind: 'message', message: m });
      };
      const onError = (e: Error) => {
        finish({ kind: 'failed', error: { kind: 'internal', message: `The query worker failed: ${e.message}` } });
        this.close();
      };
      const onExit = (code: number) => {
        finish({
          kind: 'failed',
          error: { kind: 'internal', message: `The query worker stopped (exit code ${code}) before answering.` },
        });
        if (this.worker === worker) this.worker = undefined;
      };
      const finish = (r: Parameters<typeof resolve>[0]) => {
        if (timer) clearTimeout(timer);
        timer = undefined;
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        resolve(r);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      arm();
      worker.postMessage(req);
    });
  }

  /** Ends the worker (and with it the copy of the database in memory). */
  close(): void {
    const w = this.worker;
    this.worker = undefined;
    this.opened = undefined;
    if (w) void w.terminate();
  }
}
