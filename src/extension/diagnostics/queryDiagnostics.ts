import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DatabaseSummary, QueryWorker } from '../../core/queries/queryWorkerClient';
import { Disposable, Emitter } from '../../core/util/lifecycle';
import type { WorkspaceScan } from '../../core/queries/workspace';
import type { ExtractedStatement, FindingKind, StatementReport } from '../../core/queries/types';
import { whatIfPlan } from '../../core/queries/types';
import type { Result } from '../../core/util/result';
import { fail, ok } from '../../core/util/result';
import type { ExtensionServices } from '../services';
import { configuredPostgres } from '../postgres/postgresSettings';
import { QueryDatabase } from './queryDatabase';
import { diagnosticMessage, planLines, severityOf } from './queryFindingText';

export const DIAGNOSTIC_SOURCE = 'PerfLens';

/** What the query diagnostics read: the settings (databases, timeouts, analyse on save), the log, the PostgreSQL password. */
export type QueryDiagnosticsServices = Pick<ExtensionServices, 'settings' | 'log' | 'secrets'>;
/** A statement as the commands and Quick Fixes name it: its file and where it starts. */
export interface StatementRef {
  file: string;
  line: number;
  character: number;
}

export interface AnalyzeSummary {
  database: string;
  files: number;
  statements: number;
  findings: number;
}

function toRange(r: ExtractedStatement['range']): vscode.Range {
  return new vscode.Range(r.start.line, r.start.column, r.end.line, r.end.column);
}

/**
 * Slow-query diagnostics: the SQL found in source, explained on the workspace's SQLite file (a
 * read-only in-memory copy), each finding a Diagnostic at its statement. Files are re-explained
 * on save; every statement when the database file changes.
 */
export class QueryDiagnostics extends Disposable {
  readonly collection = this._register(vscode.languages.createDiagnosticCollection('perflens'));
  private readonly changed = this._register(new Emitter<void>());
  readonly onDidChange = this.changed.event;
  /** Extracted statements and their reports, per absolute file path. */
  private readonly files = new Map<string, { statements: ExtractedStatement[]; reports: StatementReport[] }>();
  /** The SQLite database (none when every statement goes to PostgreSQL). */
  private readonly db: QueryDatabase;
  /** Each root's scan, kept so a save re-reads only the saved file. */
  private readonly scans = new Map<string, WorkspaceScan>();
  private queue: Promise<unknown> = Promise.resolve();
  constructor(private readonly services: QueryDiagnosticsServices) {
    super();
    // Disposed newest first: the database closes, then the listeners go.
    this._register(vscode.workspace.onDidSaveTextDocument((doc) => void this.onSaved(doc)));
    this._register(
      vscode.workspace.onDidDeleteFiles((e) => {
        const gone = [...this.files.keys()].filter((f) =>
          e.files.some((u) => f === u.fsPath || f.startsWith(u.fsPath + path.sep)),
        );
        gone.forEach((f) => this.forget(f));
        if (gone.length) this.changed.fire();
        void this.rescan(e.files.map((u) => u.fsPath));
      }),
    );
    this._register(
      vscode.workspace.onDidRenameFiles((e) => {
        const moved = e.files.flatMap((f) => [f.oldUri.fsPath, f.newUri.fsPath]);
        const gone = [...this.files.keys()].filter((f) =>
          e.files.some((r) => f === r.oldUri.fsPath || f.startsWith(r.oldUri.fsPath + path.sep)),
        );
        gone.forEach((f) => this.forget(f));
        if (gone.length) this.changed.fire();
        void this.rescan(moved, gone.length > 0);
      }),
    );
    this.db = this._register(
      new QueryDatabase(services, (what) => {
        this.services.log.info(`queries: ${what} changed on disk`);
        void this.serial(() => this.reloadDatabase());
      }),
    );
  }

  get analyzed(): boolean {
    return this.files.size > 0;
  }

  get databasePath(): string | undefined {
    return this.db.current?.file;
  }

  /** Every file's reports with at least one finding (the Slow Queries view). */
  /** Statements with runtime (pg_stat_statements) rank by total time, most first; files by their heaviest. */
  reportsWithFindings(): { file: string; reports: StatementReport[] }[] {
    const total = (r: StatementReport) => r.runtime?.totalMs ?? -1;
    const heaviest = (rs: StatementReport[]) => Math.max(...rs.map(total));
    return [...this.files]
      .map(([file, f]) => ({
        file,
        reports: f.reports.filter((r) => r.findings.length > 0).sort((a, b) => total(b) - total(a)),
      }))
      .filter((f) => f.reports.length > 0)
      .sort((a, b) => heaviest(b.reports) - heaviest(a.reports) || a.file.localeCompare(b.file));
  }

