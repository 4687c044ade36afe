import * as assert from 'node:assert/strict';
import { AlertEngine } from '../../../../../src/core/analyzers/alerts/engine';
import { defaultAlertRules } from '../../../../../src/core/analyzers/alerts/rules';
import { StoreAlertHistory } from '../../../../../src/core/analyzers/alerts/storeHistory';
import type { AlertEvent } from '../../../../../src/core/analyzers/alerts/types';
import type { HistoryStore } from '../../../../../src/core/store';
import { openHistoryStore } from '../../../../../src/core/store';
import { ManualClock } from '../../../../../src/core/util/clock';
import { simulate } from '../simulate';

const T0 = Date.UTC(2026, 0, 1);

describe('alerts: history in the store', () => {
  let store: HistoryStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('records firing and resolved events in alert_events and reads them back unchanged', async () => {
    const clock = new ManualClock(T0);
    const opened = await openHistoryStore({ clock });
    assert.ok(opened.ok);
    store = opened.value;
    const history = new StoreAlertHistory(store, 'sim');
    const engine = new AlertEngine(
      defaultAlertRules({}, { forMs: 10_000, keepFiringForMs: 0 }).filter((r) => r.id === 'errorRate'),
      { history },
    );
    const events: AlertEvent[] = [];
    engine.onEvent((e) => events.push(e));
    simulate({
      clock,
      intervalMs: 5000,
      count: 12,
      make: (i) => ({ http: { requestRate: 10, errorRate: i >= 2 && i < 7 ? 0.2 : 0, routes: [] } }),
      onSnapshot: (s) => engine.evaluate(s),
    });
    await engine.flush();
    assert.deepEqual(
      events.map((e) => e.type),
      ['firing', 'resolved'],
    );
    assert.deepEqual(history.list(), events);
    assert.deepEqual(history.list({ since: events[1]!.at }), [events[1]]);
    const rows = store.alertHistory({ targetId: 'sim' });
    assert.deepEqual(
      rows.map((r) => [r.rule, r.state, r.severity]),
      [
        ['errorRate', 'resolved', 'critical'],
        ['errorRate', 'firing', 'critical'],
      ],
    );
    assert.deepEqual(new StoreAlertHistory(store, 'other').list(), []);
  });
});
