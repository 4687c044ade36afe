/** Output of a CLI command, injectable so tests capture it without spawning a process. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal (live tables redraw only then). */
  isTTY: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
}

export const processIO: CliIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
  isTTY: Boolean(process.stdout.isTTY),
  env: process.env,
  cwd: process.cwd(),
};

/**
 * `perflens watch --json | head -1`: once the reader is gone, stop quietly as other command-line
 * tools do, instead of crashing on EPIPE with a stack trace.
 */
export function exitQuietlyWhenOutputCloses(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(EXIT_OK);
  });
}

/** Exit codes, the contract CI scripts rely on. */
export const EXIT_OK = 0;
export const EXIT_FINDING = 1;
export const EXIT_USAGE = 2;
