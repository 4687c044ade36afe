/**
 * redis-server and prometheus-redis-exporter (Debian's packages), each started on its own free
 * loopback port. PerfLens's cache numbers read through the exporter must match Redis's own INFO.
 */
import * as assert from 'node:assert/strict';
import type { AttachSession } from '../../src/core/session/session';
import { RedisConnection } from './helpers/redis';
import { freePort, requireBinary, startService, tempDir } from './helpers/services';
import type { ServiceProcess } from './helpers/services';
import { assertCount, attach } from './helpers/truth';

describe('real services: redis-server with prometheus-redis-exporter', function () {
  this.timeout(180_000);
  let redis: ServiceProcess | undefined;
  let exporter: ServiceProcess | undefined;
  let client: RedisConnection | undefined;
  let session: AttachSession | undefined;
  let exporterUrl = '';
  const dir = tempDir('perflens-redis-');

  before(async () => {
    const redisBin = requireBinary('redis-server', 'redis-server');
    const exporterBin = requireBinary('prometheus-redis-exporter', 'prometheus-redis-exporter');
    const redisPort = await freePort();
    // No persistence and its own directory: nothing is written outside the test's folder.
    redis = await startService(
      'redis-server',
      redisBin,
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir.dir],
      [redisPort],
    );
    const exporterPort = await freePort();
    exporter = await startService(
      'prometheus-redis-exporter',
      exporterBin,
      [`--redis.addr=redis://127.0.0.1:${redisPort}`, `--web.listen-address=127.0.0.1:${exporterPort}`],
      [exporterPort],
    );
    exporterUrl = `http://127.0.0.1:${exporterPort}`;
    client = await RedisConnection.connect(redisPort);
  });

  after(async () => {
    client?.close();
    await session?.stop();
    await exporter?.stop();
    await redis?.stop();
    dir.remove();
  });

  it('is recognised as a cache, and hits, misses and keys match Redis INFO', async () => {
    for (let i = 0; i < 25; i++) assert.equal(await client!.command('SET', `key:${i}`, `value ${i}`), 'OK');
    session = attach(exporterUrl);
    const first = await session.collectOnce();
    assert.deepEqual(
      first.errors.filter((e) => e.source === 'scrape'),
      [],
      'the first scrape succeeds',
    );
    const before = await client!.info();
    // 30 hits and 10 misses, a known 75% hit rate.
    for (let i = 0; i < 30; i++) assert.notEqual(await client!.command('GET', `key:${i % 25}`), null);
    for (let i = 0; i < 10; i++) assert.equal(await client!.command('GET', `missing:${i}`), null);
    const after = await client!.info();
    const second = await session.collectOnce();

    assert.equal(second.presets?.cacheHits, 'redis_keyspace_hits_total (redis)');
    const cache = second.caches?.find((c) => c.name === 'redis');
    assert.ok(cache, `a cache named redis in ${JSON.stringify(second.caches)}`);
    const hits = Number(after.get('keyspace_hits')) - Number(before.get('keyspace_hits'));
    const misses = Number(after.get('keyspace_misses')) - Number(before.get('keyspace_misses'));
    assert.deepEqual([hits, misses], [30, 10], 'Redis counted the GETs sent');
    const seconds = second.intervalSeconds!;
    assertCount(cache.hitsPerSec! * seconds, hits, 'hits in the interval');
    assertCount(cache.missesPerSec! * seconds, misses, 'misses in the interval');
    assertCount(cache.hitRate!, hits / (hits + misses), 'hit rate');
    const keys = Number(/keys=(\d+)/.exec(after.get('db0') ?? '')?.[1]);
    assert.equal(cache.size, keys, 'keys, as INFO keyspace says');
    assert.ok(cache.memoryBytes! > 0, 'memory used is read');
  });
});
