/**
 * How a webview protocol checks what a page sends before the host acts on it. Both protocols
 * (dashboard, profile) declare their page-to-host messages as a table of field checks and get
 * one validator from it, so an unknown or malformed message is treated the same way in both:
 * rejected with a reason and a kind (a small, fixed set per protocol, for logging once per kind),
 * never thrown, never half-handled. An accepted message is a fresh object holding only the fields
 * its type declares.
 *
 * Naming, in both protocols: `HostTo<Page>` and `<Page>ToHost` are the two unions, discriminated
 * on `type`; a page-to-host type is an imperative verb for a request (`select`, `openSource`) or a
 * past participle for an event (`ready`, `rendered`); a host-to-page type names what it carries
 * (`state`, `data`, `profile`, `diff`); `check<Page>ToHost(value)` is the validator.
 */

/** The validator's answer: the message, or why it was refused. */
export type MessageCheck<T> = { ok: true; message: T } | { ok: false; kind: RejectKind; reason: string };

/**
 * What was wrong, in a bounded set: `not-an-object`, `unknown-type`, or `malformed:<type>` for
 * a known type with a bad field. The host logs each kind once per panel.
 */
export type RejectKind = 'not-an-object' | 'unknown-type' | `malformed:${string}`;

/** Says what is wrong with a field's value, or undefined when it is fine. */
export type FieldCheck = (value: unknown) => string | undefined;

/** The field checks of each message type (`type` itself excluded). */
export type MessageTable<M extends { type: string }> = {
  [K in M['type']]: { [F in Exclude<keyof Extract<M, { type: K }>, 'type'>]-?: FieldCheck };
};

const MAX_QUOTED = 60;

/** A value quoted for a log line: short, whatever it is. */
function quote(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}… (${text.length} characters)` : text;
}

export const field = {
  string: (v: unknown) => (typeof v === 'string' ? undefined : `must be a string, not ${quote(v)}`),
  finiteNumber: (v: unknown) =>
    typeof v === 'number' && Number.isFinite(v) ? undefined : `must be a finite number, not ${quote(v)}`,
  /** A non-negative integer: an index into a list the host sent. */
  index: (v: unknown) =>
    typeof v === 'number' && Number.isInteger(v) && v >= 0
      ? undefined
      : `must be a non-negative integer, not ${quote(v)}`,
  oneOf:
    (...allowed: readonly string[]): FieldCheck =>
    (v) =>
      typeof v === 'string' && allowed.includes(v)
        ? undefined
        : `must be one of ${allowed.join(', ')}, not ${quote(v)}`,
  optional:
    (check: FieldCheck): FieldCheck =>
    (v) =>
      v === undefined ? undefined : check(v),
};

/** Builds a protocol's validator from its table. `page` names the page in reasons ("dashboard"). */
export function messageChecker<M extends { type: string }>(
  page: string,
  table: MessageTable<M>,
): (value: unknown) => MessageCheck<M> {
  const types = Object.keys(table);
  const known = (t: unknown): t is M['type'] => typeof t === 'string' && Object.prototype.hasOwnProperty.call(table, t);
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return {
        ok: false,
        kind: 'not-an-object',
        reason: `the ${page} page sent ${quote(value)}, not a message object`,
      };
    const m = value as Record<string, unknown>;
    const type = Object.prototype.hasOwnProperty.call(m, 'type') ? m.type : undefined;
    if (!known(type))
      return {
        ok: false,
        kind: 'unknown-type',
        reason: `the ${page} page sent a message of unknown type ${quote(type)} (known: ${types.join(', ')})`,
      };
    const fields = table[type] as Record<string, FieldCheck>;
    const message: Record<string, unknown> = { type };
    for (const [name, check] of Object.entries(fields)) {
      const v = Object.prototype.hasOwnProperty.call(m, name) ? m[name] : undefined;
      const problem = check(v);
      if (problem)
        return {
          ok: false,
          kind: `malformed:${type}`,
          reason: `the ${page} page sent a malformed "${type}" message: ${name} ${problem}`,
        };
      if (v !== undefined) message[name] = v;
    }
    return { ok: true, message: message as M };
  };
}
