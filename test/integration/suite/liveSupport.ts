/**
 * Shared by the live, dashboard and alerts suites: the activated extension's API, settings for
 * fast collection, load on the demo service, a service whose labels and check names are HTML,
 * and a webhook receiver. Everything binds 127.0.0.1 on a free port and is stopped by the caller.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { httpRequest } from '../../../src/core/util/http';
import { EXTENSION_ID } from '../../../src/extension/constants';
import type { PerfLensApi } from '../../../src/extension/extension';

export const HOSTILE = `<img src=x onerror="document.querySelector('main').dataset.pwned='yes'">`;

export async function perflens(): Promise<PerfLensApi> {
  const ext = vscode.extensions.getExtension<PerfLensApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

export function demoServiceUrl(): string {
  const url = process.env.PERFLENS_IT_DEMO_URL;
  assert.ok(url, 'PERFLENS_IT_DEMO_URL is not set: run the suite through npm run test:integration');
  return url;
}

/** Polls `read` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  read: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sets PerfLens user settings; returns a function that puts the previous values back. */
export async function configure(values: Record<string, unknown>): Promise<() => Promise<void>> {
  const cfg = vscode.workspace.getConfiguration('perflens');
  const before = Object.fromEntries(Object.keys(values).map((k) => [k, cfg.inspect(k)?.globalValue]));
  for (const [k, v] of Object.entries(values)) await cfg.update(k, v, vscode.ConfigurationTarget.Global);
  return async () => {
    const c = vscode.workspace.getConfiguration('perflens');
    for (const [k, v] of Object.entries(before)) await c.update(k, v, vscode.ConfigurationTarget.Global);
  };
}

/** Steady requests to the demo's routes (workspaces, cached entities, a little CPU-hot centrality). */
export function startTraffic(baseUrl: string): { stop(): Promise<void> } {
  let running = true;
  let i = 0;
  const loop = (async () => {
    while (running) {
      const n = i++;
      const path =
        n % 10 === 9
          ? '/api/graph/centrality?workspace_id=1&iterations=50'
          : n % 2 === 0
            ? `/api/graph/entities?workspace_id=${1 + (n % 4)}&limit=20`
            : '/api/workspaces';
      await httpRequest(`${baseUrl}${path}`, { timeoutMs: 5000 });
      await new Promise((r) => setTimeout(r, 15));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

export async function setDemoFaults(
  baseUrl: string,
  faults: { errorRate?: number; latencyMs?: number; leak?: boolean },
): Promise<void> {
  const r = await httpRequest(`${baseUrl}/admin/faults`, {
    method: 'POST',
    body: JSON.stringify(faults),
    headers: { 'content-type': 'application/json' },
    timeoutMs: 5000,
  });
  assert.ok(r.ok && r.value.status === 200, `setting faults failed: ${r.ok ? r.value.status : r.error.message}`);
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A service whose route label and health-check name are HTML: PerfLens must show them as text. */
export async function startHostileService(): Promise<{ url: string; stop(): Promise<void> }> {
  let requests = 0;
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const server = http.createServer((req, res) => {
    if (req.url === '/metrics') {
      requests += 25;
      const label = `method="GET",route="${esc(HOSTILE)}",status="200"`;
      const body = [
        '# TYPE http_requests_total counter',
        `http_requests_total{${label}} ${requests}`,
        '# TYPE http_request_duration_seconds histogram',
        ...[0.01, 0.05, 0.1, 0.5, 1].map(
          (le, i) =>
            `http_request_duration_seconds_bucket{method="GET",route="${esc(HOSTILE)}",le="${le}"} ${Math.round(requests * (0.5 + i * 0.1))}`,
        ),
        `http_request_duration_seconds_bucket{method="GET",route="${esc(HOSTILE)}",le="+Inf"} ${requests}`,
        `http_request_duration_seconds_sum{method="GET",route="${esc(HOSTILE)}"} ${requests * 0.02}`,
        `http_request_duration_seconds_count{method="GET",route="${esc(HOSTILE)}"} ${requests}`,
        '',
      ].join('\n');
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
    } else if (req.url === '/health') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'degraded', checks: { [HOSTILE]: { status: 'degraded', message: HOSTILE } } }));
    } else {
      res.writeHead(404).end();
    }
  });
  const url = await listen(server);
  return { url, stop: () => close(server) };
}

/** Records the JSON bodies posted to it (the alert webhook). */
export async function startWebhookReceiver(): Promise<{
  url: string;
  bodies: { text: string }[];
  stop(): Promise<void>;
}> {
  const bodies: { text: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(body) as { text: string });
      res.end('ok');
    });
  });
  const url = `${await listen(server)}/hooks/perflens`;
  return { url, bodies, stop: () => close(server) };
}

export function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
