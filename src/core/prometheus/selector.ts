import type { Result } from '../util/result';
import { fail, ok } from '../util/result';

/**
 * Label matchers as PromQL writes them: `job="demo", instance=~"10\\.0\\..*"`. The user's selector
 * is parsed here (not pasted into queries) so a typo is reported before any request, and every
 * value we put back into PromQL is re-quoted by one escaping function.
 */
export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isValidLabelName(name: string): boolean {
  return LABEL_NAME.test(name);
}

/**
 * Quotes a label value as a PromQL double-quoted string. PromQL strings use Go's escapes; a raw
 * newline ends a string with an error, and other control characters would be invisible in messages,
 * so every character below 0x20 is escaped too.
 */
export function quoteLabelValue(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** Escapes regex metacharacters so a literal value can sit inside an `=~` matcher (RE2 syntax). */
export function escapeRegex(literal: string): string {
  return literal.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

export function renderMatchers(matchers: readonly LabelMatcher[]): string {
  return matchers.map((m) => `${m.name}${m.op}${quoteLabelValue(m.value)}`).join(', ');
}

/** `{a="b", c=~"d"}`, or `{}` for no matchers; `metric` prefixes it when given. */
export function renderSelector(matchers: readonly LabelMatcher[], metric = ''): string {
  return `${metric}{${renderMatchers(matchers)}}`;
}

export type SelectorFailureKind = 'bad-selector';

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

class SelectorReader {
  pos = 0;
  constructor(readonly text: string) {}
  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }
  peek(): string | undefined {
    return this.text[this.pos];
  }
  error(what: string): { ok: false; error: { kind: SelectorFailureKind; message: string } } {
    const at = this.pos < this.text.length ? `at character ${this.pos + 1}` : 'at the end';
    return fail(
      'bad-selector',
      `Selector ${JSON.stringify(this.text)}: ${what} ${at}. Write label matchers such as job="demo", instance=~"10\\\\.0\\\\..*".`,
    );
  }
}

function readQuoted(r: SelectorReader): Result<string, SelectorFailureKind> {
  const quote = r.peek()!;
  r.pos++;
  let value = '';
  if (quote === '`') {
    const end = r.text.indexOf('`', r.pos);
    if (end < 0) return r.error('unterminated `-quoted value');
    value = r.text.slice(r.pos, end);
    r.pos = end + 1;
    return ok(value);
  }
  for (;;) {
    const ch = r.peek();
    if (ch === undefined || ch === '\n') return r.error(`unterminated ${quote}-quoted value`);
    r.pos++;
    if (ch === quote) return ok(value);
    if (ch !== '\\') {
      value += ch;
      continue;
    }
    const esc = r.peek();
    if (esc === undefined) return r.error('unterminated escape');
    r.pos++;
    if (SIMPLE_ESCAPES[esc] !== undefined && (esc !== "'" || quote === "'") && (esc !== '"' || quote === '"')) {
      value += SIMPLE_ESCAPES[esc];
      continue;
    }
    const digits = esc === 'x' ? 2 : esc === 'u' ? 4 : esc === 'U' ? 8 : /[0-7]/.test(esc) ? 3 : 0;
    if (digits === 0) return r.error(`unknown escape \\${esc}`);
    const start = esc === 'x' || esc === 'u' || esc === 'U' ? r.pos : r.pos - 1;
    const hex = r.text.slice(start, start + digits);
    const radix = /[0-7]/.test(esc) ? 8 : 16;
    const pattern = radix === 8 ? /^[0-7]{3}$/ : /^[0-9a-fA-F]+$/;
    if (hex.length !== digits || !pattern.test(hex)) return r.error(`malformed escape \\${esc}`);
    const code = parseInt(hex, radix);
    if (code > 0x10ffff) return r.error(`escape \\${esc}${hex} is not a character`);
    value += String.fromCodePoint(code);
    r.pos = start + digits;
  }
}

/**
 * Parses a selector as users type it: with or without braces, matchers separated by commas,
 * values in double, single or back quotes with PromQL's escapes. An empty selector is refused: it
 * would read every series on the server.
 */
export function parseSelector(input: string): Result<LabelMatcher[], SelectorFailureKind> {
  let text = input.trim();
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) return fail('bad-selector', `Selector ${JSON.stringify(input)}: "{" is never closed.`);
    text = text.slice(1, -1);
  }
  const r = new SelectorReader(text);
  const matchers: LabelMatcher[] = [];
  for (;;) {
    r.skipSpace();
    if (r.peek() === undefined) break;
    const nameMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(r.pos));
    if (!nameMatch) return r.error('expected a label name');
    const name = nameMatch[0];
    r.pos += name.length;
    r.skipSpace();
    const opMatch = /^(=~|!~|!=|=)/.exec(text.slice(r.pos));
    if (!opMatch) return r.error(`expected =, !=, =~ or !~ after ${name}`);
    r.pos += opMatch[0].length;
    r.skipSpace();
    const q = r.peek();
    if (q !== '"' && q !== "'" && q !== '`') return r.error(`expected a quoted value after ${name}${opMatch[0]}`);
    const value = readQuoted(r);
    if (!value.ok) return value;
    matchers.push({ name, op: opMatch[0] as MatchOp, value: value.value });
    r.skipSpace();
    const sep = r.peek();
    if (sep === undefined) break;
    if (sep !== ',') return r.error('expected "," between matchers');
    r.pos++;
  }
  if (matchers.length === 0)
    return fail(
      'bad-selector',
      'The selector is empty. Name the service, e.g. job="demo" (optionally with instance="host:port").',
    );
  if (matchers.some((m) => m.name === '__name__')) {
    return fail(
      'bad-selector',
      `Selector ${JSON.stringify(input)} names a metric (__name__); it should name the service (e.g. job="demo"): PerfLens picks the metrics itself.`,
    );
  }
  // Prometheus refuses a selector whose every matcher matches the empty string; say so up front.
  if (matchers.every((m) => matchesEmpty(m))) {
    return fail(
      'bad-selector',
      `Selector ${JSON.stringify(input)} matches every series (each matcher accepts an empty value). Add a matcher such as job="demo".`,
    );
  }
  return ok(matchers);
}

function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.op) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return safeRegexTest(m.value, '') ?? false;
    case '!~':
      return !(safeRegexTest(m.value, '') ?? true);
  }
}

/** Regexes are checked by the server (RE2); here only to spot an all-empty selector early. */
function safeRegexTest(pattern: string, value: string): boolean | undefined {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return undefined;
  }
}

/** The equality matchers as a label map (for filtering alerts by job/instance). */
export function equalityLabels(matchers: readonly LabelMatcher[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of matchers) if (m.op === '=') out[m.name] = m.value;
  return out;
}

/** True when a label set satisfies every matcher (how the server would match it). */
export function labelsMatch(labels: Record<string, string>, matchers: readonly LabelMatcher[]): boolean {
  return matchers.every((m) => {
    const v = labels[m.name] ?? '';
    switch (m.op) {
      case '=':
        return v === m.value;
      case '!=':
        return v !== m.value;
      case '=~':
        return safeRegexTest(m.value, v) ?? false;
      case '!~':
        return !(safeRegexTest(m.value, v) ?? true);
    }
  });
}
