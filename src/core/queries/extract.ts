import { lexCFamily } from './lexCFamily';
import { lexPython } from './lexPython';
import { normalisePlaceholders } from './placeholders';
import type { CodeToken, LiteralPart, StringToken } from './sourceText';

type IdentToken = Extract<CodeToken, { kind: 'ident' }>;
import { LineIndex, pushText } from './sourceText';
import { PARAM_SENTINEL, lexSql } from './sqlLexer';
import { classifyLexed } from './sqlShape';
import type { ExtractedStatement, SourceLanguage } from './types';
import { driverDialect } from './driver';

const EXTENSIONS: Record<string, SourceLanguage> = {
  '.py': 'python',
  '.pyi': 'python',
  '.js': 'javascript',
  '.jsx': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.ts': 'typescript',
  '.tsx': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.go': 'go',
  '.java': 'java',
};

/** Most literals are not SQL; this cheap test spares them the SQL tokenizer. */
const STATEMENT_WORD = /\b(?:select|insert|update|delete|with|create|replace)\b/i;
/**
 * The same words anywhere in a chain's literal text, before its parts are merged or its template
 * fields replaced: neither adds a letter, so a chain without one can never pass STATEMENT_WORD.
 */
const ANY_STATEMENT_WORD = /select|insert|update|delete|with|create|replace/i;

/** The language of a source file by its name, or undefined when PerfLens does not read it for SQL. */
export function languageOf(fileName: string): SourceLanguage | undefined {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? undefined : EXTENSIONS[fileName.slice(dot).toLowerCase()];
}

export function tokenize(text: string, language: SourceLanguage): CodeToken[] {
  switch (language) {
    case 'python':
      return lexPython(text);
    case 'go':
      return lexCFamily(text, 'go');
    case 'java':
      return lexCFamily(text, 'java');
    case 'javascript':
    case 'typescript':
      return lexCFamily(text, 'js');
  }
}

/**
 * Finds the SQL statements written in one source file: string literals of every kind, joined when
 * concatenated (`"a" + "b"`, Python's adjacent literals, `"… = " + id + " …"` with the operand as a
 * parameter), classified by statement shape so prose is left alone.
 */
export function extractStatements(text: string, language: SourceLanguage, file?: string): ExtractedStatement[] {
  const tokens = tokenize(text, language);
  let lineIndex: LineIndex | undefined;
  // Built only once a statement is found: most files have none.
  const lines = (): LineIndex => (lineIndex ??= new LineIndex(text));
  const found: ExtractedStatement[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const first = tokens[i]!;
    if (first.kind !== 'string' || first.docstring) continue;
    const chain = concatenation(tokens, i, language, text);
    i = chain.lastIndex;
    if (!mayBeStatement(chain.parts)) continue;
    const template = language === 'python' ? pythonTemplate(tokens, chain.lastIndex, text) : undefined;
    const merged = mergeText(chain.parts);
    const parts = template ? templateFields(merged, template) : merged;
    const statement = toStatement(parts, first, chain.end, language, lines, file);
    if (statement) found.push(statement);
  }
  if (found.length) {
    const dialect = driverDialect(text, language);
    if (dialect) for (const s of found) s.dialect = dialect;
  }
  return found;
}

interface Chain {
  /** The literals' parts in order, shared with the tokens (never modified): see mergeText. */
  parts: LiteralPart[];
  end: number;
  /** Index of the last token consumed. */
  lastIndex: number;
}

function concatenation(tokens: CodeToken[], i: number, language: SourceLanguage, text: string): Chain {
  const first = tokens[i] as StringToken;
  const parts: LiteralPart[] = [...first.parts];
  let end = first.end;
  let j = i;
  for (;;) {
    const next = tokens[j + 1];
    if (language === 'python' && next?.kind === 'string' && !next.tag) {
      parts.push(...next.parts);
      end = next.end;
      j++;
      continue;
    }
    if (next?.kind !== 'plus') break;
    const operand = tokens[j + 2];
    if (operand?.kind === 'string') {
      parts.push(...operand.parts);
      end = operand.end;
      j += 2;
      continue;
    }
    // `+ id` or `+ user.id`: a value spliced into the statement, which a driver would bind.
    let k = j + 2;
    if (tokens[k]?.kind !== 'ident') break;
    while (
      tokens[k + 1]?.kind === 'punct' &&
      (tokens[k + 1] as { text: string }).text === '.' &&
      tokens[k + 2]?.kind === 'ident'
    )
      k += 2;
    const after = tokens[k + 1];
    const endsChain =
      after === undefined ||
      after.kind === 'plus' ||
      (after.kind === 'punct' && [')', ';', ',', ']', '}'].includes(after.text)) ||
      after.kind === 'break';
    if (!endsChain) break;
    const operandStart = tokens[j + 2] as IdentToken;
    const operandEnd = tokens[k] as IdentToken;
    parts.push({ kind: 'param', source: text.slice(operandStart.start, operandEnd.end) });
    end = operandEnd.end;
    j = k;
    // Only continue past the operand into another literal.
    if (after?.kind !== 'plus' || tokens[k + 2]?.kind !== 'string') break;
  }
  return { parts, end, lastIndex: j };
}

