import type { RangeId } from '../../shared/protocol/dashboard';
import { isRangeId } from '../../shared/protocol/dashboard';
import type { DashboardPanelDependencies } from '../panels/dashboardPanel';
import type { ExtensionServices } from '../services';
import { inTestMode } from '../testMode';
import { targetIdArg } from './detach';

/** What opening the dashboard reads from the shared services. */
export type DashboardPanelServices = Pick<
  ExtensionServices,
  'extensionUri' | 'extensionMode' | 'log' | 'registry' | 'monitor' | 'settings' | 'attachDependencies'
>;

/** What the dashboard panel uses, and nothing else. */
export function dashboardPanelDependencies(services: DashboardPanelServices): DashboardPanelDependencies {
  return {
    extensionUri: services.extensionUri,
    testMode: inTestMode(services),
    log: services.log,
    registry: services.registry,
    monitor: services.monitor,
    collectionIntervalMs: () => services.settings().collectionIntervalSeconds * 1000,
    attachDependencies: () => services.attachDependencies(),
  };
}

/** PerfLens: Show Dashboard — opens (or reveals) the dashboard, optionally on a target (id or tree item) and range. */
export async function showDashboardCommand(
  services: DashboardPanelServices,
  arg?: unknown,
  range?: unknown,
): Promise<void> {
  const { DashboardPanel } = await import('../panels/dashboardPanel');
  const r: RangeId | undefined = isRangeId(range) ? range : undefined;
  DashboardPanel.show(dashboardPanelDependencies(services), { targetId: targetIdArg(arg), range: r });
}
