/**
 * Placeholders for PostgreSQL: the shared normalisation writes every driver's placeholder as `?`
 * (psycopg `%s` and `%(name)s`, node-postgres and asyncpg `$1`, SQLAlchemy text() `:name`, and
 * interpolations); PostgreSQL wants `$n`. Named placeholders keep one number per name, `$n` keeps
 * its own number, and positional ones take the next free numbers.
 */
import { normalisePlaceholders } from '../placeholders';
import { lexSql } from '../sqlLexer';

export interface PgStatementText {
  /** The statement with `$n` parameters. */
  sql: string;
  /** How many parameters PREPARE will see ($1…$count). */
  count: number;
}

const DOLLAR = /^\$(\d+)(::.*)?$/;

/** From the normalised form (`?` placeholders with what was written for each) to `$n` parameters. */
export function toPgParams(normalised: string, written: readonly string[]): PgStatementText {
  const { tokens } = lexSql(normalised);
  const reserved = new Set<number>();
  for (const w of written) {
    const m = DOLLAR.exec(w);
    if (m) reserved.add(Number(m[1]));
  }
  let next = 1;
  const fresh = () => {
    while (reserved.has(next)) next++;
    reserved.add(next);
    return next;
  };
  const byName = new Map<string, number>();
  let out = '';
  let last = 0;
  let k = 0;
  let max = 0;
  for (const t of tokens) {
    if (t.type !== 'param') continue;
    const w = written[k++] ?? '?';
    const m = DOLLAR.exec(w);
    let text: string;
    if (m) {
      text = w;
      max = Math.max(max, Number(m[1]));
    } else {
      const cast = /::[A-Za-z_][\w ]*(\[\])?$/.exec(w)?.[0] ?? '';
      const name = w.replace(/::.*$/, '');
      const positional = name === '?' || name === '%s' || name === '%b' || name === '%t';
      let n: number;
      if (!positional && byName.has(name)) n = byName.get(name)!;
      else {
        n = fresh();
        if (!positional) byName.set(name, n);
      }
      max = Math.max(max, n);
      text = `$${n}${cast}`;
    }
    out += normalised.slice(last, t.start) + text;
    last = t.end;
  }
  out += normalised.slice(last);
  return { sql: out, count: max };
}

/** A statement as the user typed it (CLI --sql): any driver's placeholders, to `$n`. */
export function pgStatementFromText(text: string): PgStatementText {
  const n = normalisePlaceholders(text);
  return toPgParams(n.sql, n.placeholders);
}
