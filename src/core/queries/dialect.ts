import type { SqlToken } from './sqlLexer';
import { lexSql } from './sqlLexer';

/**
 * Syntax that belongs to another database: SQLite cannot explain it (or, worse, reads it as
 * something else: `$1::int` is one odd parameter name to SQLite). Such statements are skipped with
 * this note instead of reported as errors.
 */
export function foreignDialect(sql: string): string | undefined {
  const tokens = lexSql(sql).tokens;
  const w = (t: SqlToken | undefined, v: string) => t?.type === 'word' && t.value === v;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'op' && t.text === '::') return 'PostgreSQL syntax (a :: type cast)';
    if (t.type === 'param' && t.text.includes('::')) return 'PostgreSQL syntax (a :: type cast)';
    if (t.type !== 'word') continue;
    switch (t.value) {
      case 'ILIKE':
        return 'PostgreSQL syntax (ILIKE)';
      case 'SERIAL':
      case 'BIGSERIAL':
      case 'SMALLSERIAL':
        return `PostgreSQL syntax (${t.value} column type)`;
      case 'LATERAL':
        return 'PostgreSQL syntax (LATERAL join)';
      case 'SIMILAR':
        if (w(tokens[i + 1], 'TO')) return 'PostgreSQL syntax (SIMILAR TO)';
        break;
      case 'ON':
        if (w(tokens[i - 1], 'DISTINCT')) return 'PostgreSQL syntax (DISTINCT ON)';
        if (w(tokens[i + 1], 'DUPLICATE') && w(tokens[i + 2], 'KEY')) return 'MySQL syntax (ON DUPLICATE KEY UPDATE)';
        break;
      case 'ANY':
      case 'SOME':
        if (tokens[i + 1]?.text === '(' && tokens[i - 1]?.type === 'op') return `PostgreSQL syntax (= ${t.value}(…))`;
        break;
      case 'ARRAY':
        if (tokens[i + 1]?.text.startsWith('[')) return 'PostgreSQL syntax (ARRAY[…])';
        break;
      case 'AUTO_INCREMENT':
        return 'MySQL syntax (AUTO_INCREMENT)';
      case 'ENGINE':
        if (tokens[i + 1]?.text === '=') return 'MySQL syntax (ENGINE=)';
        break;
      case 'FOR':
        if (w(tokens[i + 1], 'UPDATE') || w(tokens[i + 1], 'SHARE'))
          return `row locking (FOR ${tokens[i + 1]!.value}), which SQLite does not have`;
        break;
      case 'TOP':
        if (w(tokens[i - 1], 'SELECT') || w(tokens[i - 1], 'DISTINCT')) return 'SQL Server syntax (SELECT TOP)';
        break;
      default:
        break;
    }
  }
  return undefined;
}
