/**
 * deriv() and predict_linear() against a real Prometheus on the same points. The points come from
 * a subquery over an expression of time(), so Prometheus needs no ingested data: at step-aligned
 * timestamps t the value is f(t), and we compute f(t) at the same timestamps.
 */
import * as assert from 'node:assert/strict';
import type { PrometheusServerHandle } from '../../../helpers/prometheusServer';
import { requirePrometheus, startPrometheusServer } from '../../../helpers/prometheusServer';
import type { Point } from '../../../../src/core/util/stats';
import { promDeriv, promPredictLinear } from '../../../../src/core/util/stats';
import { httpRequest } from '../../../../src/core/util/http';

const EXPR = 'vector((time() % 97) * 3 + (time() % 13) - (time() % 7) * 5)';
const f = (sec: number) => (sec % 97) * 3 + (sec % 13) - (sec % 7) * 5;

/** Step-aligned samples of f inside [evalSec - rangeSec, evalSec], as a Prometheus subquery takes them. */
function subqueryPoints(evalSec: number, rangeSec: number, stepSec: number): Point[] {
  const pts: Point[] = [];
  for (let t = Math.ceil((evalSec - rangeSec) / stepSec) * stepSec; t <= evalSec; t += stepSec)
    pts.push({ t: t * 1000, v: f(t) });
  return pts;
}

describe('stats: deriv / predict_linear agree with a real Prometheus', function () {
  this.timeout(60_000);
  let prom: PrometheusServerHandle | undefined;
  before(async function () {
    const bin = requirePrometheus();
    prom = await startPrometheusServer(bin, { jobs: [] });
  });
  after(async () => {
    await prom?.stop();
  });

  async function query<T>(q: string, evalSec: number): Promise<T> {
    const url = `${prom!.url}/api/v1/query?query=${encodeURIComponent(q)}&time=${evalSec}`;
    const r = await httpRequest(url, { timeoutMs: 10_000 });
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    const body = JSON.parse(r.value.body.toString()) as { status: string; data: { result: T[] } };
    assert.equal(body.status, 'success', JSON.stringify(body));
    assert.equal(body.data.result.length, 1, JSON.stringify(body));
    return body.data.result[0]!;
  }

  const instant = async (q: string, evalSec: number) =>
    Number((await query<{ value: [number, string] }>(q, evalSec)).value[1]);

  /** The points Prometheus itself selects for the subquery, checked against our reconstruction. */
  async function pointsFromPrometheus(range: number, step: number, evalSec: number): Promise<Point[]> {
    const m = await query<{ values: [number, string][] }>(`(${EXPR})[${range}s:${step}s]`, evalSec);
    const pts = m.values.map(([t, v]) => ({ t: t * 1000, v: Number(v) }));
    assert.deepEqual(pts, subqueryPoints(evalSec, range, step));
    return pts;
  }

  // Evaluation times off the step grid, so the range boundary never lands on a sample and
  // Prometheus 2 (closed ranges) and 3 (left-open) select the same points.
  const evals = [1_767_225_605, 1_767_226_123, 1_767_230_007];
  for (const [range, step] of [
    [60, 10],
    [600, 15],
    [3600, 60],
  ] as const) {
    it(`deriv over [${range}s:${step}s]`, async () => {
      for (const T of evals) {
        const pts = await pointsFromPrometheus(range, step, T);
        const ours = promDeriv(pts)!;
        const theirs = await instant(`deriv((${EXPR})[${range}s:${step}s])`, T);
        assert.ok(
          Math.abs(ours - theirs) <= 1e-9 * Math.max(1, Math.abs(theirs)),
          `T=${T}: ours ${ours}, Prometheus ${theirs}`,
        );
        assert.notEqual(theirs, 0);
      }
    });

    it(`predict_linear over [${range}s:${step}s], 1 h ahead`, async () => {
      for (const T of evals) {
        const pts = await pointsFromPrometheus(range, step, T);
        const ours = promPredictLinear(pts, T * 1000, 3600)!;
        const theirs = await instant(`predict_linear((${EXPR})[${range}s:${step}s], 3600)`, T);
        assert.ok(
          Math.abs(ours - theirs) <= 1e-9 * Math.max(1, Math.abs(theirs)),
          `T=${T}: ours ${ours}, Prometheus ${theirs}`,
        );
        assert.notEqual(theirs, 0);
      }
    });
  }
});
