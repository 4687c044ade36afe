import * as assert from 'node:assert/strict';
import { tracedLaunch } from '../../../../src/core/traces/launch';

const endpoint = 'http://127.0.0.1:4318';

describe('traced launch', () => {
  it('points the standard OTEL_* variables at the receiver and preloads the Node bootstrap', () => {
    const l = tracedLaunch(
      ['node', 'server.js'],
      { NODE_OPTIONS: '--max-old-space-size=512', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://elsewhere' },
      {
        endpoint,
        nodeBootstrap: '/opt/my tools/otel-bootstrap.js',
      },
    );
    assert.equal(l.command, 'node');
    assert.deepEqual(l.args, ['server.js']);
    assert.equal(l.env.OTEL_EXPORTER_OTLP_ENDPOINT, endpoint);
    assert.equal(l.env.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
    assert.equal(l.env.OTEL_SERVICE_NAME, 'node');
    assert.equal(l.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, undefined);
    assert.equal(l.env.NODE_OPTIONS, '--max-old-space-size=512 --require "/opt/my tools/otel-bootstrap.js"');
  });

  it('keeps a service name the user set', () => {
    const l = tracedLaunch(['npm', 'start'], { OTEL_SERVICE_NAME: 'orders' }, { endpoint });
    assert.equal(l.env.OTEL_SERVICE_NAME, 'orders');
  });

  it('wraps Python in opentelemetry-instrument when it is on PATH, and says how to install it when not', () => {
    const found = tracedLaunch(
      ['python3', 'app.py'],
      {},
      { endpoint, which: () => '/usr/bin/opentelemetry-instrument' },
    );
    assert.equal(found.command, '/usr/bin/opentelemetry-instrument');
    assert.deepEqual(found.args, ['python3', 'app.py']);
    const missing = tracedLaunch(['python3', 'app.py'], {}, { endpoint, which: () => undefined });
    assert.equal(missing.command, 'python3');
    assert.ok(missing.notes.some((n) => /pip install opentelemetry-distro/.test(n)));
  });

  it('gives a JVM the agent through JAVA_TOOL_OPTIONS', () => {
    const l = tracedLaunch(
      ['java', '-jar', 'app.jar'],
      { JAVA_TOOL_OPTIONS: '-Xmx1g' },
      { endpoint, javaAgent: '/x/otel.jar' },
    );
    assert.equal(l.env.JAVA_TOOL_OPTIONS, '-Xmx1g -javaagent:/x/otel.jar');
  });
});
