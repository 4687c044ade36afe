/**
 * What `perflens mcp` answers from: a session attached to --url collecting in the background (its
 * recent snapshots kept, and recorded into --history), the profile loaded from --profile or the
 * last one recorded, and the SQL of --workspace explained on --db, or on the PostgreSQL server of
 * --postgres (a read-only session per call, as `explain --postgres` opens it; index advice proven
 * with HypoPG when the server has it). The actions exist only when the server was started with
 * --allow-actions.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { InsightSource, ProfileFacts, Refusal, SnapshotWindow } from '../../core/insights/answers';
import type { ExplainFacts } from '../../core/insights/json';
import type { PgExplainOptions } from '../../core/insights/postgres';
import { explainOnPgSession } from '../../core/insights/postgres';
import type { StatementInput } from '../../core/queries/advisor';
import type { PgSession } from '../../core/queries/postgres';
import { describePgError } from '../../core/queries/postgres';
import { captureNodeProfile, findInspector } from '../../core/profiler/capture/inspector';
import { keepCapture, keepRecordedFile } from '../../core/profiler/capture/keep';
import { processRuntime } from '../../core/profiler/capture/processInfo';
import { recordWithPySpy } from '../../core/profiler/capture/pyspy';
import { loadProfileFile } from '../../core/profiler/load';
import { selectProfile } from '../../core/profiler/summary';
import { findDatabaseFiles } from '../../core/queries/database';
import { QueryWorker } from '../../core/queries/queryWorkerClient';
import type { RuntimeIndex } from '../../core/queries/runtime';
import { scanWorkspace } from '../../core/queries/workspace';
import type { AttachSession } from '../../core/session/session';
import type { Snapshot } from '../../core/session/types';
import type { HistoryStore } from '../../core/store';
import { connectPolicy } from '../../core/util/connect';
import { fetchRuntime } from '../commands/explain';
import { openPgSession } from '../commands/explainPostgres';

export interface McpSourceOptions {
  session?: AttachSession;
  history?: HistoryStore;
  /** Snapshots older than this are dropped (default one hour). */
  keepMs?: number;
  profileFile?: string;
  workspace?: string;
  db?: string;
  /** A PostgreSQL URL: statements are explained there instead of on a SQLite file. */
  postgres?: string;
  allowActions: boolean;
  allowRemote: boolean;
  cwd: string;
  /** Where recorded profiles are written. */
  outDir?: string;
  /** Largest profile read (bytes). */
  maxProfileBytes?: number;
}

const KEEP_MS = 3_600_000;

export class McpInsightSource implements InsightSource {
  private readonly snaps: Snapshot[] = [];
  private loaded: ProfileFacts | Refusal;
  private worker: QueryWorker | undefined;

  constructor(private readonly opts: McpSourceOptions) {
    this.loaded = {
      error:
        'No profile is loaded. Start perflens mcp with --profile FILE, or (with --allow-actions) call perflens_record_profile.',
    };
    opts.session?.onSnapshot((s) => {
      this.snaps.push(s);
      opts.history?.recordSnapshot(s);
      const keepFrom = s.time - (opts.keepMs ?? KEEP_MS);
      while (this.snaps.length && this.snaps[0]!.time < keepFrom) this.snaps.shift();
    });
    if (opts.allowActions) {
      this.recordProfile = (ms) => this.record(ms);
      this.explain = (sql, whatIf) => this.explainOne(sql, whatIf);
    }
  }

  recordProfile?: InsightSource['recordProfile'];
  explain?: InsightSource['explain'];

  /** Loads --profile at start; a file that does not read is a usage error before serving. */
  async loadProfile(file: string): Promise<Refusal | undefined> {
    const r = await this.readProfile(path.resolve(this.opts.cwd, file), path.basename(file));
    this.loaded = r;
    return 'error' in r ? r : undefined;
  }

  private async readProfile(file: string, label: string): Promise<ProfileFacts | Refusal> {
    const r = await loadProfileFile(file, {
      roots: [this.opts.workspace ?? this.opts.cwd, path.dirname(file)],
      ...(this.opts.maxProfileBytes ? { maxBytes: this.opts.maxProfileBytes } : {}),
    });
    if (!r.ok) return { error: r.error.message };
    return {
      profile: selectProfile(r.value),
      profiles: r.value.profiles.length,
      format: r.value.format,
      label,
      source: file,
      warnings: r.value.warnings,
    };
  }

  window(): SnapshotWindow | Refusal {
    const s = this.opts.session;
    if (!s)
      return {
        error: 'perflens mcp was started without --url: there is no service to report on. Restart it with --url URL.',
      };
    return { target: s.id, intervalMs: s.intervalMs, snapshots: this.snaps };
  }

  profile(): ProfileFacts | Refusal {
    return this.loaded;
  }

  private async database(): Promise<QueryWorker | Refusal> {
    if (this.worker) return this.worker;
    let db = this.opts.db;
    if (!db && this.opts.workspace) db = (await findDatabaseFiles(this.opts.workspace))[0];
    if (!db)
      return {
        error: this.opts.workspace
          ? `No SQLite database (*.db, *.sqlite, *.sqlite3) under ${this.opts.workspace}. Restart perflens mcp with --db FILE.`
          : 'perflens mcp was started without --db or --workspace: there is no database to explain on. Restart it with --workspace DIR (and --db FILE).',
      };
    const worker = new QueryWorker(db, { raiseWith: 'perflens explain --statement-timeout' });
    const opened = await worker.open();
    if (!opened.ok) {
      worker.close();
      return { error: opened.error.message };
    }
    this.worker = worker;
    return worker;
  }

