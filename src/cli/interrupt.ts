import { Emitter } from '../core/util/lifecycle';
import type { CliIO } from './io';

/**
 * Ctrl-C during a collection window (report, analyze, check) ends the window early; the command
 * then reports on what it collected, and report still saves its --history file.
 */
export class WindowInterrupt {
  private stopped = false;
  /** Wakes every wait() in progress. */
  private readonly interrupt = new Emitter<void>();
  private readonly onSigint = () => {
    this.stopped = true;
    this.io.err('perflens: interrupted; reporting on what was collected so far.');
    this.interrupt.fire();
  };

  constructor(private readonly io: CliIO) {
    process.once('SIGINT', this.onSigint);
  }

  get interrupted(): boolean {
    return this.stopped;
  }

  /**
   * Waits `ms`, or less when Ctrl-C is pressed. The timer is referenced on purpose: the session's
   * own timers are unref'd and would let the CLI exit before the window ends.
   */
  readonly wait = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      if (this.stopped) return resolve();
      const done = () => {
        clearTimeout(timer);
        wake.dispose();
        resolve();
      };
      const timer = setTimeout(done, ms);
      const wake = this.interrupt.event(done);
    });

  dispose(): void {
    process.off('SIGINT', this.onSigint);
  }
}
