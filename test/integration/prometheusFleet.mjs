// For the integration suite's Prometheus tests: two demo-service instances (system Node, like the
// main demo) and a real prometheus on loopback scraping both every second. Started once per run,
// handed to the trusted pass through the environment, always stopped by the launcher.
import { tsImport } from 'tsx/esm/api';
import { startDemo } from './prepare.mjs';

export const FLEET_JOB = 'demo-fleet';

/** A server-side alert that fires at once for each instance that is up: the dashboard lists it. */
const RULES = `groups:
  - name: perflens-integration
    rules:
      - alert: FleetInstanceUp
        expr: up{job="${FLEET_JOB}"} == 1
        labels:
          severity: info
`;

export async function startPrometheusFleet() {
  const prom = await tsImport('../helpers/prometheusServer.ts', import.meta.url);
  const bin = prom.findPrometheusBinary();
  if (!bin) {
    throw new Error(
      "The prometheus binary is not installed, so the editor's Prometheus-server tests cannot run. " +
        'Install it with `node scripts/setup-prometheus.mjs` (as root; .ci/run does this), or point PERFLENS_PROMETHEUS_BIN at a Prometheus 2.x binary.',
    );
  }
  const stops = [];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
  };
  try {
    const instances = await Promise.all([startDemo(), startDemo()]);
    for (const d of instances) stops.push(() => d.stop());
    const server = await prom.startPrometheusServer(bin, {
      jobs: [{ job: FLEET_JOB, targets: instances.map((d) => `127.0.0.1:${d.port}`) }],
      intervalSeconds: 1,
      rules: RULES,
    });
    stops.push(() => server.stop());
    await server.waitForTargets(FLEET_JOB, instances.length, 20_000);
    return {
      url: server.url,
      env: {
        PERFLENS_IT_PROMETHEUS_URL: server.url,
        PERFLENS_IT_PROMETHEUS_JOB: FLEET_JOB,
        PERFLENS_IT_PROMETHEUS_INSTANCES: instances.map((d) => d.url).join(','),
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
