import * as vscode from 'vscode';
import { Disposable, Emitter } from '../../core/util/lifecycle';
import { COMMANDS } from '../constants';
import type { ProfileState } from '../profileState';
import type { PerfLensSettings } from '../config';
import { fileKey, hotSpotUnit, lensTitle, lensWorthy } from './hotSpots';

/**
 * "🔥 23.4% self · 41.2% total" above each hot function of the loaded profile; clicking opens the
 * profile view at that function. Lenses are computed once per document version and profile.
 */
export class HotCodeLensProvider extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this._register(new Emitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly cache = new Map<string, { key: string; lenses: vscode.CodeLens[] }>();
  /** How many times lenses were computed rather than served from the cache (read by the integration suite). */
  computations = 0;

  constructor(
    private readonly state: ProfileState,
    private readonly settings: () => PerfLensSettings,
  ) {
    super();
    this._register(state.onDidChange(() => this.refresh()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('perflens.codeLens')) this.refresh();
      }),
    );
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString())));
  }

  private refresh(): void {
    this.cache.clear();
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const settings = this.settings();
    if (!settings.codeLensEnabled || !this.state.current || doc.uri.scheme !== 'file') return [];
    const key = `${doc.version}:${this.state.generation}:${settings.codeLensMinSelfPercent}`;
    const cached = this.cache.get(doc.uri.toString());
    if (cached?.key === key) return cached.lenses;
    this.computations++;
    const unit = hotSpotUnit(this.state.current.profile);
    const spots = lensWorthy(this.state.hotSpots().get(fileKey(doc.uri.fsPath)), settings.codeLensMinSelfPercent / 100);
    const lenses = spots
      .filter((h) => h.line - 1 < doc.lineCount)
      .map((h) => {
        const line = doc.lineAt(h.line - 1);
        const range = new vscode.Range(
          line.lineNumber,
          line.firstNonWhitespaceCharacterIndex,
          line.lineNumber,
          line.firstNonWhitespaceCharacterIndex,
        );
        return new vscode.CodeLens(range, {
          title: lensTitle(h, unit),
          tooltip: `${h.name}: open it in the profile view`,
          command: COMMANDS.showProfile,
          arguments: [{ frame: h.frame }],
        });
      });
    this.cache.set(doc.uri.toString(), { key, lenses });
    return lenses;
  }
}
