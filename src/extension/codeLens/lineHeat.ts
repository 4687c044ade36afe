import * as vscode from 'vscode';
import { Disposable } from '../../core/util/lifecycle';
import type { ProfileState } from '../profileState';
import type { PerfLensSettings } from '../config';
import type { HeatLevel } from './hotSpots';
import { fileKey, heatLevel } from './hotSpots';
import { formatShare } from '../../shared/format';

const LEVEL_COLORS = [
  '',
  'perflens.lineHeatLowBackground',
  'perflens.lineHeatMediumBackground',
  'perflens.lineHeatHighBackground',
] as const;
/** Gutter bar width in px per level (1–3): the bar says "how hot" even where backgrounds are subtle. */
const BAR_WIDTH = [0, 2, 4, 7] as const;

function gutterBar(level: 1 | 2 | 3): vscode.Uri {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="8" height="16"><rect x="0" y="0" width="${BAR_WIDTH[level]}" height="16" fill="#ff5a1f"/></svg>`;
  return vscode.Uri.parse(`data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`);
}

export interface HeatLine {
  /** 0-based line. */
  line: number;
  level: HeatLevel;
  share: number;
}

/**
 * Line heat: a gutter bar and a background on each line of the loaded profile by its share of
 * self time (theme colors perflens.lineHeat*), on visible editors only, while the setting is on.
 * Ranges are computed once per document version and profile.
 */
export class LineHeatDecorator extends Disposable {
  private readonly types: vscode.TextEditorDecorationType[];
  private readonly cache = new Map<string, { key: string; lines: HeatLine[] }>();
  private readonly applied = new Map<string, HeatLine[]>();

  constructor(
    private readonly state: ProfileState,
    private readonly settings: () => PerfLensSettings,
  ) {
    super();
    // Registered first, disposed last: the listeners go before the decoration types they use.
    this.types = ([1, 2, 3] as const).map((level) =>
      this._register(
        vscode.window.createTextEditorDecorationType({
          isWholeLine: true,
          backgroundColor: new vscode.ThemeColor(LEVEL_COLORS[level]),
          gutterIconPath: gutterBar(level),
          gutterIconSize: 'contain',
          overviewRulerColor: level >= 2 ? new vscode.ThemeColor('perflens.lineHeatOverviewRuler') : undefined,
          overviewRulerLane: vscode.OverviewRulerLane.Right,
        }),
      ),
    );
    this._register(
      state.onDidChange(() => {
        this.cache.clear();
        this.refresh();
      }),
    );
    this._register(vscode.window.onDidChangeVisibleTextEditors(() => this.refresh()));
    this._register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.applied.has(e.document.uri.toString())) this.refresh();
      }),
    );
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString())));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('perflens.lineHeat')) this.refresh();
      }),
    );
    this.refresh();
  }

  get enabled(): boolean {
    return this.settings().lineHeatEnabled;
  }

  /** The lines currently decorated in a document (what the integration suite reads). */
  decoratedLines(uri: vscode.Uri): HeatLine[] {
    return [...(this.applied.get(uri.toString()) ?? [])];
  }

  /** The heat of a document's lines (0-based), from the cache when neither it nor the profile changed. */
  linesFor(doc: vscode.TextDocument): HeatLine[] {
    if (!this.state.current || doc.uri.scheme !== 'file') return [];
    const key = `${doc.version}:${this.state.generation}`;
    const cached = this.cache.get(doc.uri.toString());
    if (cached?.key === key) return cached.lines;
    const heat = this.state.hotSpots().get(fileKey(doc.uri.fsPath));
    const lines: HeatLine[] = [];
    for (const [line, share] of heat?.lines ?? []) {
      const level = heatLevel(share);
      if (level > 0 && line - 1 < doc.lineCount) lines.push({ line: line - 1, level, share });
    }
    lines.sort((a, b) => a.line - b.line);
    this.cache.set(doc.uri.toString(), { key, lines });
    return lines;
  }

  refresh(): void {
    const on = this.enabled;
    this.applied.clear();
    for (const editor of vscode.window.visibleTextEditors) {
      const lines = on ? this.linesFor(editor.document) : [];
      this.types.forEach((type, i) => {
        const level = i + 1;
        const ranges = lines
          .filter((l) => l.level === level)
          .map((l) => ({
            range: new vscode.Range(l.line, 0, l.line, 0),
            hoverMessage: `PerfLens: ${formatShare(l.share)} of the profile's self time is spent on this line`,
          }));
        editor.setDecorations(type, ranges);
      });
      if (lines.length) this.applied.set(editor.document.uri.toString(), lines);
    }
  }
}
