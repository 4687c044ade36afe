import type { QueryDiagnostics } from '../diagnostics/queryDiagnostics';
import type { ProfileState } from '../profileState';
import type { HotCodeLensProvider } from './hotCodeLens';
import type { LineHeatDecorator } from './lineHeat';

/**
 * The "at the code" features (profile, CodeLens, line heat, query diagnostics) the commands act on;
 * built before the shared services and handed out by them as `code`.
 */
export interface CodeFeatures {
  readonly state: ProfileState;
  readonly lenses: HotCodeLensProvider;
  readonly lineHeat: LineHeatDecorator;
  readonly queries: QueryDiagnostics;
}
