/** Small pieces of PostgreSQL text PerfLens writes. */

/** An identifier as PostgreSQL reads it: bare when lower-case and plain, else double-quoted. */
export function quotePgIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
