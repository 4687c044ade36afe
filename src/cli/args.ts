import { DEFAULT_ALERT_THRESHOLDS } from '../core/analyzers/alerts/rules';
import { UserError } from '../core/util/result';

/** Parsed command line: positional arguments and --flags (--x=v, --x v, boolean --x). */
export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

export interface FlagSpec {
  /** Flags that take a value; any other --flag is boolean. */
  valued: string[];
  boolean: string[];
  /** Short aliases, e.g. { o: 'output' }. */
  aliases?: Record<string, string>;
}

export function parseArgs(argv: string[], spec: FlagSpec): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  const valued = new Set(spec.valued);
  const known = new Set([...spec.valued, ...spec.boolean, 'json', 'help']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      inline = eq >= 0 ? a.slice(eq + 1) : undefined;
    } else if (/^-[a-zA-Z]$/.test(a)) {
      name = spec.aliases?.[a.slice(1)] ?? (a === '-h' ? 'help' : undefined);
      if (!name) throw new UserError(`Unknown option ${a}.`);
    }
    if (name === undefined) {
      positionals.push(a);
      continue;
    }
    if (!known.has(name)) throw new UserError(`Unknown option --${name}.`);
    if (valued.has(name)) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UserError(`Option --${name} needs a value.`);
      // The last would win and the others be ignored: a repeated option is refused instead.
      const earlier = flags.get(name);
      if (typeof earlier === 'string')
        throw new UserError(`Option --${name} is given twice ("${earlier}" and "${v}"); give it once.`);
      flags.set(name, v);
    } else {
      if (inline !== undefined) throw new UserError(`Option --${name} takes no value.`);
      flags.set(name, true);
    }
  }
  return { positionals, flags };
}

export function flagString(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** Durations as the CLI accepts them: 500ms, 30s, 2m, 1h, or a bare number of seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UserError(`"${text}" is not a duration (examples: 500ms, 30s, 2m, 1h).`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!;
}

/**
 * A duration flag in milliseconds, or undefined when it is absent. Zero is refused unless
 * allowed (an interval or timeout of 0 means nothing; an alert's `for` of 0 means "at once").
 */
export function durationFlag(p: ParsedArgs, name: string, opts: { allowZero?: boolean } = {}): number | undefined {
  const text = flagString(p, name);
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (!opts.allowZero && !(ms > 0)) throw new UserError(`--${name} must be longer than 0.`);
  return ms;
}

/** A size flag in megabytes (1024, 512MB, 2GB), or undefined when it is absent. */
export function sizeMbFlag(
  p: ParsedArgs,
  name: string,
  range: { min?: number; max?: number } = {},
): number | undefined {
  const text = flagString(p, name);
  if (text === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(mb|mib|gb|gib)?$/i.exec(text.trim());
  if (!m) throw new UserError(`--${name} "${text}" is not a size like 1024MB or 2GB.`);
  const mb = Number(m[1]) * (/^g/i.test(m[2] ?? '') ? 1024 : 1);
  const { min = 0, max = Infinity } = range;
  if (!(mb > 0) || mb < min || mb > max)
    throw new UserError(
      `--${name} must be ${Number.isFinite(max) ? `between ${min || 1} MB and ${max} MB` : 'more than 0'}, not ${text}.`,
    );
  return mb;
}

/** --max-memory as megabytes: 1024, 512MB, 2GB (by default the memory limit the analyzers and alerts use). */
export function maxMemoryFlag(p: ParsedArgs, fallbackMb = DEFAULT_ALERT_THRESHOLDS.maxMemoryMb): number {
  return sizeMbFlag(p, 'max-memory') ?? fallbackMb;
}

/**
 * Refuses flags that mean nothing in the combination given, so that no flag is ever accepted and
 * then ignored in silence. `when` completes "… only …", e.g. "with --prometheus (the server's
 * scrapes set the step)". Exit 2 with a message naming every such flag.
 */
export function refuseFlags(p: ParsedArgs, names: readonly string[], when: string): void {
  const given = names.filter((n) => p.flags.has(n)).map((n) => `--${n}`);
  if (given.length === 0) return;
  const list = given.length === 1 ? given[0]! : `${given.slice(0, -1).join(', ')} and ${given.at(-1)!}`;
  throw new UserError(
    `${list} ${given.length === 1 ? 'has' : 'have'} no effect ${when}; remove ${given.length === 1 ? 'it' : 'them'}.`,
  );
}
