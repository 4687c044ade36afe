import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RangeId } from '../../shared/protocol/dashboard';
import { isRangeId } from '../../shared/protocol/dashboard';
import { buildDashboardData } from '../panels/dashboardData';
import { reportHtml } from '../reports/reportHtml';
import type { ExtensionServices } from '../services';
import { targetId } from '../targets/targetRegistry';
import { targetIdArg } from './detach';

export interface ExportReportArgs {
  targetId?: string;
  range?: RangeId;
  /** Write here without asking (tests, scripts): `<file>.html` and `<file>.json`. */
  file?: string;
}

/**
 * PerfLens: Export Report — the dashboard's data for one target and range as a self-contained
 * HTML file (charts as inline SVG) and the same data as JSON beside it. Returns both paths.
 */
export async function exportReportCommand(
  services: Pick<ExtensionServices, 'registry' | 'monitor' | 'globalStorageUri' | 'log'>,
  arg?: unknown,
): Promise<{ html: string; json: string } | undefined> {
  const args: ExportReportArgs = typeof arg === 'object' && arg !== null ? (arg as ExportReportArgs) : {};
  const { registry, monitor } = services;
  const id = targetIdArg(args) ?? targetIdArg(arg) ?? (registry.current ? targetId(registry.current.spec) : undefined);
  if (!id) {
    void vscode.window.showInformationMessage('PerfLens has nothing to report: attach to a service first.');
    return undefined;
  }
  const range: RangeId = isRangeId(args.range) ? args.range : '1h';
  const now = Date.now();
  const label = registry.find(id)?.label ?? id;
  let base = typeof args.file === 'string' ? args.file.replace(/\.(html|json)$/i, '') : undefined;
  if (!base) {
    const stamp = new Date(now).toISOString().slice(0, 16).replace(/[:T]/g, '-');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(services.globalStorageUri.fsPath);
    const picked = await vscode.window.showSaveDialog({
      title: 'PerfLens: Export Report',
      defaultUri: vscode.Uri.joinPath(folder, `perflens-report-${label.replace(/[^\w.-]+/g, '_')}-${stamp}.html`),
      filters: { 'HTML report (JSON beside it)': ['html'] },
    });
    if (!picked) return undefined;
    base = picked.fsPath.replace(/\.html$/i, '');
  }
  const data = buildDashboardData({
    targetId: id,
    label,
    range,
    now,
    state: monitor.target(id),
    store: monitor.store,
    alertHistory: monitor.alertHistory(id, 500),
  });
  const html = `${base}.html`;
  const json = `${base}.json`;
  await fsp.mkdir(path.dirname(html), { recursive: true });
  await fsp.writeFile(html, reportHtml(data, now));
  await fsp.writeFile(json, JSON.stringify({ generatedAt: new Date(now).toISOString(), ...data }, null, 2));
  services.log.info(`report written: ${html} and ${json}`);
  if (typeof args.file !== 'string') {
    void vscode.window
      .showInformationMessage(`PerfLens report saved: ${path.basename(html)} (and .json).`, 'Open')
      .then((c) => {
        if (c) void vscode.env.openExternal(vscode.Uri.file(html));
      });
  }
  return { html, json };
}
