import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { HostToProfile, ProfileToHost } from '../../shared/protocol/profile';
import { assertNever } from '../../shared/assertNever';
import { checkProfileToHost } from '../../shared/protocol/profile';
import { COMMANDS, VIEWS } from '../constants';
import type { ProfileState } from '../profileState';
import { diffViewData, profileViewData } from './profileData';
import type { WebviewPanelDependencies } from './webviewPanel';
import { createWebviewPanel, panelStyles, WebviewPanelHost } from './webviewPanel';

export interface ProfileViewTimings {
  /** Time the page took to render the last message (ms, measured in the webview). */
  lastRenderMs?: number;
  firstRow?: string;
  view?: 'profile' | 'diff';
}

/** What the host keeps about the page: profile or diff, the focused frame, and what the page holds now. */
interface ProfilePanelState {
  mode: 'profile' | 'diff';
  focus: number | null;
  /** What the page shows now, so a focus change does not resend the whole profile. */
  shownGeneration: number;
  shownView: 'profile' | 'diff' | 'empty';
}

/** The profile view: flame graph, top-functions table, diff, benchmark figures. One panel at a time. */
export class ProfilePanel extends WebviewPanelHost<HostToProfile, ProfileToHost, ProfilePanelState> {
  private static current: ProfilePanel | undefined;
  /** What the last page rendered, kept in test mode only (read by the integration suite). */
  static timings: ProfileViewTimings | undefined;
  private ready = false;

  static show(
    deps: WebviewPanelDependencies,
    profiles: ProfileState,
    opts: { mode?: 'profile' | 'diff'; frame?: number; preserveFocus?: boolean } = {},
  ): ProfilePanel {
    let p = ProfilePanel.current;
    if (!p) {
      const panel = createWebviewPanel(
        VIEWS.profilePanel,
        'PerfLens Profile',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: opts.preserveFocus ?? false },
        deps.extensionUri,
        { retainContextWhenHidden: true },
      );
      p = ProfilePanel.current = new ProfilePanel(panel, deps, profiles);
    } else {
      p.panel.reveal(undefined, opts.preserveFocus ?? false);
    }
    p.state.mode = opts.mode ?? (opts.frame !== undefined ? 'profile' : p.state.mode);
    p.state.focus = opts.frame ?? null;
    p.send(opts.frame !== undefined && p.state.mode === 'profile' ? 'focus' : 'all');
    return p;
  }

  static get isOpen(): boolean {
    return ProfilePanel.current !== undefined;
  }

  private constructor(
    panel: vscode.WebviewPanel,
    deps: WebviewPanelDependencies,
    private readonly profiles: ProfileState,
  ) {
    super(
      panel,
      deps,
      {
        page: 'profile',
        title: 'PerfLens Profile',
        script: 'profile.js',
        styles: panelStyles('profile.css'),
        check: checkProfileToHost,
      },
      { mode: 'profile', focus: null, shownGeneration: -1, shownView: 'empty' },
    );
    ProfilePanel.timings = deps.testMode ? {} : undefined;
    this.store.add(
      profiles.onDidChange(() => {
        if (this.state.mode === 'diff' && !profiles.comparison) this.state.mode = 'profile';
        this.send('all');
      }),
    );
  }

  /** Sends what the page should show: everything, or (when the page already holds the profile) the focus. */
  private send(what: 'all' | 'focus'): void {
    if (!this.ready) return;
    const { state, profiles } = this;
    if (what === 'focus' && state.focus !== null && profiles.current) {
      // The page already holds this profile: moving the selection is enough.
      if (state.shownGeneration === profiles.generation && state.shownView === 'profile')
        this.post({ type: 'focus', frame: state.focus });
      else this.sendProfile();
      return;
    }
    if (state.mode === 'diff' && profiles.comparison) {
      const c = profiles.comparison;
      this.post({ type: 'diff', data: diffViewData(c.diff, c.before.label, c.after.label) });
      state.shownView = 'diff';
    } else if (profiles.current) {
      this.sendProfile();
    } else {
      this.post({
        type: 'empty',
        message: 'No profile is loaded. Run PerfLens: Profile Service… or PerfLens: Import Profile….',
      });
      state.shownView = 'empty';
    }
  }

  private sendProfile(): void {
    const cur = this.profiles.current!;
    this.post({
      type: 'profile',
      data: profileViewData(cur.profile, {
        title: cur.label,
        warnings: cur.warnings,
        benchmark: cur.benchmark,
        sampleTypes: cur.sampleTypes,
      }),
      focus: this.state.focus,
    });
    this.state.shownGeneration = this.profiles.generation;
    this.state.shownView = 'profile';
  }

  protected async onMessage(m: ProfileToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.send('all');
        return;
      case 'openSource': {
        const f = this.profiles.current?.profile.frames[m.frame];
        if (f) await openSource(f.file, f.line);
        return;
      }
      case 'openDiffSource': {
        const c = this.profiles.comparison;
        if (!c) return;
        const row = diffViewData(c.diff, c.before.label, c.after.label).rows[m.row];
        if (row) await openSource(row.file, row.line);
        return;
      }
      case 'sampleType': {
        // Only a type the loaded file offers: the page is not trusted to name a file or a type.
        const cur = this.profiles.current;
        if (!cur?.sampleTypes?.includes(m.sampleType) || m.sampleType === cur.profile.sampleType?.type) return;
        await vscode.commands.executeCommand(COMMANDS.importProfile, { file: cur.source, sampleType: m.sampleType });
        return;
      }
      case 'rendered':
        if (ProfilePanel.timings)
          Object.assign(ProfilePanel.timings, { lastRenderMs: m.renderMs, firstRow: m.firstRow, view: m.view });
        this.deps.log.info(`profile view rendered (${m.view}) in ${m.renderMs.toFixed(1)} ms`);
        return;
      default:
        assertNever(m);
    }
  }

  override dispose(): void {
    if (ProfilePanel.current === this) ProfilePanel.current = undefined;
    super.dispose();
  }
}

/** Opens a profile's source file at a 1-based line; only files that exist on disk are opened. */
export async function openSource(file: string, line: number): Promise<void> {
  if (!file || !fs.existsSync(file)) {
    void vscode.window.showInformationMessage(
      `PerfLens: the source of this function is not on this machine${file ? ` (${file})` : ''}.`,
    );
    return;
  }
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  const pos = new vscode.Position(Math.max(0, line - 1), 0);
  await vscode.window.showTextDocument(doc, {
    selection: new vscode.Range(pos, pos),
    viewColumn: vscode.ViewColumn.One,
  });
}
