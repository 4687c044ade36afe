import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { COMMANDS } from '../../../src/extension/constants';
import { perflens, waitFor } from './liveSupport';

const VIEWS_PY = [
  'from flask import Flask',
  '',
  'app = Flask(__name__)',
  '',
  "@app.get('/cart')",
  'def cart():',
  '    return []',
];

describe('Traces: route lens at the handler the spans name', () => {
  let file: string | undefined;
  after(() => {
    if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it("puts the route's CodeLens at the code.* location of its handler span, in a Python file", async function () {
    this.timeout(120_000);
    const api = await perflens();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'the suite runs with a workspace folder');
    file = path.join(folder, 'shop', 'views.py');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, VIEWS_PY.join('\n') + '\n');

    // The real OpenTelemetry SDK sends what a Python service's instrumentation would: a server span
    // for the route, the handler's span under it with the older code.* names and a relative path.
    const endpoint = await api.tracing.endpoint();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'shop' }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }))],
    });
    const tracer = provider.getTracer('it');
    for (let i = 0; i < 3; i++) {
      const root = tracer.startSpan('GET /cart', {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': 'GET', 'http.route': '/cart', 'http.response.status_code': 200 },
      });
      tracer
        .startSpan(
          'cart',
          {
            kind: SpanKind.INTERNAL,
            attributes: { 'code.function': 'cart', 'code.filepath': 'shop/views.py', 'code.lineno': 6 },
          },
          trace.setSpan(context.active(), root),
        )
        .end();
      root.end();
    }
    await provider.forceFlush();
    await provider.shutdown();

    const route = await waitFor('the route with its handler location', async () => {
      const report = await api.tracing.refresh();
      return report?.routes.find((r) => r.route === 'GET /cart' && r.location);
    });
    assert.deepEqual(route.location, { file: 'shop/views.py', line: 6, function: 'cart' });
    await vscode.window.showTextDocument(vscode.Uri.file(file));
    const lens = await waitFor('the route lens at the handler', async () =>
      (
        (await vscode.commands.executeCommand<vscode.CodeLens[]>(
          'vscode.executeCodeLensProvider',
          vscode.Uri.file(file!),
        )) ?? []
      ).find((l) => l.command?.command === COMMANDS.showTrace),
    );
    assert.equal(lens.range.start.line, 5, 'on `def cart():`, line 6 of the file');
    assert.match(lens.command!.title, /^p95 .* · 3 req/);
    assert.deepEqual(lens.command!.arguments, [{ route: 'GET /cart' }]);
  });
});
