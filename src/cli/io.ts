import { visibleText } from '../shared/visibleText';

/** Output of a CLI command, injectable so tests capture it without spawning a process. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal (live tables redraw only then). */
  isTTY: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
}

/**
 * Text as a terminal should show it: every control character becomes a visible \uXXXX escape
 * (see visibleText, shared with the answers given to AI assistants).
 */
export const terminalText = visibleText;

/** Cursor home, clear screen: the only escape sequence PerfLens itself prints (watch's redraw). */
const CLEAR_SCREEN = '\x1b[H\x1b[2J';

/** What commands write through: every line terminal-safe, whoever wrote its content. */
export interface CommandIO extends CliIO {
  /** Replaces the screen with `text` (a live view on a terminal). */
  redraw(text: string): void;
}

/**
 * The CLI's one output choke point: label values, SQL, file names and messages from services
 * reach the terminal only through terminalText, in human and JSON output alike.
 */
export function terminalSafeIO(io: CliIO): CommandIO {
  return {
    out: (t) => io.out(terminalText(t)),
    err: (t) => io.err(terminalText(t)),
    redraw: (t) => io.out(CLEAR_SCREEN + terminalText(t)),
    get isTTY() {
      return io.isTTY;
    },
    get env() {
      return io.env;
    },
    get cwd() {
      return io.cwd;
    },
  };
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
