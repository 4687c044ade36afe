import WebSocket from 'ws';
import type { Clock } from '../../util/clock';
import { systemClock } from '../../util/clock';
import type { ConnectPolicy } from '../../util/connect';
import { ConnectRefusedError, LOOPBACK_ONLY, connectOptions, refusalOf, remoteRefusal } from '../../util/connect';

/**
 * A minimal Chrome DevTools Protocol client over one WebSocket: request/response by id, with a
 * per-call timeout so a wedged target never hangs a capture.
 */
export class CdpSession {
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: unknown }>();
  private closed = false;

  private constructor(
    private readonly ws: WebSocket,
    private readonly clock: Clock,
  ) {
    ws.on('message', (data) => this.onMessage(String(data)));
    ws.on('close', () => this.failAll(new Error('the inspector closed the connection')));
    ws.on('error', (e) => this.failAll(e));
  }

  /**
   * Opens the WebSocket, checking its address against the policy first (default loopback only):
   * rejects with a ConnectRefusedError, before any connection, for an address the policy refuses.
   */
  static connect(
    url: string,
    opts: { timeoutMs?: number; clock?: Clock; connect?: ConnectPolicy } = {},
  ): Promise<CdpSession> {
    const clock = opts.clock ?? systemClock;
    const policy = opts.connect ?? LOOPBACK_ONLY;
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      return Promise.reject(new Error(`"${url}" is not a WebSocket URL`));
    }
    const refusal = remoteRefusal(host, policy);
    if (refusal) return Promise.reject(new ConnectRefusedError(refusal, 'remote'));
    return new Promise((resolve, reject) => {
      // maxPayload: a long capture's profile arrives as one message and can be hundreds of MB.
      const ws = new WebSocket(url, {
        perMessageDeflate: false,
        maxPayload: 1024 * 1024 * 1024,
        ...connectOptions(policy),
      });
      const timer = clock.setTimeout(() => {
        ws.terminate();
        reject(new Error(`no answer from ${url} within ${opts.timeoutMs ?? 5000} ms`));
      }, opts.timeoutMs ?? 5000);
      ws.once('open', () => {
        clock.clearTimeout(timer);
        resolve(new CdpSession(ws, clock));
      });
      ws.once('error', (e) => {
        clock.clearTimeout(timer);
        reject(refusalOf(e) ?? e);
      });
    });
  }

  send<T = unknown>(method: string, params: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`cannot send ${method}: the inspector connection is closed`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.ws.send(JSON.stringify({ id, method, params }), (err) => {
        if (err) this.settle(id, undefined, err);
      });
    });
  }

  close(): void {
    this.closed = true;
    this.ws.close();
    this.failAll(new Error('the inspector connection was closed'));
  }

  private onMessage(text: string): void {
    let msg: { id?: number; result?: unknown; error?: { message?: string } };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    if (typeof msg.id !== 'number') return;
    this.settle(msg.id, msg.result, msg.error ? new Error(msg.error.message ?? 'inspector error') : undefined);
  }

  private settle(id: number, result: unknown, err?: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    this.clock.clearTimeout(p.timer);
    if (err) p.reject(err);
    else p.resolve(result);
  }

  private failAll(e: Error): void {
    this.closed = true;
    for (const id of [...this.pending.keys()]) this.settle(id, undefined, e);
  }
}
