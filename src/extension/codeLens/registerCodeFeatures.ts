import * as vscode from 'vscode';
import { bindProfileFileOffer } from '../commands/importProfileOffer';
import { planDocumentProvider } from '../commands/queryFixes';
import { QueryCodeActions } from '../diagnostics/queryCodeActions';
import { QueryDiagnostics } from '../diagnostics/queryDiagnostics';
import type { ProfileViewTimings } from '../panels/profilePanel';
import { ProfilePanel } from '../panels/profilePanel';
import { ProfileState } from '../profileState';
import type { ExtensionServices } from '../services';
import { createHotFunctionsView } from '../views/hotFunctions';
import { createSlowQueriesView, type SpanRuntimeSource } from '../views/slowQueries';
import type { CodeFeatures } from './codeFeatures';
import { HotCodeLensProvider } from './hotCodeLens';
import type { HeatLine } from './lineHeat';
import { LineHeatDecorator } from './lineHeat';

/** What the integration suite reads of the code features (through PerfLensApi.code). */
export interface CodeFeaturesApi {
  /** The loaded profile's label, or undefined. */
  profileLabel(): string | undefined;
  /** Lines the line-heat decorations are set on in a visible editor of this document. */
  lineHeat(uri: vscode.Uri): HeatLine[];
  /** What the profile view last rendered (measured in the webview). */
  profileView(): ProfileViewTimings;
  /** How many times CodeLenses were computed (not served from the per-version cache). */
  codeLensComputations(): number;
  /** The last Profile Service's recording and loading times (ms). */
  profileTimings(): { captureMs: number; loadMs: number } | undefined;
}

/** What the code features read: the settings, the log and the secrets (they are built before the other services). */
export type CodeFeatureServices = Pick<ExtensionServices, 'settings' | 'log' | 'secrets'>;

/**
 * Wires the "at the code" features: profile state, CodeLens, line heat, slow-query diagnostics and
 * Quick Fixes, the Hot Functions and Slow Queries views, and the offer to load opened profile files.
 * Cheap: nothing is computed until a profile is loaded or queries are analysed.
 */
export function registerCodeFeatures(
  services: CodeFeatureServices,
  /** Statement runtimes from received spans, shown in the Slow Queries view where they exist. */
  spanRuntime?: SpanRuntimeSource,
): {
  features: CodeFeatures;
  disposables: vscode.Disposable[];
  api: CodeFeaturesApi;
} {
  const state = new ProfileState();
  const lenses = new HotCodeLensProvider(state, services.settings);
  const lineHeat = new LineHeatDecorator(state, services.settings);
  const queries = new QueryDiagnostics(services);
  const disposables = [
    state,
    lenses,
    lineHeat,
    queries,
    vscode.languages.registerCodeLensProvider({ scheme: 'file' }, lenses),
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new QueryCodeActions(queries), {
      providedCodeActionKinds: QueryCodeActions.kinds,
    }),
    createHotFunctionsView(state),
    createSlowQueriesView(queries, spanRuntime),
    bindProfileFileOffer(),
    planDocumentProvider(),
  ];
  return {
    features: { state, lenses, lineHeat, queries },
    disposables,
    api: {
      profileLabel: () => state.current?.label,
      lineHeat: (uri) => lineHeat.decoratedLines(uri),
      profileView: () => ({ ...ProfilePanel.timings }),
      profileTimings: () => state.lastTimings,
      codeLensComputations: () => lenses.computations,
    },
  };
}