  reportAt(ref: StatementRef): StatementReport | undefined {
    return this.files
      .get(ref.file)
      ?.reports.find((r) => r.range?.start.line === ref.line && r.range.start.column === ref.character);
  }

  /** Runs one analysis at a time: saves and database changes queue behind a workspace scan. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The database file changed (a migration, a new index): load it again and re-explain everything. */
  private async reloadDatabase(): Promise<void> {
    const file = this.db.current?.file;
    if (!file || !vscode.workspace.isTrusted) return;
    this.db.close();
    const db = await this.db.open();
    if (!db.ok) {
      this.services.log.warn(`queries: ${db.error.message}`);
      return;
    }
    for (const [f, entry] of this.files) await this.publish(f, entry.statements, db.value);
    this.services.log.info(`queries: ${file} changed; ${this.files.size} file(s) explained again`);
    this.changed.fire();
  }

  /** Analyze Queries in Workspace: every source file under the roots (default: the workspace folders). */
  analyzeWorkspace(
    opts: { roots?: string[]; database?: string; progress?: (message: string) => void; signal?: AbortSignal } = {},
  ): Promise<Result<AnalyzeSummary>> {
    return this.serial(async () => {
      const db = await this.db.open(opts.database);
      if (!db.ok) return db;
      const { WorkspaceScan } = await import('../../core/queries/workspace');
      const roots = opts.roots ?? (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
      let fileCount = 0;
      const seen = new Set<string>();
      for (const root of roots) {
        if (opts.signal?.aborted) return fail('cancelled', 'Analyzing queries was cancelled.');
        opts.progress?.(`Finding SQL in ${path.basename(root)}…`);
        let ws = this.scans.get(root);
        if (!ws) this.scans.set(root, (ws = new WorkspaceScan(root)));
        const scan = await ws.scan();
        fileCount += scan.files;
        const byFile = new Map<string, ExtractedStatement[]>();
        for (const s of scan.statements) {
          const abs = path.join(root, s.file ?? '');
          const list = byFile.get(abs) ?? [];
          list.push({ ...s, file: abs });
          byFile.set(abs, list);
        }
        opts.progress?.(`Explaining ${scan.statements.length} statement(s) on ${this.databaseName(db.value)}…`);
        for (const [file, statements] of byFile) {
          seen.add(file);
          await this.publish(file, statements, db.value);
        }
      }
      // Files that no longer hold SQL lose their diagnostics.
      for (const file of [...this.files.keys()]) {
        if (!seen.has(file) && roots.some((r) => file.startsWith(r + path.sep))) this.forget(file);
      }
      this.changed.fire();
      const all = [...this.files.values()].flatMap((f) => f.reports);
      return ok({
        database: this.databaseName(db.value),
        files: fileCount,
        statements: all.length,
        findings: all.reduce((n, r) => n + r.findings.length, 0),
      });
    });
  }

  /** The SQLite file and the PostgreSQL URL statements are explained on, as the summary names them. */
  private databaseName(db: QueryWorker | undefined): string {
    const pgTarget = configuredPostgres(this.services.settings().queriesPostgresUrl);
    const pgUrl = pgTarget.ok ? pgTarget.value?.url : undefined;
    return [db?.file, pgUrl].filter((n): n is string => Boolean(n)).join(' and ');
  }

  private async onSaved(doc: vscode.TextDocument): Promise<void> {
    if (doc.uri.scheme !== 'file' || !vscode.workspace.isTrusted || !this.services.settings().queriesAnalyzeOnSave)
      return;
    const { languageOf } = await import('../../core/queries/extract');
    if (!languageOf(doc.uri.fsPath)) return;
    await this.rescan([doc.uri.fsPath]);
  }

  /** The root scan a path belongs to (its workspace folder, else its own folder), made on first use. */
  private async scanFor(file: string): Promise<WorkspaceScan> {
    const root =
      [...this.scans.keys()].find((r) => file.startsWith(r + path.sep)) ??
      vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file))?.uri.fsPath ??
      path.dirname(file);
    let ws = this.scans.get(root);
    if (!ws) {
      const { WorkspaceScan } = await import('../../core/queries/workspace');
      this.scans.set(root, (ws = new WorkspaceScan(root)));
    }
    return ws;
  }

  /**
   * Saved, created, deleted or renamed paths: only they are read again (with the scan's limits:
   * regular files under the size cap), and only their statements explained again.
   */
  private async rescan(paths: string[], force = false): Promise<void> {
    if (!vscode.workspace.isTrusted || !this.services.settings().queriesAnalyzeOnSave) return;
    const touched = new Set<string>();
    for (const p of paths) {
      const ws = await this.scanFor(p);
      await ws.refresh([p]);
      for (const s of ws.result().statements) {
        const abs = path.join(ws.root, s.file ?? '');
        if (abs === p || abs.startsWith(p + path.sep)) touched.add(abs);
      }
    }
    // Before the first analysis, only a saved file with SQL in it is worth loading the database for.
    const known = paths.some((p) => this.files.has(p));
    if (touched.size === 0 && !known && !force) return;
    for (const p of paths) if (this.files.has(p) && !touched.has(p)) touched.add(p);
    await this.serial(async () => {
      const db = await this.db.open();
      if (!db.ok) {
        this.services.log.info(
          `queries: ${paths.map((p) => path.basename(p)).join(', ')} changed, not explained: ${db.error.message}`,
        );
        return;
      }
      for (const file of touched) {
        const ws = await this.scanFor(file);
        const statements = ws.statementsOf(file).map((s) => ({ ...s, file }));
        await this.publish(file, statements, db.value);
      }
      this.changed.fire();
    });
  }

  private forget(file: string): void {
    this.files.delete(file);
    this.collection.delete(vscode.Uri.file(file));
  }

  private async publish(
    file: string,
    statements: ExtractedStatement[],
    db: QueryWorker | undefined,
    given?: StatementReport[],
  ): Promise<void> {
    if (statements.length === 0) {
      this.forget(file);
      return;
    }
    const reports = given ?? (await this.advise(db, statements));
    this.files.set(file, { statements, reports });
    const uri = vscode.Uri.file(file);
    const diagnostics: vscode.Diagnostic[] = [];
    for (const r of reports) {
      if (!r.range) continue;
      const range = toRange(r.range);
      for (const f of r.findings) {
        const d = new vscode.Diagnostic(
          range,
          diagnosticMessage(f),
          severityOf(f.kind) === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information,
        );
        d.source = DIAGNOSTIC_SOURCE;
        d.code = f.kind;
        d.relatedInformation = planLines(f.whatIf ? whatIfPlan(f.whatIf) : r.plan).map(
          (line) =>
            new vscode.DiagnosticRelatedInformation(
              new vscode.Location(uri, range),
              `${f.whatIf ? 'plan with the index' : 'plan'}: ${line.trim()}`,
            ),
        );
        diagnostics.push(d);
      }
    }
    this.collection.set(uri, diagnostics);
  }

  /** Each statement explained on its database: PostgreSQL drivers' on the server when one is set, the rest on SQLite. */
  private async advise(db: QueryWorker | undefined, statements: ExtractedStatement[], whatIf = false) {
    const { adviseByDialect, PostgresQueries } = await import('../postgres/postgresQueries');
    return adviseByDialect(
      statements,
      { sqlite: db, postgres: vscode.workspace.isTrusted ? new PostgresQueries(this.services) : undefined },
      whatIf,
      this.services.log,
    );
  }

  /** Runs the what-if index for one statement now (timed on an in-memory copy) and updates its diagnostics. */
  runWhatIf(ref: StatementRef): Promise<Result<StatementReport>> {
    return this.serial(async () => {
      const entry = this.files.get(ref.file);
      const idx =
        entry?.reports.findIndex((r) => r.range?.start.line === ref.line && r.range.start.column === ref.character) ??
        -1;
      if (!entry || idx < 0)
        return fail('not-found', 'That statement is no longer analysed; run Analyze Queries in Workspace again.');
      const db = await this.db.open();
      if (!db.ok) return db;
      const [report] = await this.advise(db.value, [entry.statements[idx]!], true);
      const reports = [...entry.reports];
      reports[idx] = report!;
      await this.publish(ref.file, entry.statements, db.value, reports);
      this.changed.fire();
      return ok(report!);
    });
  }

  /** Every analysed statement, its report (in the same order), and the SQLite database if one is open (the slow-queries tool). */
  async allReports(): Promise<{
    database?: DatabaseSummary;
    statements: ExtractedStatement[];
    reports: StatementReport[];
  }> {
    const entries = [...this.files.values()];
    const opened = await this.db.current?.open();
    return {
      database: opened?.ok ? opened.value : undefined,
      statements: entries.flatMap((f) => f.statements),
      reports: entries.flatMap((f) => f.reports),
    };
  }

  /** Explains one statement given as text (the explain tool); the diagnostics stay as they are. */
  explainText(sql: string, whatIf: boolean): Promise<Result<{ database: DatabaseSummary; report: StatementReport }>> {
    return this.serial(async () => {
      const db = await this.db.open();
      if (!db.ok) return db;
      if (!db.value)
        return fail('no-database', 'Explaining SQL text needs a SQLite database (perflens.queries.database).');
      const opened = await db.value.open();
      if (!opened.ok) return opened;
      const r = await db.value.advise([sql], { whatIf });
      if (!r.ok) return fail('explain', r.error.message);
      return ok({ database: opened.value, report: r.value[0]! });
    });
  }

  findingKinds(file: string): FindingKind[] {
    return (this.files.get(file)?.reports ?? []).flatMap((r) => r.findings.map((f) => f.kind));
  }
}
