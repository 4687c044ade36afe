import { indexCandidates } from './candidates';
import type { LoadedDatabase } from './database';
import type { SchemaLookup } from './indexAdvice';
import { resolveTableName } from './indexAdvice';
import { parsePlanDetail } from './plan';
import type { ParsedSql } from './sqlParse';
import type { Finding, PlanRow, TriedIndex, WhatIfResult } from './types';
import { errorMessage } from '../util/result';
import type { WhatIfOptions } from './whatIf';
import { MIN_PROVEN_SPEEDUP, WhatIfLab, whatIfResult } from './whatIf';

/** A step of a plan that costs per execution: a full read of a table, a sort, an automatic index. */
interface Problem {
  key: string;
  detail: string;
}

/** The costly steps of a plan, keyed so that the same step with another index reads the same (`SCAN p USING INDEX x` is still `scan:post`). */
export function planProblems(plan: PlanRow[], parsed: ParsedSql, schema: SchemaLookup): Problem[] {
  const out: Problem[] = [];
  for (const row of plan) {
    const step = parsePlanDetail(row.detail);
    if (step.op === 'scan' && !step.virtual) {
      const table = resolveTableName(parsed, schema, step.name);
      if (table) out.push({ key: `scan:${table}`, detail: row.detail });
    } else if (step.op === 'temp-btree') out.push({ key: `temp:${step.purpose}`, detail: row.detail });
    else if (step.op === 'search' && step.automatic)
      out.push({ key: `auto:${resolveTableName(parsed, schema, step.name) ?? step.name}`, detail: row.detail });
  }
  return out;
}

/** Problems of `before` that `after` no longer has, and problems `after` has that `before` did not (multisets by key). */
export function compareProblems(
  before: Problem[],
  after: Problem[],
): { removed: Problem[]; added: Problem[]; left: Problem[] } {
  const rest = [...after];
  const removed: Problem[] = [];
  const left: Problem[] = [];
  for (const p of before) {
    const k = rest.findIndex((q) => q.key === p.key);
    if (k < 0) removed.push(p);
    else left.push(rest.splice(k, 1)[0]!);
  }
  return { removed, added: rest, left };
}

interface Trial extends TriedIndex {
  table: string;
  problemsAfter: Problem[];
  /** Costly plan steps it removes. */
  removes: number;
  result?: WhatIfResult;
}

/** The plan problem a finding is about, when an index could remove it. */
function problemKey(f: Finding): string | undefined {
  if (f.kind === 'full-scan' && f.table) return `scan:${f.table}`;
  if (f.kind === 'automatic-index' && f.table) return `auto:${f.table}`;
  const temp = f.kind === 'temp-btree' ? /^USE TEMP B-TREE FOR (.+?): /.exec(f.detail) : null;
  return temp ? `temp:${temp[1]}` : undefined;
}

function times(x: number): string {
  return `${x >= 10 ? Math.round(x) : Number(x.toPrecision(2))}×`;
}

/**
 * Tries every candidate index for the tables the findings suggest indexing, on in-memory copies:
 * each is planned, and only one whose plan loses a costly step (and gains none) is timed against
 * the copy without it. A finding keeps an index only when one both removes its own problem and is
 * at least MIN_PROVEN_SPEEDUP faster; otherwise it says that no index helps, and why.
 * Returns notes for the statement (e.g. sample values it could not run with).
 */
