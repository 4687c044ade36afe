import * as assert from 'node:assert/strict';
import { PageMessageGate } from '../../../../src/extension/panels/pageMessages';
import type { DashboardToHost } from '../../../../src/shared/protocol/dashboard';
import { checkDashboardToHost } from '../../../../src/shared/protocol/dashboard';
import type { ProfileToHost } from '../../../../src/shared/protocol/profile';
import { checkProfileToHost } from '../../../../src/shared/protocol/profile';

/** An output log that keeps its lines. */
function memoryLog() {
  const lines: { level: 'warn' | 'error'; text: string }[] = [];
  return {
    lines,
    warn: (text: string) => lines.push({ level: 'warn', text }),
    error: (text: string) => lines.push({ level: 'error', text }),
  };
}

describe('page message gate (where a webview page’s messages enter the host)', () => {
  it('hands only checked messages on, and logs each kind of refusal once, at warn, with its reason', async () => {
    const log = memoryLog();
    const seen: DashboardToHost[] = [];
    const gate = new PageMessageGate('dashboard', checkDashboardToHost, log, (m) => void seen.push(m));
    for (let i = 0; i < 50; i++) {
      await gate.receive({ type: 'eval', code: `alert(${i})` });
      await gate.receive({ type: 'select', targetId: 'x', range: '2y' });
      await gate.receive(null);
    }
    await gate.receive({ type: 'select', targetId: 'x', range: '1h', extra: 1 });
    assert.deepEqual(seen, [{ type: 'select', targetId: 'x', range: '1h' }]);
    assert.deepEqual(
      log.lines.map((l) => l.level),
      ['warn', 'warn', 'warn'],
    );
    assert.match(log.lines[0]!.text, /unknown type "eval".*\(unknown-type\)/);
    assert.match(
      log.lines[1]!.text,
      /malformed "select" message: range must be one of 15m, 1h, 24h, 30d.*\(malformed:select\)/,
    );
    assert.match(log.lines[2]!.text, /not a message object.*\(not-an-object\)/);
  });

  it('keeps a failing handler out of VS Code: a throw or a rejection is logged at error, and later messages still arrive', async () => {
    const log = memoryLog();
    const seen: number[] = [];
    const gate = new PageMessageGate<ProfileToHost>('profile', checkProfileToHost, log, async (m) => {
      if (m.type !== 'openSource') return;
      if (m.frame === 1) throw new Error('no such frame');
      if (m.frame === 2) return Promise.reject(new Error('the editor refused'));
      seen.push(m.frame);
    });
    await gate.receive({ type: 'openSource', frame: 1 });
    await gate.receive({ type: 'openSource', frame: 2 });
    await gate.receive({ type: 'openSource', frame: 3 });
    assert.deepEqual(seen, [3]);
    assert.deepEqual(
      log.lines.map((l) => `${l.level}: ${l.text}`),
      [
        `error: the profile panel could not act on the page's "openSource" message: no such frame`,
        `error: the profile panel could not act on the page's "openSource" message: the editor refused`,
      ],
    );
  });
});
