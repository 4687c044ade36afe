import type { RangeId } from '../../shared/protocol/dashboard';
import { isRangeId } from '../../shared/protocol/dashboard';
import type { ExtensionServices } from '../services';
import { targetIdArg } from './detach';

/** PerfLens: Show Dashboard — opens (or reveals) the dashboard, optionally on a target (id or tree item) and range. */
export async function showDashboardCommand(services: ExtensionServices, arg?: unknown, range?: unknown): Promise<void> {
  const { DashboardPanel } = await import('../panels/dashboardPanel');
  const r: RangeId | undefined = isRangeId(range) ? range : undefined;
  DashboardPanel.show(services, { targetId: targetIdArg(arg), range: r });
}
