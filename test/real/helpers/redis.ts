/** A minimal Redis client (RESP over one loopback socket, one command at a time) for the tests. */
import * as net from 'node:net';

export type Reply = string | number | null | Reply[];

export class RedisConnection {
  private buffer = Buffer.alloc(0);
  private waiting?: { resolve(r: Reply): void; reject(e: Error): void };

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    socket.on('error', (e) => this.waiting?.reject(e));
  }

  static connect(port: number): Promise<RedisConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(new RedisConnection(socket)));
      socket.once('error', reject);
    });
  }

  command(...args: string[]): Promise<Reply> {
    if (this.waiting) throw new Error('one command at a time');
    const wire = `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(wire);
    });
  }

  /** INFO as a map of its fields (`db0` stays "keys=…,expires=…"). */
  async info(): Promise<Map<string, string>> {
    const text = (await this.command('INFO')) as string;
    const out = new Map<string, string>();
    for (const line of text.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0 && !line.startsWith('#')) out.set(line.slice(0, i), line.slice(i + 1));
    }
    return out;
  }

  close(): void {
    this.socket.destroy();
  }

  private drain(): void {
    if (!this.waiting) return;
    const parsed = parse(this.buffer, 0);
    if (!parsed) return;
    this.buffer = this.buffer.subarray(parsed.end);
    const w = this.waiting;
    this.waiting = undefined;
    if (parsed.error) w.reject(new Error(parsed.error));
    else w.resolve(parsed.value);
  }
}

function parse(buf: Buffer, at: number): { value: Reply; end: number; error?: string } | undefined {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const kind = String.fromCharCode(buf[at]!);
  const head = buf.toString('utf8', at + 1, eol);
  if (kind === '+') return { value: head, end: eol + 2 };
  if (kind === '-') return { value: null, end: eol + 2, error: head };
  if (kind === ':') return { value: Number(head), end: eol + 2 };
  if (kind === '$') {
    const n = Number(head);
    if (n < 0) return { value: null, end: eol + 2 };
    if (buf.length < eol + 2 + n + 2) return undefined;
    return { value: buf.toString('utf8', eol + 2, eol + 2 + n), end: eol + 2 + n + 2 };
  }
  if (kind === '*') {
    const n = Number(head);
    const items: Reply[] = [];
    let pos = eol + 2;
    for (let i = 0; i < n; i++) {
      const item = parse(buf, pos);
      if (!item) return undefined;
      items.push(item.value);
      pos = item.end;
    }
    return { value: items, end: pos };
  }
  return { value: null, end: eol + 2, error: `unexpected reply type ${kind}` };
}
