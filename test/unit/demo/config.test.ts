import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ConfigError, parseConfig } from '../../../examples/demo-service/src/config';

const DIST = '/srv/demo/dist';

describe('demo service config (flags and env)', () => {
  it('defaults to the seed settings and a database beside the service', () => {
    const c = parseConfig([], {}, DIST);
    assert.deepEqual(
      { ...c },
      {
        host: '127.0.0.1',
        port: 3100,
        poolSize: 5,
        poolTimeoutMs: 30_000,
        cacheSize: 1000,
        cacheTtlSeconds: 300,
        latencyMs: 0,
        errorRate: 0,
        hot: true,
        leak: false,
        dbPath: path.resolve('/srv/demo/data/graphrag.db'),
        exitOnStdinClose: false,
        traffic: true,
      },
    );
  });

  it('reads env vars, and flags override them', () => {
    const env = {
      PORT: '4000',
      DB_POOL_SIZE: '2',
      CACHE_MAX_SIZE: '10',
      CACHE_TTL: '5',
      DEMO_LATENCY_MS: '20',
      DEMO_ERROR_RATE: '0.25',
      DEMO_HOT: 'false',
      DB_POOL_TIMEOUT: '2',
    };
    const fromEnv = parseConfig([], env, DIST);
    assert.deepEqual(
      [
        fromEnv.port,
        fromEnv.poolSize,
        fromEnv.cacheSize,
        fromEnv.cacheTtlSeconds,
        fromEnv.latencyMs,
        fromEnv.errorRate,
        fromEnv.hot,
        fromEnv.poolTimeoutMs,
      ],
      [4000, 2, 10, 5, 20, 0.25, false, 2000],
    );
    const c = parseConfig(['--port', '0', '--pool-size=7', '--hot', '--db', 'x/y.db', '--inspect'], env, DIST);
    assert.deepEqual(
      [c.port, c.poolSize, c.hot, c.dbPath, c.inspect],
      [0, 7, true, path.resolve('x/y.db'), '127.0.0.1:9229'],
    );
    assert.equal(parseConfig(['--inspect=9333', '--port', '1'], {}, DIST).inspect, '9333');
  });

  it('sends itself background traffic unless --traffic=false or DEMO_TRAFFIC=false', () => {
    assert.equal(parseConfig([], {}, DIST).traffic, true);
    assert.equal(parseConfig(['--traffic=false'], {}, DIST).traffic, false);
    assert.equal(parseConfig([], { DEMO_TRAFFIC: 'off' }, DIST).traffic, false);
    assert.equal(parseConfig(['--traffic'], { DEMO_TRAFFIC: 'off' }, DIST).traffic, true);
  });

  it('rejects bad values with a message naming the option', () => {
    assert.throws(
      () => parseConfig(['--error-rate', '1.5'], {}, DIST),
      (e: Error) => e instanceof ConfigError && /--error-rate/.test(e.message),
    );
    assert.throws(() => parseConfig([], { PORT: 'abc' }, DIST), /PORT/);
    assert.throws(() => parseConfig(['--pool-size', '0'], {}, DIST), /at least 1/);
    assert.throws(() => parseConfig(['--frobnicate'], {}, DIST), /Unknown option --frobnicate/);
    assert.throws(() => parseConfig(['--port'], {}, DIST), /needs a value/);
  });
});
