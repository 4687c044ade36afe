import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { HostToProfile, ProfileToHost } from '../../shared/protocol/profile';
import { assertNever } from '../../shared/assertNever';
import { checkProfileToHost } from '../../shared/protocol/profile';
import { VIEWS } from '../constants';
import type { ProfileState } from '../profileState';
import type { ExtensionServices } from '../services';
import { renderWebviewPage, webviewOptions } from './html';
import { inTestMode } from '../testMode';
import { diffViewData, profileViewData } from './profileData';

const PROFILE_BODY = `<main data-perflens-view="profile" data-state="loading">
  <header class="bar">
    <h1 id="title">PerfLens profile</h1>
    <span id="summary" class="muted"></span>
  </header>
  <section id="benchmark" class="benchmark" hidden></section>
  <section id="warnings" class="warnings" hidden></section>
  <section id="flame-section">
    <div class="bar">
      <label>Flame graph <select id="flame-mode"><option value="time">Time order</option><option value="left-heavy">Left heavy</option></select></label>
      <input id="search" type="search" placeholder="Search functions" aria-label="Search functions">
      <span id="flame-hint" class="muted">Click a frame to select its function, double-click to open its source.</span>
    </div>
    <canvas id="flame" height="10"></canvas>
    <div id="flame-tip" class="tip" hidden></div>
  </section>
  <section class="table-wrap">
    <table id="functions" class="functions">
      <thead><tr>
        <th data-sort="name">Function</th><th data-sort="calls" class="num">Calls</th><th data-sort="self" class="num">Self</th>
        <th data-sort="selfShare" class="num">Self %</th><th data-sort="total" class="num">Total</th><th data-sort="totalShare" class="num">Total %</th>
        <th data-sort="perCall" class="num">Per call</th><th>Location</th>
      </tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section id="diff-section" class="table-wrap" hidden>
    <table id="diff" class="functions">
      <thead><tr><th>Function</th><th class="num">Before self</th><th class="num">After self</th><th class="num">Δ self</th><th class="num">Before total</th><th class="num">After total</th><th class="num">p</th><th>Location</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <p id="empty" class="muted" hidden></p>
</main>`;

export interface ProfileViewTimings {
  /** Time the page took to render the last message (ms, measured in the webview). */
  lastRenderMs?: number;
  firstRow?: string;
  view?: 'profile' | 'diff';
}

/** The profile view: flame graph, top-functions table, diff, benchmark figures. One panel at a time. */
export class ProfilePanel {
  private static current: ProfilePanel | undefined;
  /** What the last page rendered, kept in test mode only (read by the integration suite). */
  static timings: ProfileViewTimings | undefined;
  private ready = false;
  private mode: 'profile' | 'diff' = 'profile';
  private focus: number | null = null;
  /** What the page shows now, so a focus change does not resend the whole profile. */
  private shownGeneration = -1;
  private shownView: 'profile' | 'diff' | 'empty' = 'empty';
  private readonly disposables: vscode.Disposable[] = [];

  static show(
    services: ExtensionServices,
    state: ProfileState,
    opts: { mode?: 'profile' | 'diff'; frame?: number; preserveFocus?: boolean } = {},
  ): ProfilePanel {
    let p = ProfilePanel.current;
    if (!p) {
      const panel = vscode.window.createWebviewPanel(
        VIEWS.profilePanel,
        'PerfLens Profile',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: opts.preserveFocus ?? false },
        { ...webviewOptions(services.context.extensionUri), retainContextWhenHidden: true },
      );
      p = ProfilePanel.current = new ProfilePanel(panel, services, state);
    } else {
      p.panel.reveal(undefined, opts.preserveFocus ?? false);
    }
    p.mode = opts.mode ?? (opts.frame !== undefined ? 'profile' : p.mode);
    p.focus = opts.frame ?? null;
    p.post(opts.frame !== undefined && p.mode === 'profile' ? 'focus' : 'all');
    return p;
  }

  static get isOpen(): boolean {
    return ProfilePanel.current !== undefined;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: ExtensionServices,
    private readonly state: ProfileState,
  ) {
    ProfilePanel.timings = inTestMode(services.context) ? {} : undefined;
    panel.iconPath = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'perflens.svg');
    panel.webview.html = renderWebviewPage(panel.webview, services.context.extensionUri, {
      title: 'PerfLens Profile',
      scripts: ['profile.js'],
      styles: ['profile.css'],
      body: PROFILE_BODY,
    });
    this.disposables.push(
      state.onDidChange(() => {
        if (this.mode === 'diff' && !state.comparison) this.mode = 'profile';
        this.post('all');
      }),
      panel.webview.onDidReceiveMessage((m: unknown) => {
        const checked = checkProfileToHost(m);
        if (checked.ok) this.receive(checked.message);
        else services.log.warn(`ignored a message: ${checked.reason}`);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private post(what: 'all' | 'focus'): void {
    if (!this.ready) return;
    if (what === 'focus' && this.focus !== null && this.state.current) {
      // The page already holds this profile: moving the selection is enough.
      if (this.shownGeneration === this.state.generation && this.shownView === 'profile')
        this.send({ type: 'focus', frame: this.focus });
      else this.sendProfile();
      return;
    }
    if (this.mode === 'diff' && this.state.comparison) {
      const c = this.state.comparison;
      this.send({ type: 'diff', data: diffViewData(c.diff, c.before.label, c.after.label) });
      this.shownView = 'diff';
    } else if (this.state.current) {
      this.sendProfile();
    } else {
      this.send({
        type: 'empty',
        message: 'No profile is loaded. Run PerfLens: Profile Service… or PerfLens: Import Profile….',
      });
      this.shownView = 'empty';
    }
  }

  private sendProfile(): void {
    const cur = this.state.current!;
    this.send({
      type: 'profile',
      data: profileViewData(cur.profile, { title: cur.label, warnings: cur.warnings, benchmark: cur.benchmark }),
      focus: this.focus,
    });
    this.shownGeneration = this.state.generation;
    this.shownView = 'profile';
  }

  private send(m: HostToProfile): void {
    void this.panel.webview.postMessage(m);
  }

  private receive(m: ProfileToHost): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.post('all');
        return;
      case 'openSource': {
        const f = this.state.current?.profile.frames[m.frame];
        if (f) void openSource(f.file, f.line);
        return;
      }
      case 'openDiffSource': {
        const c = this.state.comparison;
        if (!c) return;
        const row = diffViewData(c.diff, c.before.label, c.after.label).rows[m.row];
        if (row) void openSource(row.file, row.line);
        return;
      }
      case 'rendered':
        if (ProfilePanel.timings)
          Object.assign(ProfilePanel.timings, { lastRenderMs: m.renderMs, firstRow: m.firstRow, view: m.view });
        this.services.log.info(`profile view rendered (${m.view}) in ${m.renderMs.toFixed(1)} ms`);
        return;
      default:
        assertNever(m);
    }
  }

  private dispose(): void {
    if (ProfilePanel.current === this) ProfilePanel.current = undefined;
    this.disposables.forEach((d) => d.dispose());
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
