import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { QueryWorker } from '../../core/queries/queryWorkerClient';
import { Disposable, toDisposable } from '../../core/util/lifecycle';
import type { Result } from '../../core/util/result';
import { fail, ok } from '../../core/util/result';
import { configuredPostgres } from '../postgres/postgresSettings';
import type { QueryDiagnosticsServices } from './queryDiagnostics';

/**
 * The SQLite database the query diagnostics explain on: the file of an explicit choice, of
 * perflens.queries.database, or the first found in the workspace; held (and every statement
 * explained) in a worker thread, never on the host's; watched, so a migration or a new index is
 * reported through onChanged; closed when the database settings change. A database given
 * explicitly is used until the settings change or the file is deleted.
 */
export class QueryDatabase extends Disposable {
  private db: QueryWorker | undefined;
  private dbWatcher: vscode.Disposable | undefined;
  /** A database given to Analyze Queries explicitly wins over the setting until the setting changes. */
  private databaseOverride: string | undefined;

  constructor(
    private readonly services: QueryDiagnosticsServices,
    /** The open file (or a companion: -wal, -journal) changed on disk. */
    private readonly onChanged: (what: string) => void,
  ) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (
          !e.affectsConfiguration('perflens.queries.database') &&
          !e.affectsConfiguration('perflens.queries.statementTimeoutSeconds')
        )
          return;
        this.databaseOverride = undefined;
        this.close();
      }),
    );
    // Disposed newest first: the database closes, then the listener goes.
    this._register(toDisposable(() => this.close()));
  }

  /** The open database, if any. */
  get current(): QueryWorker | undefined {
    return this.db;
  }

  private async resolve(explicit?: string): Promise<Result<string>> {
    if (explicit) this.databaseOverride = explicit;
    else if (this.databaseOverride !== undefined && !fs.existsSync(this.databaseOverride)) {
      // A database given for one analysis and deleted since: back to the setting or the workspace's.
      this.services.log.info(`queries: ${this.databaseOverride} no longer exists; using the configured database`);
      if (this.db?.file === this.databaseOverride) this.close();
      this.databaseOverride = undefined;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const configured = this.databaseOverride ?? this.services.settings().queriesDatabase;
    if (configured) return ok(path.isAbsolute(configured) || !folder ? configured : path.join(folder, configured));
    // Found by looking once: a save must not walk the workspace again.
    if (this.db) return ok(this.db.file);
    const { findDatabaseFiles } = await import('../../core/queries/database');
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      const found = await findDatabaseFiles(f.uri.fsPath);
      if (found[0]) return ok(found[0]);
    }
    return fail(
      'no-database',
      'No SQLite database found in the workspace (*.db, *.sqlite, *.sqlite3). Set perflens.queries.database to the file your service uses.',
    );
  }

  /**
   * The SQLite database, or undefined when there is none but a PostgreSQL connection is set (then
   * every statement goes to PostgreSQL). A PostgreSQL setting that cannot be used is the failure.
   */
  async open(explicit?: string): Promise<Result<QueryWorker | undefined>> {
    const pgTarget = configuredPostgres(this.services.settings().queriesPostgresUrl);
    if (!pgTarget.ok) return pgTarget;
    const file = await this.resolve(explicit);
    if (!file.ok) return pgTarget.value && file.error.kind === 'no-database' ? ok(undefined) : file;
    if (this.db?.file === file.value) return ok(this.db);
    this.close();
    const { QueryWorker } = await import('../../core/queries/queryWorkerClient');
    const worker = new QueryWorker(file.value, {
      timeoutMs: this.services.settings().queriesStatementTimeoutSeconds * 1000,
      raiseWith: 'the perflens.queries.statementTimeoutSeconds setting',
    });
    const opened = await worker.open();
    if (!opened.ok) {
      worker.close();
      return fail(opened.error.kind, opened.error.message);
    }
    this.db = worker;
    for (const n of opened.value.notes) this.services.log.info(`queries: ${n}`);
    this.watchDatabase(file.value);
    return ok(worker);
  }

  private watchDatabase(file: string): void {
    this.dbWatcher?.dispose();
    const onChange = (what: string) => this.onChanged(what);
    const inWorkspace = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file)) !== undefined;
    if (inWorkspace) {
      // The file and its -wal/-journal companions: a migration or a new index shows in either.
      const w = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), `${path.basename(file)}*`),
      );
      w.onDidChange((u) => onChange(u.fsPath));
      w.onDidCreate((u) => onChange(u.fsPath));
      this.dbWatcher = w;
      return;
    }
    // Outside the workspace folders the editor's watcher may not report changes (remote hosts
    // watch the workspace only): poll the file's stat instead, every 2 s.
    const listener = (curr: fs.Stats, prev: fs.Stats) => {
      if (curr.mtimeMs !== prev.mtimeMs || curr.size !== prev.size) onChange(file);
    };
    fs.watchFile(file, { interval: 2000, persistent: false }, listener);
    this.dbWatcher = new vscode.Disposable(() => fs.unwatchFile(file, listener));
  }

  close(): void {
    this.dbWatcher?.dispose();
    this.dbWatcher = undefined;
    this.db?.close();
    this.db = undefined;
  }
}
