// The manifest (package.json) and the code must agree on every id, category and setting.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from '../../../src/core/version';
import { SETTING_ACCESSORS } from '../../../src/extension/config';
import {
  ALL_COMMAND_IDS,
  ALL_SETTING_IDS,
  COMMAND_CATEGORY,
  CONTEXT_KEYS,
  SETTINGS,
  STATUS_BAR_ID,
  TARGET_SETTINGS,
  VIEWS,
  WALKTHROUGH_ID,
} from '../../../src/extension/constants';
import { existsSync } from 'node:fs';

interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}
interface ContributedSetting {
  type: string;
  default: unknown;
  minimum?: number;
  maximum?: number;
  enum?: string[];
  scope?: string;
  markdownDescription?: string;
  description?: string;
}
interface Manifest {
  version: string;
  main: string;
  activationEvents: string[];
  engines: { vscode: string };
  devDependencies: Record<string, string>;
  capabilities: { untrustedWorkspaces: { restrictedConfigurations?: string[] } };
  contributes: {
    commands: ContributedCommand[];
    menus?: Record<string, { command: string; when?: string }[]>;
    configuration: { title: string; properties: Record<string, ContributedSetting> }[];
    viewsContainers?: { activitybar?: { id: string; icon: string }[] };
    views?: Record<string, { id: string }[]>;
    viewsWelcome?: { view: string; contents: string }[];
    walkthroughs?: { id: string; steps: { id: string; media: { markdown?: string } }[] }[];
  };
}

const root = join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
const contributedCommands = manifest.contributes.commands;
const sections = manifest.contributes.configuration;
const contributedSettings: Record<string, ContributedSetting> = Object.assign({}, ...sections.map((c) => c.properties));
// perflens.camelCase, with an optional camelCase group for settings shown in one section (perflens.alerts.quiet).
const ID_PATTERN = /^perflens(\.[a-z][a-zA-Z0-9]*){1,2}$/;

