/**
 * What one GET of the demo's `/metrics` costs this process in CPU, by HTTP client, back to back
 * and spaced out as a session's requests are: `npx tsx bench/httpClientCpu.ts [gapMs] [rounds]`
 * (default 700 ms, 25 rounds). It starts the demo service, then times, in turns, `httpRequest`
 * (Node's http client as PerfLens used it for every request), a bare `http.get` with a keep-alive
 * agent, the session's client (`KeptHttp`, src/core/util/keptHttp.ts) and the same request
 * written as raw bytes on a kept socket (no parsing at all), its answer read as Node hands it over
 * (a new buffer for each read) and into one reused buffer (net's `onread`, as KeptHttp reads: the
 * floor). Each figure is the median
 * of this process's CPU time (`process.cpuUsage()`, user + system) per request. bench/README.md
 * (session) says why the spaced figure is the one that counts.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { httpRequest } from '../src/core/util/http';
import { KeptHttp } from '../src/core/util/keptHttp';
import { startDemoService } from '../test/helpers/demoService';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A GET as raw bytes, and the end of the demo's (chunked) answer: its last chunk. */
const rawGet = (url: URL) => `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`;
const LAST_CHUNK = '0\r\n\r\n';

function rawClient(url: URL): () => Promise<void> {
  let socket: net.Socket | undefined;
  return () =>
    new Promise<void>((resolve) => {
      socket ??= net.connect(Number(url.port), url.hostname);
      const s = socket;
      // The demo answers chunked: its last chunk ends the response.
      const onData = (b: Buffer) => {
        if (b.includes(LAST_CHUNK)) {
          s.off('data', onData);
          resolve();
        }
      };
      s.on('data', onData);
      s.write(rawGet(url));
    });
}

/** The same, read into one buffer reused for every read (no buffer made per read). */
function rawOneBufferClient(url: URL): () => Promise<void> {
  let socket: net.Socket | undefined;
  let done: (() => void) | undefined;
  const buffer = Buffer.allocUnsafe(64 * 1024);
  const last = Buffer.from(LAST_CHUNK);
  const onRead = (n: number): boolean => {
    if (n >= last.length && last.compare(buffer, n - last.length, n) === 0) {
      const resolve = done;
      done = undefined;
      resolve?.();
    }
    return true;
  };
  return () =>
    new Promise<void>((resolve) => {
      done = resolve;
      socket ??= net.connect({ port: Number(url.port), host: url.hostname, onread: { buffer, callback: onRead } });
      socket.write(rawGet(url));
    });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

async function main(): Promise<void> {
  const gapMs = Number(process.argv[2] ?? 700);
  const rounds = Number(process.argv[3] ?? 25);
  const demo = await startDemoService();
  const url = `${demo.url}/metrics`;
  const agent = new http.Agent({ keepAlive: true });
  const kept = new KeptHttp();
  const clients: [string, () => Promise<unknown>][] = [
    ['httpRequest (Node http)', () => httpRequest(url)],
    [
      'http.get, keep-alive agent',
      () => new Promise((r) => http.get(url, { agent }, (res) => res.resume().on('end', r))),
    ],
    ['KeptHttp (session)', () => kept.request(url)],
    ['raw bytes, kept socket', rawClient(new URL(url))],
    ['raw bytes, one read buffer', rawOneBufferClient(new URL(url))],
  ];
  try {
    for (const [, get] of clients) for (let i = 0; i < 300; i++) await get();
    for (const gap of [0, gapMs]) {
      const n = gap === 0 ? 300 : rounds;
      const cpu = new Map<string, number[]>(clients.map(([name]) => [name, []]));
      for (let i = 0; i < n; i++) {
        for (const [name, get] of clients) {
          if (gap > 0) await sleep(gap);
          const c0 = process.cpuUsage();
          await get();
          const c = process.cpuUsage(c0);
          cpu.get(name)!.push((c.user + c.system) / 1000);
        }
      }
      console.log(gap === 0 ? `back to back (${n} each):` : `${gap} ms apart (${n} each):`);
      for (const [name, xs] of cpu)
        console.log(`  ${name.padEnd(28)} ${median(xs).toFixed(3)} ms CPU per GET (median)`);
    }
  } finally {
    kept.close();
    agent.destroy();
    await demo.stop();
  }
  process.exit(0);
}

void main();
