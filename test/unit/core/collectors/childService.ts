/** A real child process serving HTTP on 127.0.0.1 (a stand-in service for pid/port tests). */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

export interface ChildService {
  pid: number;
  port: number;
  child: ChildProcess;
  /** Kills the process and resolves once it has exited. */
  stop(): Promise<void>;
}

const SCRIPT = `
const http = require('node:http');
let n = 0;
const server = http.createServer((req, res) => {
  n++;
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
  res.end('# TYPE http_requests_total counter\\nhttp_requests_total{method="GET",route="/",status="200"} ' + n + '\\n');
});
server.listen(Number(process.argv[1]), '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export function startChildService(port = 0): Promise<ChildService> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', SCRIPT, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) {
        child.removeAllListeners('exit');
        resolve({
          pid: child.pid!,
          port: Number(out.trim()),
          child,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGKILL');
            }),
        });
      }
    });
  });
}