describe('extension manifest', () => {
  // COMMAND_HANDLERS (src/extension/commands/index.ts) is a Record over these ids, so the compiler
  // refuses a listed command without a handler; the integration suite checks registration live.
  it('contributes exactly the commands constants.ts lists', () => {
    assert.deepEqual(contributedCommands.map((c) => c.command).sort(), [...ALL_COMMAND_IDS].sort());
  });

  it('puts every command in the PerfLens category with a title', () => {
    for (const c of contributedCommands) {
      assert.equal(c.category, COMMAND_CATEGORY, `${c.command} category`);
      assert.ok(c.title.trim().length > 0, `${c.command} title`);
    }
  });

  // The activity-bar container id may not contain dots (VS Code's rule): it is plain `perflens`.
  it('uses perflens.camelCase for every id', () => {
    const ids = [
      ...ALL_COMMAND_IDS,
      ...ALL_SETTING_IDS,
      ...Object.values(CONTEXT_KEYS),
      ...Object.values(VIEWS).filter((v) => v !== VIEWS.container),
      STATUS_BAR_ID,
      ...Object.keys(contributedSettings),
    ];
    for (const id of ids) assert.match(id, ID_PATTERN);
  });

  it('hides Detach from the palette unless attached', () => {
    const entry = manifest.contributes.menus?.commandPalette?.find((m) => m.command === 'perflens.detach');
    assert.equal(entry?.when, CONTEXT_KEYS.attached);
  });

  it('contributes exactly the settings constants.ts lists, each with a typed accessor', () => {
    assert.deepEqual(Object.keys(contributedSettings).sort(), [...ALL_SETTING_IDS].sort());
    assert.deepEqual(
      Object.values(SETTING_ACCESSORS)
        .map((a) => a.id)
        .sort(),
      [...ALL_SETTING_IDS].sort(),
    );
  });

  it('gives each setting a description, and the same default in package.json and config.ts', () => {
    for (const accessor of Object.values(SETTING_ACCESSORS)) {
      const contributed = contributedSettings[accessor.id];
      assert.ok(contributed, accessor.id);
      assert.deepEqual(contributed.default, accessor.defaultValue, `${accessor.id} default`);
      assert.equal(contributed.type, typeof accessor.defaultValue, `${accessor.id} type`);
      assert.ok(
        (contributed.markdownDescription ?? contributed.description ?? '').length > 20,
        `${accessor.id} description`,
      );
    }
  });

  it('lets only the user (not a workspace) allow remote targets, and restricts autoAttach in untrusted workspaces', () => {
    const allowRemote = contributedSettings[SETTINGS.allowRemoteTargets];
    assert.ok(allowRemote, `${SETTINGS.allowRemoteTargets} is not contributed`);
    assert.ok(['machine', 'application'].includes(allowRemote.scope ?? ''));
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations ?? [];
    for (const id of TARGET_SETTINGS)
      assert.ok(restricted.includes(id), `${id} is not restricted in untrusted workspaces`);
  });

  it('groups settings in titled sections and keeps numeric ranges and enums in step with config.ts', () => {
    assert.deepEqual(
      sections.slice(0, 4).map((c) => c.title),
      ['Monitoring', 'Target and endpoints', 'Thresholds', 'Alerts'],
    );
    for (const c of sections)
      assert.ok(c.title && Object.keys(c.properties).length > 0, 'every section has a title and settings');
    for (const accessor of Object.values(SETTING_ACCESSORS) as {
      id: string;
      min?: number;
      max?: number;
      allowed?: readonly string[];
    }[]) {
      const c = contributedSettings[accessor.id]!;
      if (accessor.min !== undefined)
        assert.deepEqual([c.minimum, c.maximum], [accessor.min, accessor.max], `${accessor.id} range`);
      if (accessor.allowed) assert.deepEqual(c.enum, [...accessor.allowed], `${accessor.id} enum`);
    }
  });

  it('mirrors the seed configuration defaults', () => {
    const d = (id: string) => contributedSettings[id]?.default;
    assert.equal(d(SETTINGS.monitoringEnabled), true);
    assert.equal(d(SETTINGS.maxMemoryMb), 1024);
    assert.equal(d(SETTINGS.maxCpuPercent), 80);
    assert.equal(d(SETTINGS.retentionDays), 30);
    assert.deepEqual(
      [
        d(SETTINGS.alertsResponseTimeSeconds),
        d(SETTINGS.alertsErrorRate),
        d(SETTINGS.alertsMemoryUsage),
        d(SETTINGS.alertsCpuPercent),
      ],
      [1.0, 0.05, 0.8, 80],
    );
    assert.deepEqual(
      [d(SETTINGS.metricsPath), d(SETTINGS.healthPath), d(SETTINGS.statusPath)],
      ['/metrics', '/health', '/status'],
    );
  });

  it('contributes the PerfLens container with Services, Alerts and Findings first, welcome content, and a walkthrough whose media exist', () => {
    const container = manifest.contributes.viewsContainers?.activitybar?.find((c) => c.id === VIEWS.container);
    assert.ok(container && existsSync(join(root, container.icon)));
    assert.deepEqual(
      manifest.contributes.views?.[VIEWS.container]?.slice(0, 3).map((v) => v.id),
      [VIEWS.services, VIEWS.alerts, VIEWS.findings],
    );
    const welcome = manifest.contributes.viewsWelcome?.find((w) => w.view === VIEWS.services);
    assert.match(welcome?.contents ?? '', /\(command:perflens\.attach\)/);
    const walk = manifest.contributes.walkthroughs?.find((w) => w.id === WALKTHROUGH_ID);
    assert.deepEqual(
      walk?.steps.map((s) => s.id),
      ['attach', 'dashboard', 'profile', 'queries'],
    );
    for (const step of walk!.steps)
      assert.ok(step.media.markdown && existsSync(join(root, step.media.markdown)), `${step.id} media`);
  });

  it('hides commands that need a target unless attached', () => {
    for (const id of ['perflens.detach', 'perflens.diagnoseSlowResponses', 'perflens.exportReport']) {
      assert.equal(
        manifest.contributes.menus?.commandPalette?.find((m) => m.command === id)?.when,
        CONTEXT_KEYS.attached,
        id,
      );
    }
  });

  it('claims in engines.vscode the VS Code the integration tier runs (code-server 4.N bundles VS Code 1.N)', () => {
    const setup = readFileSync(join(__dirname, '..', '..', '..', 'scripts', 'setup-integration.mjs'), 'utf8');
    const codeServer = /CODE_SERVER_VERSION = '4\.(\d+)\.\d+'/.exec(setup)?.[1];
    assert.ok(codeServer, 'scripts/setup-integration.mjs names no CODE_SERVER_VERSION');
    assert.equal(
      manifest.engines.vscode,
      `^1.${codeServer}.0`,
      'engines.vscode must be the VS Code the integration tier tests on; change both together',
    );
  });

  it('keeps package.json version equal to src/core/version.ts', () => {
    assert.equal(manifest.version, VERSION);
  });

  it('types against no newer API than engines.vscode claims, and activates after startup', () => {
    const engine = /^\^1\.(\d+)\.\d+$/.exec(manifest.engines.vscode)?.[1];
    assert.ok(engine, `engines.vscode is ${manifest.engines.vscode}, expected ^1.N.0`);
    const typesVscode = manifest.devDependencies['@types/vscode'];
    assert.ok(typesVscode, '@types/vscode is not a devDependency');
    const types = /^1\.(\d+)\./.exec(typesVscode)?.[1];
    assert.ok(
      types !== undefined && Number(types) <= Number(engine),
      `@types/vscode ${typesVscode} is newer than engines.vscode`,
    );
    // The status bar must show from the start, but never at the cost of slowing VS Code's start-up.
    assert.ok(manifest.activationEvents.includes('onStartupFinished'));
    assert.ok(!manifest.activationEvents.includes('*'), 'activationEvents must not contain "*"');
    assert.equal(manifest.main, './dist/extension.js');
  });
});
