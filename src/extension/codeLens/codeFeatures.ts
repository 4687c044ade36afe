import type * as vscode from 'vscode';
import type { QueryDiagnostics } from '../diagnostics/queryDiagnostics';
import type { ProfileState } from '../profileState';
import type { ExtensionServices } from '../services';
import type { HotCodeLensProvider } from './hotCodeLens';
import type { LineHeatDecorator } from './lineHeat';

/** The "at the code" features (profile, CodeLens, line heat, query diagnostics) the commands act on. */
export interface CodeFeatures {
  readonly state: ProfileState;
  readonly lenses: HotCodeLensProvider;
  readonly lineHeat: LineHeatDecorator;
  readonly queries: QueryDiagnostics;
}

const byServices = new WeakMap<ExtensionServices, CodeFeatures>();

export function setCodeFeatures(services: ExtensionServices, features: CodeFeatures): vscode.Disposable {
  byServices.set(services, features);
  return { dispose: () => byServices.delete(services) };
}

export function codeFeatures(services: ExtensionServices): CodeFeatures {
  const f = byServices.get(services);
  if (!f) throw new Error('PerfLens code features are not registered (activation incomplete).');
  return f;
}
