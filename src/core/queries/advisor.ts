import type { LoadedDatabase } from './database';
import { foreignDialect } from './dialect';
import type { FindingContext } from './findings';
import { findingsFor } from './findings';
import { explainQueryPlan } from './plan';
import type { RuntimeIndex } from './runtime';
import { lexSql } from './sqlLexer';
import { parseSql } from './sqlParse';
import type { ExtractedStatement, Finding, FindingKind, StatementReport } from './types';
import { errorMessage } from '../util/result';
import type { WhatIfOptions } from './whatIf';
import { proveFindings } from './prove';

export interface AdviseOptions {
  /** Prove each suggested index on an in-memory copy (costs a few runs of each statement). */
  whatIf?: boolean | WhatIfOptions;
  runtime?: RuntimeIndex;
  /** Tables with fewer rows are not flagged for full scans (default 1000). */
  minRows?: number;
  /** Called with a statement's plan and findings before its what-if runs (a deadline keeps what is known); copy the report to keep it. */
  onExplained?: (index: number, report: StatementReport) => void;
  /** Called as each statement's report is complete. */
  onReport?: (index: number, report: StatementReport) => void;
}

/** A statement to explain: a bare SQL string (CLI --sql) or one found in source. */
export type StatementInput = string | ExtractedStatement;

/**
 * Explains each statement on the loaded database and turns its plan into findings. Errors are
 * per statement (a statement that does not prepare carries `error`; one in another SQL dialect
 * carries `skipped`), so one bad statement never stops the others.
 */
export function adviseStatements(
  loaded: LoadedDatabase,
  inputs: StatementInput[],
  opts: AdviseOptions = {},
): StatementReport[] {
  const ctx: FindingContext = { schema: loaded, rowCount: (t) => loaded.rowCount(t), minRows: opts.minRows };
  const provenBySql = new Map<string, Finding[]>();
  return inputs.map((input, index) => {
    const report = adviseOne(input, index);
    opts.onReport?.(index, report);
    return report;
  });

  function adviseOne(input: StatementInput, index: number): StatementReport {
    const extracted = typeof input === 'string' ? undefined : input;
    const report = blankReport(input);
    const sql = report.sql;
    const runtime = opts.runtime?.lookup(sql);
    if (runtime) report.runtime = runtime;
    if (extracted?.dialect === 'postgres') {
      report.skipped =
        'Not explained on SQLite: the file uses a PostgreSQL driver, so the statement runs on PostgreSQL (explain it with --postgres URL).';
      return report;
    }
    // Dialect first: SQLite would read `$1::int` as one odd parameter name and explain nonsense.
    const dialect = foreignDialect(extracted ? extracted.text : sql);
    if (dialect) {
      report.skipped = `Not explained: ${dialect}. PerfLens explains statements on SQLite only.`;
      return report;
    }
    const plan = explainQueryPlan(loaded.db, sql);
    if (!plan.ok) {
      const schema =
        createsExistingObject(sql, plan.error.message) ??
        nameFilledInLater(sql, plan.error.message, extracted?.placeholders);
      if (schema) report.skipped = schema;
      else report.error = plan.error.message;
      return report;
    }
    report.plan = plan.value;
    const more = statementsAfterFirst(sql);
    if (more > 0)
      report.notes = [
        `Only the first statement was explained: SQLite plans one statement at a time, and ${more === 1 ? '1 more follows' : `${more} more follow`} it. Explain each on its own.`,
      ];
    const parsed = parseSql(sql);
    report.findings = findingsFor(plan.value, parsed, ctx);
    if (runtime) for (const f of report.findings) f.runtime = runtime;
    opts.onExplained?.(index, report);
    const same = provenBySql.get(sql);
    if (opts.whatIf && same && same.length === report.findings.length) {
      // The same statement written in several places is proven once.
      report.findings = same.map((f) => ({ ...f, ...(runtime ? { runtime } : {}) }));
    } else if (opts.whatIf) {
      try {
        const notes = proveFindings(
          loaded,
          sql,
          parsed,
          plan.value,
          report.findings,
          typeof opts.whatIf === 'object' ? opts.whatIf : {},
        );
        if (notes.length) report.notes = [...(report.notes ?? []), ...notes];
        else provenBySql.set(sql, report.findings);
      } catch (e) {
        report.notes = [...(report.notes ?? []), `The what-if run failed: ${errorMessage(e)}`];
      }
    }
    return report;
  }
}

/** A statement's report before anything is known about it: its SQL and where it is written. */
export function blankReport(input: StatementInput): StatementReport {
  const sql = typeof input === 'string' ? input.trim().replace(/;\s*$/, '') : input.sql;
  const report: StatementReport = { sql, plan: [], findings: [] };
  if (typeof input !== 'string') {
    if (input.text !== sql) report.text = input.text;
    report.range = input.range;
    if (input.file !== undefined)
      report.location = { file: input.file, line: input.range.start.line + 1, column: input.range.start.column + 1 };
  }
  return report;
}

/** Statements after the first in `a; b; c` (2 here); a trigger's body is one statement with its own semicolons. */
function statementsAfterFirst(sql: string): number {
  const tokens = lexSql(sql).tokens;
  if (tokens.some((t) => t.type === 'word' && t.value === 'TRIGGER')) return 0;
  let more = 0;
  tokens.forEach((t, i) => {
    if (
      t.type === 'punct' &&
      t.text === ';' &&
      i < tokens.length - 1 &&
      !(tokens[i + 1]!.type === 'punct' && tokens[i + 1]!.text === ';')
    )
      more++;
  });
  return more;
}

/**
 * The code's own schema set-up (`CREATE TABLE meta …`) cannot prepare on the database it created:
 * SQLite says the object already exists. That is the expected state, not a broken statement.
 */
function createsExistingObject(sql: string, message: string): string | undefined {
  if (!/^\s*CREATE\b/i.test(sql)) return undefined;
  const m = /^(table|index|view|trigger) (\S+) already exists$/i.exec(message.trim());
  return m
    ? `Not explained: it creates ${m[1]!.toLowerCase()} ${m[2]}, which the database already has (schema set-up).`
    : undefined;
}

/**
 * A template that fills in a table or column name (`"SELECT … FROM {}".format(table)`) leaves a
 * placeholder where SQLite wants a name: the statement cannot be explained until it is run.
 */
function nameFilledInLater(sql: string, message: string, placeholders: string[] | undefined): string | undefined {
  if (!/^near "\?": syntax error$/.test(message.trim())) return undefined;
  const fields = (placeholders ?? []).filter((p) => p !== '?');
  const which = fields.length ? ` (${fields.join(', ')})` : '';
  return `Not explained: a table or column name in it is filled in at run time${which}, so there is no one statement to plan. Explain the statement as it is run, with the names written out.`;
}

/** Whether any report has a finding of one of these kinds (for `--fail-on`). */
export function hasFindingOf(reports: StatementReport[], kinds: readonly FindingKind[]): boolean {
  return reports.some((r) => r.findings.some((f) => kinds.includes(f.kind)));
}
