/**
 * The key statements from spans are grouped and joined on: the query advisor's match key
 * (placeholders as `?`, whitespace and case folded) with literal numbers and strings also written
 * as `?`, since many drivers and instrumentations send the statement with its values inlined
 * (`WHERE id = 42`). Statements found in the workspace are keyed the same way, so the join holds.
 */
import { sqlMatchKey } from '../queries/placeholders';
import { lexSql } from '../queries/sqlLexer';

export function statementKey(sql: string): string {
  const { tokens } = lexSql(sql);
  let out = '';
  let last = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type !== 'string' && t.type !== 'number') continue;
    // A sign directly before a number is part of the literal (`= -1`), not an operator of its own.
    const prev = tokens[i - 1];
    const signed = t.type === 'number' && prev?.type === 'op' && (prev.text === '-' || prev.text === '+');
    const before = tokens[i - 2];
    const start = signed && before && (before.type === 'op' || before.type === 'word') ? prev.start : t.start;
    out += sql.slice(last, start) + '?';
    last = t.end;
  }
  return sqlMatchKey(out + sql.slice(last));
}
