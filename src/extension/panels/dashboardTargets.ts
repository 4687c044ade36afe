import type { TargetView } from '../../shared/protocol/dashboard';
import type { TargetState } from '../live/liveMonitor';
import type { AttachedTarget } from '../targets/targetRegistry';
import { targetId } from '../targets/targetRegistry';

/** A target as the dashboard's target picker shows it; its probe goes to the page as recorded. */
export function targetView(t: AttachedTarget, state: TargetState | undefined): TargetView {
  return {
    id: targetId(t.spec),
    label: t.label,
    url:
      t.spec.kind === 'url' || t.spec.kind === 'port'
        ? t.spec.baseUrl
        : t.spec.kind === 'prometheus'
          ? t.spec.serverUrl
          : undefined,
    pid: t.spec.kind === 'pid' ? t.spec.pid : undefined,
    ...(t.spec.kind === 'prometheus' ? { prometheus: { serverUrl: t.spec.serverUrl, selector: t.spec.selector } } : {}),
    attachedAt: new Date(t.attachedAt).toISOString(),
    probe: t.probe
      ? {
          metrics: t.probe.metrics,
          health: t.probe.health,
          probedAt: new Date(t.probedAt ?? t.attachedAt).toISOString(),
        }
      : undefined,
    level: state?.health.level ?? 'unknown',
  };
}