/** `"…".format(…)` or `"…" % …` right after the literal: its fields are filled in by Python, quoted or not. */
function pythonTemplate(tokens: CodeToken[], last: number, text: string): 'format' | 'percent' | undefined {
  const a = tokens[last + 1];
  const b = tokens[last + 2];
  const c = tokens[last + 3];
  if (
    a?.kind === 'punct' &&
    a.text === '.' &&
    b?.kind === 'ident' &&
    text.slice(b.start, b.end) === 'format' &&
    c?.kind === 'punct' &&
    c.text === '('
  )
    return 'format';
  if (a?.kind === 'punct' && a.text === '%') return 'percent';
  return undefined;
}

const FORMAT_FIELD = /\{\{|\}\}|\{[A-Za-z0-9_.[\]]*(?:![rsa])?(?::[^{}]*)?\}/g;
const PERCENT_FIELD = /%%|%\([A-Za-z0-9_]+\)[sdifr]|%[sdifr]/g;

/**
 * The fields of a template (`{}`, `{name}`, `%s`, `%(name)s`) become parameters, wherever they
 * sit: `'{since}'` in quotes is a value spliced between quotes, which a driver would bind.
 * Doubled braces or percents are the literal character.
 */
function templateFields(parts: LiteralPart[], kind: 'format' | 'percent'): LiteralPart[] {
  const out: LiteralPart[] = [];
  const field = kind === 'format' ? FORMAT_FIELD : PERCENT_FIELD;
  for (const p of parts) {
    if (p.kind !== 'text') {
      out.push({ ...p });
      continue;
    }
    let last = 0;
    for (const m of p.value.matchAll(field)) {
      pushText(out, p.value.slice(last, m.index));
      if (m[0] === '{{' || m[0] === '}}' || m[0] === '%%') pushText(out, m[0][0]!);
      else out.push({ kind: 'param', source: m[0], written: m[0] });
      last = m.index + m[0].length;
    }
    pushText(out, p.value.slice(last));
  }
  return out;
}

function mayBeStatement(parts: LiteralPart[]): boolean {
  let text = '';
  for (const p of parts) if (p.kind === 'text') text += p.value;
  return ANY_STATEMENT_WORD.test(text);
}

/** Copies of the parts, with text parts next to each other (from joined literals) made one. */
function mergeText(parts: LiteralPart[]): LiteralPart[] {
  const out: LiteralPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.kind === 'text' && last?.kind === 'text') last.value += p.value;
    else out.push({ ...p });
  }
  return out;
}

function toStatement(
  parts: LiteralPart[],
  first: StringToken,
  end: number,
  language: SourceLanguage,
  lines: () => LineIndex,
  file: string | undefined,
): ExtractedStatement | undefined {
  if (!parts.some((p) => p.kind === 'text' && /[a-z]/i.test(p.value))) return undefined;
  const withSentinels = parts
    .map((p) => (p.kind === 'text' ? p.value.replace(/\uE000/g, '') : PARAM_SENTINEL))
    .join('');
  if (withSentinels.length > 20_000 || !STATEMENT_WORD.test(withSentinels)) return undefined;
  const lexed = lexSql(withSentinels);
  if (classifyLexed(lexed) === undefined) return undefined;
  const interpolations = parts.flatMap((p) =>
    p.kind === 'param' ? [p.written !== undefined ? { written: p.written } : p.source] : [],
  );
  const normalised = normalisePlaceholders(withSentinels, interpolations, lexed);
  const text = parts
    .map((p) => (p.kind === 'text' ? p.value : (p.written ?? `\${${p.source}}`)))
    .join('')
    .trim();
  const statement: ExtractedStatement = {
    language,
    range: { start: lines().position(first.start), end: lines().position(end) },
    text,
    sql: normalised.sql,
    placeholders: normalised.placeholders,
  };
  if (file !== undefined) statement.file = file;
  if (first.tag !== undefined) statement.tag = first.tag;
  return statement;
}
