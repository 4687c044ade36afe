/**
 * The slow-query advisor on PostgreSQL: the statements found in source (shared extraction and
 * normalisation) explained on the real server in a read-only session, their plans read into
 * findings, index advice proven with HypoPG, runtime from pg_stat_statements. Reports have the
 * SQLite advisor's shape, so the CLI and the editor show both the same way.
 */
import type { StatementInput } from '../advisor';
import { blankReport } from '../advisor';
import { DEFAULT_MIN_ROWS } from '../findings';
import type { RuntimeIndex } from '../runtime';
import { parseSql } from '../sqlParse';
import type { StatementReport } from '../types';
import type { PgSession } from './connection';
import { describePgError } from './connection';
import { explainGeneric, plannable, prepareSessionForPlans } from './explain';
import { pgFindingsFor } from './findings';
import { hypopgAvailability, proveWithHypopg, unprovenNote } from './hypopg';
import { toPgParams, pgStatementFromText } from './params';
import { pgPlanRows } from './planJson';
import { PgSchema } from './schema';

export interface PgAdviseOptions {
  /** Prove index advice with HypoPG hypothetical indexes. */
  whatIf?: boolean;
  /** With the user's consent: EXPLAIN (ANALYZE, BUFFERS) in a rolled-back read-only transaction. */
  analyze?: boolean;
  runtime?: RuntimeIndex;
  minRows?: number;
  onReport?: (index: number, report: StatementReport) => void;
}

/** The statement as PostgreSQL will plan it (`$n` parameters) and how many parameters it has. */
export function pgTextOf(input: StatementInput): { sql: string; count: number } {
  return typeof input === 'string' ? pgStatementFromText(input) : toPgParams(input.sql, input.placeholders);
}

export async function advisePgStatements(
  session: PgSession,
  inputs: StatementInput[],
  opts: PgAdviseOptions = {},
): Promise<StatementReport[]> {
  const client = session.client;
  await prepareSessionForPlans(client);
  const schema = new PgSchema(client);
  const hypo = opts.whatIf ? await hypopgAvailability(client) : undefined;
  const reports: StatementReport[] = [];
  for (const [index, input] of inputs.entries()) {
    const report = await adviseOne(input);
    opts.onReport?.(index, report);
    reports.push(report);
  }
  return reports;

  async function adviseOne(input: StatementInput): Promise<StatementReport> {
    const report = blankReport(input);
    const { sql, count } = pgTextOf(input);
    if (typeof input !== 'string' && report.text === undefined && sql !== input.text) report.text = input.text;
    report.sql = sql;
    const runtime = opts.runtime?.lookup(sql);
    if (runtime) report.runtime = runtime;
    if (typeof input !== 'string' && input.dialect === 'sqlite') {
      report.skipped =
        'Not explained on PostgreSQL: the file uses a SQLite driver, so the statement runs on SQLite (explain it with --db FILE).';
      return report;
    }
    if (!plannable(sql)) {
      report.skipped =
        'Not explained: PostgreSQL plans only SELECT, INSERT, UPDATE, DELETE, MERGE and VALUES statements (this one sets up or changes the schema or the session).';
      return report;
    }
    const parsed = parseSql(
      typeof input === 'string' ? pgStatementFromText(input).sql.replace(/\$\d+/g, '?') : input.sql,
    );
    let plan;
    try {
      await schema.load(parsed.tables.filter((t) => t.kind === 'table').map((t) => t.name));
      const analyze = opts.analyze && count === 0 && /^\s*(SELECT|WITH|VALUES|TABLE)\b/i.test(sql);
      plan = await explainGeneric(client, sql, count, { analyze: Boolean(analyze) });
      if (opts.analyze && !analyze)
        report.notes = [
          count > 0
            ? 'Explained without ANALYZE: the statement has parameters whose values are known only when the code runs it. Explain it with --sql and literal values to see actual rows and timings.'
            : 'Explained without ANALYZE: only statements that read (SELECT, WITH, VALUES) are executed, and then only inside a rolled-back transaction.',
        ];
    } catch (e) {
      report.error = planError(e, session);
      return report;
    }
    report.plan = pgPlanRows(plan.Plan);
    report.findings = pgFindingsFor(plan.Plan, parsed, { schema, minRows: opts.minRows ?? DEFAULT_MIN_ROWS });
    if (runtime) for (const f of report.findings) f.runtime = runtime;
    const withIndex = report.findings.filter((f) => f.createIndex);
    if (withIndex.length === 0) return report;
    if (hypo?.ok) {
      try {
        await proveWithHypopg(client, sql, count, plan.Plan['Total Cost'], report.findings);
      } catch (e) {
        report.notes = [...(report.notes ?? []), `The HypoPG what-if failed: ${planError(e, session)}`];
      }
    } else {
      const why = hypo
        ? hypo.why
        : 'run the what-if (CLI --what-if, or the quick fix "Run What-If Index Now") to prove it with a HypoPG hypothetical index.';
      for (const f of withIndex) f.suggestion = `${f.suggestion ?? ''} ${unprovenNote(why)}`.trim();
    }
    return report;
  }
}

function planError(e: unknown, session: PgSession): string {
  const err = e as { code?: string; message?: string; hint?: string; position?: string };
  if (err.code === '42P18')
    return `${err.message}: PostgreSQL cannot tell a parameter's type from the statement. Add a cast where it is used (e.g. $1::int).`;
  if (err.code && /^[0-9A-Z]{5}$/.test(err.code) && !['57014', '55P03', '28P01'].includes(err.code))
    return `${err.message}${err.hint ? ` (${err.hint})` : ''}`;
  return describePgError(e, session.target).message;
}