export function proveFindings(
  loaded: LoadedDatabase,
  sql: string,
  parsed: ParsedSql,
  plan: PlanRow[],
  findings: Finding[],
  opts: WhatIfOptions = {},
): string[] {
  const targets = findings.filter((f) => f.createIndex && f.table);
  if (targets.length === 0) return [];
  const problemsBefore = planProblems(plan, parsed, loaded);
  const candidates: { table: string; createIndex: string }[] = [];
  const seen = new Set<string>();
  const addCandidate = (table: string, createIndex: string) => {
    const shape = createIndex.slice(createIndex.indexOf(' ON ')).replace(/\s+/g, ' ').toLowerCase();
    if (!seen.has(shape)) {
      seen.add(shape);
      candidates.push({ table, createIndex });
    }
  };
  for (const table of new Set(targets.map((f) => f.table!)))
    for (const c of indexCandidates(parsed, loaded, table, sql)) addCandidate(table, c.createIndex);
  for (const f of targets) addCandidate(f.table!, f.createIndex!);

  const notes: string[] = [];
  const trials: Trial[] = [];
  const lab = new WhatIfLab(loaded, sql, parsed, opts);
  try {
    for (const c of candidates) {
      const planned = lab.tryIndex(c.createIndex);
      if (!planned.ok) {
        trials.push({
          table: c.table,
          index: c.createIndex,
          planAfter: [],
          proven: false,
          reason: planned.error.message,
          problemsAfter: problemsBefore,
          removes: 0,
        });
        continue;
      }
      try {
        const after = planProblems(planned.value, parsed, loaded);
        const diff = compareProblems(problemsBefore, after);
        const trial: Trial = {
          table: c.table,
          index: c.createIndex,
          planAfter: planned.value,
          proven: false,
          reason: '',
          problemsAfter: after,
          removes: diff.removed.length,
        };
        if (diff.removed.length === 0 || diff.added.length > 0) {
          const worse = diff.added.length
            ? `adds ${diff.added.map((p) => p.detail).join(', ')}`
            : `still ${[...new Set(diff.left.map((p) => p.detail))].join(', ')}`;
          trial.reason = `the plan is no better: ${worse}`;
        } else {
          const t = lab.time();
          trial.speedup = Math.round(t.speedup * 100) / 100;
          trial.result = whatIfResult(c.createIndex, planned.value, t, lab.params);
          const gain = `removes ${diff.removed.map((p) => p.detail).join(', ')}`;
          trial.proven = t.speedup >= MIN_PROVEN_SPEEDUP;
          const pace = t.speedup >= 1 ? `${times(t.speedup)} faster` : `${times(1 / t.speedup)} slower`;
          trial.reason = trial.proven
            ? `${gain}; ${pace} (median of ${t.runs} paired runs)`
            : `${gain} but runs ${pace} (median of ${t.runs} paired runs; ${MIN_PROVEN_SPEEDUP}× faster is needed to count beyond noise)`;
        }
        trials.push(trial);
      } finally {
        lab.undo();
      }
    }
  } catch (e) {
    // The findings keep their unproven advice: nothing was learned about it.
    notes.push(`The what-if run failed with sample values ${JSON.stringify(lab.params)}: ${errorMessage(e)}`);
    return notes;
  } finally {
    lab.close();
  }

  for (const f of targets) {
    const key = problemKey(f);
    const mine = trials.filter((t) => t.table === f.table);
    f.tried = mine.map(({ index, planAfter, speedup, proven, reason }) =>
      speedup === undefined ? { index, planAfter, proven, reason } : { index, planAfter, speedup, proven, reason },
    );
    const fixes = (t: Trial) =>
      t.proven && t.result && (key === undefined || !t.problemsAfter.some((p) => p.key === key));
    const best = choose(mine.filter(fixes));
    if (best) {
      f.createIndex = best.index;
      f.whatIf = best.result!;
      f.suggestion = `${f.kind === 'temp-btree' ? 'Add an index so SQLite reads the rows already in order' : 'Add an index so SQLite searches instead of reading every row'}: ${best.index}; (proven on a copy: ${best.reason}).`;
      continue;
    }
    delete f.createIndex;
    delete f.whatIf;
    f.suggestion = noIndexText(f, key, mine);
  }
  return notes;
}

/**
 * Of the proven indexes, the one that removes the most costly steps of the plan (one index for
 * the scan and the sort, not one each), then the narrowest, then the fastest. Every column costs
 * storage and a write on every insert or update, and a covering index copies much of the table,
 * so a wider index is recommended only when no narrower one does as much. The others stay listed
 * in `tried` with their numbers.
 */
function choose(proven: Trial[]): Trial | undefined {
  const width = (t: Trial) => t.index.split(',').length;
  return [...proven].sort((a, b) => b.removes - a.removes || width(a) - width(b) || b.speedup! - a.speedup!)[0];
}

function noIndexText(f: Finding, key: string | undefined, tried: Trial[]): string {
  if (tried.length === 0) return 'No index helps: no candidate index could be tried for this statement.';
  const removing = tried.filter((t) => t.result && !t.problemsAfter.some((p) => p.key === key));
  const closest = removing.sort((a, b) => (b.speedup ?? 0) - (a.speedup ?? 0))[0];
  const why = closest
    ? `the closest, ${indexShape(closest.index)}, ${closest.reason}`
    : `with each of the ${tried.length} indexes tried (${tried.map((t) => indexShape(t.index)).join(', ')}) ${stillText(f)}`;
  const fallback =
    f.kind === 'full-scan'
      ? 'Filter it with a WHERE on an indexed column, or add LIMIT if the code needs only some rows.'
      : f.kind === 'temp-btree'
        ? 'Sort fewer rows (a WHERE or a LIMIT), or drop the ORDER BY if the code does not need the order.'
        : 'Rewrite the statement so it does not need the step.';
  return `No index helps: ${why}. ${fallback}`;
}

function stillText(f: Finding): string {
  if (f.kind === 'full-scan')
    return `SQLite still reads every row of ${f.table} (nothing in the statement narrows them)`;
  if (f.kind === 'temp-btree') return 'SQLite still sorts the rows in a temporary b-tree';
  if (f.kind === 'automatic-index') return `SQLite still builds an automatic index on ${f.table}`;
  return 'the plan does not improve';
}

/** `post(created DESC)` from a CREATE INDEX statement. */
export function indexShape(createIndex: string): string {
  const m = /\bON\s+("(?:[^"]|"")+"|\S+?)\s*\((.*)\)\s*$/is.exec(createIndex);
  return m ? `${m[1]}(${m[2]})` : createIndex;
}
