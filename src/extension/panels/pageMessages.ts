import type { MessageCheck } from '../../shared/protocol/messageCheck';

/** The part of the output log the gate writes to. */
export interface PageMessageLog {
  warn(message: string): void;
  error(message: string): void;
}

/**
 * Where a page's messages enter the host. Each is checked with the protocol's validator before a
 * handler sees it. A refused message is logged at warn with its reason, once per kind (a page that
 * repeats a bad message cannot flood the log), and goes no further. A handler that throws or
 * rejects is logged at error: nothing a page sends ends up thrown into VS Code.
 */
export class PageMessageGate<M extends { type: string }> {
  private readonly loggedKinds = new Set<string>();

  constructor(
    /** Names the page in log lines ("dashboard"). */
    private readonly page: string,
    private readonly check: (value: unknown) => MessageCheck<M>,
    private readonly log: PageMessageLog,
    private readonly handle: (message: M) => void | Promise<void>,
  ) {}

  /** Settles once the message was refused or handled; never rejects. */
  async receive(value: unknown): Promise<void> {
    const checked = this.check(value);
    if (!checked.ok) {
      if (this.loggedKinds.has(checked.kind)) return;
      this.loggedKinds.add(checked.kind);
      this.log.warn(
        `ignored a message: ${checked.reason}. Further messages of this kind (${checked.kind}) are ignored without a log line.`,
      );
      return;
    }
    try {
      await this.handle(checked.message);
    } catch (e) {
      this.log.error(
        `the ${this.page} panel could not act on the page's "${checked.message.type}" message: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
}
