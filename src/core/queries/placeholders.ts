import type { SqlLexResult } from './sqlLexer';
import { PARAM_SENTINEL, lexSql } from './sqlLexer';

export interface NormalisedSql {
  /** The statement with every placeholder written as `?`, trimmed, without a trailing `;`. */
  sql: string;
  /** Placeholders as written, in order; interpolations appear as `${expr}`. */
  placeholders: string[];
}

/**
 * Rewrites the placeholder styles of the drivers people use (`?`, `?1`, `$1`, `:name`, `@name`,
 * `%s`, `%(name)s`, and host-language interpolations marked with PARAM_SENTINEL) to `?` so SQLite
 * can prepare the statement. Quoted strings and identifiers are left alone.
 * `interpolations` are the sentinels in order: an interpolated expression's source (shown as
 * `${expr}`), or a template field as written (`{name}`, `%s`).
 */
export function normalisePlaceholders(
  text: string,
  interpolations: (string | { written: string })[] = [],
  /** `text` already tokenized, when the caller has it. */
  lexed: SqlLexResult = lexSql(text),
): NormalisedSql {
  const shown = (k: number): string => {
    const i = interpolations[k];
    return typeof i === 'object' ? i.written : `\${${i ?? ''}}`;
  };
  const { tokens } = lexed;
  const placeholders: string[] = [];
  const pyformat = tokens.some((t) => t.type === 'param' && t.text.startsWith('%'));
  let out = '';
  let last = 0;
  let interpolation = 0;
  for (const t of tokens) {
    if (t.type === 'param') {
      out += text.slice(last, t.start) + '?';
      placeholders.push(t.text === PARAM_SENTINEL ? shown(interpolation++) : t.text);
      last = t.end;
    } else if (t.type === 'string' && t.text.includes(PARAM_SENTINEL)) {
      // '${kind}' or '%${term}%': the quotes were around a spliced value; bind it instead.
      const pieces = t.value.split(PARAM_SENTINEL);
      const terms: string[] = [];
      pieces.forEach((piece, k) => {
        if (piece) terms.push(`'${piece.replace(/'/g, "''")}'`);
        if (k < pieces.length - 1) {
          terms.push('?');
          placeholders.push(shown(interpolation++));
        }
      });
      out += text.slice(last, t.start) + (terms.length === 1 ? terms[0] : `(${terms.join(' || ')})`);
      last = t.end;
    } else if (pyformat && t.type === 'op' && t.text === '%' && text[t.end] === '%') {
      // DB-API pyformat writes a literal percent as %%.
      out += text.slice(last, t.start) + '%';
      last = t.end + 1;
    }
  }
  out += text.slice(last);
  return { sql: out.trim().replace(/;\s*$/, '').trim(), placeholders };
}

/** One line, single spaces: how the demo service (and most exporters) label a statement. */
export function collapseWhitespace(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

/** The key runtime timings and statements found in source are joined on. */
export function sqlMatchKey(sql: string): string {
  return collapseWhitespace(normalisePlaceholders(sql).sql)
    .replace(/\s*([(),=<>])\s*/g, '$1')
    .toLowerCase();
}
