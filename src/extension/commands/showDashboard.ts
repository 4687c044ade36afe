import type { ExtensionServices } from '../services';

/** PerfLens: Show Dashboard — opens (or reveals) the dashboard panel; its code loads on first use. */
export async function showDashboardCommand(services: ExtensionServices): Promise<void> {
  const { DashboardPanel } = await import('../panels/dashboardPanel');
  DashboardPanel.show(services);
}