  private async runtime(): Promise<{ index?: RuntimeIndex; metrics?: ExplainFacts['metrics'] }> {
    const target = this.opts.session?.target;
    // Per-statement timings come from a service on this machine only (explain --metrics-url's rule).
    const url = target?.local ? target.metricsUrl : undefined;
    if (!url) return {};
    const r = await fetchRuntime(url).catch((e: unknown) => ({
      index: undefined,
      error: e instanceof Error ? e.message : String(e),
    }));
    return { index: r.index, metrics: r.error ? { url, error: r.error } : { url, statements: r.index!.size } };
  }

  async queries(): Promise<ExplainFacts | Refusal> {
    if (!this.opts.workspace)
      return {
        error:
          'perflens mcp was started without --workspace: there is no source to find SQL in. Restart it with --workspace DIR.',
      };
    if (this.opts.postgres !== undefined) {
      const scan = await scanWorkspace(this.opts.workspace);
      return this.onPostgres(this.opts.postgres, scan.statements, {
        whatIf: true,
        scanned: { files: scan.files, statements: scan.statements.length },
      });
    }
    const worker = await this.database();
    if ('error' in worker) return worker;
    const scan = await scanWorkspace(this.opts.workspace);
    const { index, metrics } = await this.runtime();
    const advised = await worker.advise(scan.statements, { runtime: index });
    if (!advised.ok) return { error: `Explaining on ${worker.file} failed: ${advised.error.message}` };
    return {
      database: await this.databaseFacts(worker),
      ...(metrics ? { metrics } : {}),
      scanned: { files: scan.files, statements: scan.statements.length },
      reports: advised.value,
    };
  }

  private async databaseFacts(worker: QueryWorker): Promise<ExplainFacts['database']> {
    const opened = await worker.open();
    return opened.ok ? opened.value : { path: worker.file, tables: 0, notes: [] };
  }

  /**
   * Statements explained on --postgres in a session of their own (explain --postgres's rules:
   * loopback unless --allow-remote, read-only, the password from the URL or PGPASSWORD). HypoPG
   * only plans, so its proof is cheap enough for every slow-queries answer.
   */
  private async onPostgres(
    url: string,
    inputs: StatementInput[],
    opts: PgExplainOptions,
  ): Promise<ExplainFacts | Refusal> {
    let session: PgSession;
    try {
      session = await openPgSession(url, { allowRemote: this.opts.allowRemote });
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
    try {
      return await explainOnPgSession(session, inputs, opts);
    } catch (e) {
      return { error: `Explaining on ${session.target.display} failed: ${describePgError(e, session.target).message}` };
    } finally {
      await session.close();
    }
  }

  private async explainOne(sql: string, whatIf: boolean): Promise<ExplainFacts | Refusal> {
    if (this.opts.postgres !== undefined) return this.onPostgres(this.opts.postgres, [sql], { whatIf });
    const worker = await this.database();
    if ('error' in worker) return worker;
    const { index, metrics } = await this.runtime();
    const advised = await worker.advise([sql], { whatIf, runtime: index });
    if (!advised.ok) return { error: `Explaining on ${worker.file} failed: ${advised.error.message}` };
    return { database: await this.databaseFacts(worker), ...(metrics ? { metrics } : {}), reports: advised.value };
  }

  private async record(durationMs: number): Promise<ProfileFacts | Refusal> {
    const pid = this.opts.session?.currentPid;
    if (!this.opts.session) return { error: 'perflens mcp was started without --url: there is no service to profile.' };
    if (pid === undefined)
      return {
        error: `PerfLens has not found the process behind ${this.opts.session.id} (it is found from the port on this machine). Use perflens profile record --pid PID instead.`,
      };
    const runtime = processRuntime(pid);
    const outDir = this.opts.outDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-mcp-'));
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const facts = (source: string) => ({
      durationMs,
      source,
      ...(this.opts.maxProfileBytes ? { maxBytes: this.opts.maxProfileBytes } : {}),
    });
    let file: string;
    if (runtime === 'python') {
      file = path.join(outDir, `perflens-pid${pid}-${stamp}.txt`);
      const r = await recordWithPySpy({ pid, durationSeconds: durationMs / 1000, outFile: file, format: 'raw' });
      if (!r.ok) return { error: r.error.message };
      const kept = await keepRecordedFile(file, facts('py-spy'));
      if (!kept.ok) return { error: kept.error.message };
    } else if (runtime === 'node') {
      const connect = connectPolicy(this.opts.allowRemote);
      const addr = await findInspector(pid, { connect });
      if (!addr.ok)
        return {
          error: `${addr.error.message} Start the service with --inspect, or open its inspector with perflens profile record --pid ${pid} --enable-inspector.`,
        };
      const r = await captureNodeProfile(addr.value, { durationMs, samplingIntervalUs: 1000, connect });
      if (!r.ok) return { error: r.error.message };
      file = path.join(outDir, `perflens-pid${pid}-${stamp}.cpuprofile`);
      const kept = await keepCapture(
        Buffer.from(JSON.stringify(r.value)),
        file,
        facts(`the Node inspector at ${addr.value.host}:${addr.value.port}`),
      );
      if (!kept.ok) return { error: kept.error.message };
    } else
      return {
        error: `Process ${pid} is neither Node nor Python. For a Go service use perflens profile record --pprof URL.`,
      };
    const loaded = await this.readProfile(file, path.basename(file));
    if (!('error' in loaded)) this.loaded = loaded;
    return loaded;
  }

  close(): void {
    this.worker?.close();
  }
}
