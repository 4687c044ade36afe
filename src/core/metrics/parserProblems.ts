/** Errors and the problem log shared by the exposition parser's dialects. */

/** Thrown in strict mode: the exposition is invalid at `line` (1-based) because of `reason`. */
export class ExpositionError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'ExpositionError';
  }
}

/**
 * Thrown by the line scanner when a line does not follow the grammar. Internal: the dialect
 * drivers catch it and turn it into an ExpositionError (strict) or a skipped line (lenient), so
 * the scanner need not know the mode or the line number. Deliberately not an Error: capturing a
 * stack trace per bad line would make a lenient read of a garbage body ten times slower, and
 * this never leaves the parser.
 */
export class LineSyntaxError {
  constructor(readonly reason: string) {}
}

/** How many problems a lenient parse keeps; later ones are only counted. */
export const MAX_PROBLEMS = 20;

/**
 * Where a parse reports what it could not accept. Strict mode throws at the first problem;
 * lenient mode keeps going, counting skipped lines and keeping the first few reasons.
 */
export class ProblemLog {
  skippedLines = 0;
  readonly problems: { line: number; reason: string }[] = [];

  constructor(readonly strict: boolean) {}

  /** The line cannot be used at all: strict throws, lenient drops the line. */
  skip(line: number, reason: string): void {
    if (this.strict) throw new ExpositionError(line, reason);
    this.skippedLines++;
    this.record(line, reason);
  }

  /**
   * The data is usable but breaks a rule of the format (a negative counter, buckets out of
   * order, a missing `# EOF`): strict throws, lenient keeps the data and records why.
   */
  warn(line: number, reason: string): void {
    if (this.strict) throw new ExpositionError(line, reason);
    this.record(line, reason);
  }

  private record(line: number, reason: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ line, reason });
  }
}
