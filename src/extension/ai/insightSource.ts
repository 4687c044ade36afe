import * as vscode from 'vscode';
import type { InsightSource, ProfileFacts, Refusal, SnapshotWindow } from '../../core/insights/answers';
import type { ExplainFacts } from '../../core/insights/json';
import { COMMANDS } from '../constants';
import type { PostgresQueries } from '../postgres/postgresQueries';
import type { ExtensionServices } from '../services';
import { targetId } from '../targets/targetRegistry';
import { untrustedMessage } from '../trust';

/** What the AI tools read: the attached target's window, the loaded profile, the analysed statements. */
export type AiToolServices = Pick<ExtensionServices, 'registry' | 'monitor' | 'code' | 'settings' | 'log' | 'secrets'>;

const NOT_ATTACHED: Refusal = {
  error:
    'PerfLens is not attached to a service. Run PerfLens: Attach to Service… (or set perflens.autoAttach), then ask again.',
};

/**
 * The editor's state as the insight API reads it: the same answers the MCP server gives, from what
 * the editor already collects. The actions exist only in a trusted workspace.
 */
export class EditorInsightSource implements InsightSource {
  recordProfile?: InsightSource['recordProfile'];
  explain?: InsightSource['explain'];

  constructor(
    private readonly services: AiToolServices,
    withActions: boolean,
  ) {
    if (withActions) {
      this.recordProfile = (ms) => this.record(ms);
      this.explain = (sql, whatIf) => this.explainOne(sql, whatIf);
    }
  }

  window(): SnapshotWindow | Refusal {
    const current = this.services.registry.current;
    if (!current) return NOT_ATTACHED;
    const id = targetId(current.spec);
    const state = this.services.monitor.target(id);
    if (!state) return NOT_ATTACHED;
    return {
      target: id,
      intervalMs: this.services.settings().collectionIntervalSeconds * 1000,
      snapshots: state.window,
    };
  }

  analyzerSettings() {
    const s = this.services.settings();
    return { leak: { maxMemoryMb: s.maxMemoryMb } };
  }

  profile(): ProfileFacts | Refusal {
    const loaded = this.services.code.state.current;
    if (!loaded)
      return {
        error:
          'No profile is loaded in the editor. Run PerfLens: Profile Service… or Import Profile…, or (confirmed by the user) call perflens_record_profile.',
      };
    return {
      profile: loaded.profile,
      profiles: 1,
      label: loaded.label,
      source: loaded.source,
      warnings: loaded.warnings,
    };
  }

  async queries(): Promise<ExplainFacts | Refusal> {
    if (!vscode.workspace.isTrusted) return { error: untrustedMessage('database reading') };
    const q = this.services.code.queries;
    if (!q.analyzed) {
      const r = await q.analyzeWorkspace();
      if (!r.ok) return { error: r.error.message };
    }
    const { database, statements, reports } = await q.allReports();
    const pg = await this.postgres();
    if (typeof pg !== 'boolean' && 'error' in pg) return pg;
    if (pg) {
      const { slowQueriesOnPostgres } = await import('./postgresAnswers');
      return slowQueriesOnPostgres(pg, { ...(database ? { sqlite: database } : {}), statements, reports });
    }
    if (!database)
      return { error: 'No database is open for the workspace SQL. Run PerfLens: Analyze Queries in Workspace.' };
    return { database, reports };
  }

  /** The workspace's PostgreSQL connection when one is set (false when none), or why it cannot be used. */
  private async postgres(): Promise<PostgresQueries | false | Refusal> {
    const { PostgresQueries } = await import('../postgres/postgresQueries');
    const { postgresConfigured } = await import('./postgresAnswers');
    const pg = new PostgresQueries(this.services);
    const set = postgresConfigured(pg);
    return set === true ? pg : set;
  }

  private async record(durationMs: number): Promise<ProfileFacts | Refusal> {
    const current = this.services.registry.current;
    if (!current) return NOT_ATTACHED;
    if (current.spec.kind === 'prometheus')
      return { error: 'The attached target is a Prometheus server: it names no process of its own to profile.' };
    if (current.spec.kind === 'otlp')
      return {
        error: `The attached target ${current.label} sends its metrics over OTLP: it names no process of its own to profile. Attach to its port or pid to profile it.`,
      };
    const before = this.services.code.state.generation;
    await vscode.commands.executeCommand(COMMANDS.profileService, {
      target: targetId(current.spec),
      durationSeconds: Math.max(1, Math.round(durationMs / 1000)),
      showView: false,
    });
    if (this.services.code.state.generation === before)
      return { error: `Recording a profile of ${current.label} failed; the PerfLens output channel says why.` };
    return this.profile();
  }

  private async explainOne(sql: string, whatIf: boolean): Promise<ExplainFacts | Refusal> {
    const pg = await this.postgres();
    if (typeof pg !== 'boolean' && 'error' in pg) return pg;
    if (pg) {
      const { explainTextOnPostgres } = await import('./postgresAnswers');
      return explainTextOnPostgres(pg, sql, whatIf);
    }
    const r = await this.services.code.queries.explainText(sql, whatIf);
    if (!r.ok) return { error: r.error.message };
    return { database: r.value.database, reports: [r.value.report] };
  }
}
