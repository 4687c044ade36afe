/**
 * The layer boundaries and the ignore list of `npm run lint`, checked with the project's own eslint
 * configuration: deliberate violations are written into each layer's folder and must be reported;
 * allowed imports must not be; whatever git ignores must not be linted or type-checked.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ESLint } from 'eslint';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..', '..', '..');
const PROBE = '__boundary_probe__.ts';
const BOUNDARY_RULES = new Set([
  'perflens/boundaries',
  'no-restricted-imports',
  '@typescript-eslint/no-restricted-imports',
  'no-restricted-globals',
]);

/** Each probe: its folder, and lines that must be reported (with a word the message must name) or must pass. */
interface Probe {
  folder: string;
  lines: { code: string; reports?: string }[];
}

const PROBES: Probe[] = [
  {
    folder: 'src/core',
    lines: [
      { code: "import * as vscode from 'vscode';", reports: 'vscode' },
      { code: "import type { ExtensionServices } from '../extension/services';", reports: 'src/extension' },
      { code: "import { main } from '../cli/main';", reports: 'src/cli' },
      { code: "import { el } from '../../webview/shared/dom';", reports: 'webview' },
      { code: "export { COMMANDS } from '../extension/constants';", reports: 'src/extension' },
      { code: "export const later = () => import('../cli/main');", reports: 'src/cli' },
      { code: "import type { Uri } from 'vscode';", reports: 'vscode' },
      { code: "import vsc = require('vscode');", reports: 'vscode' },
      { code: "export type Services = import('../extension/services').ExtensionServices;", reports: 'src/extension' },
      { code: "import { ok } from './util/result';" },
      { code: "import { readFileSync as read } from 'node:fs';" },
      { code: 'export { vscode, main, el, ok, read, vsc };' },
      { code: 'export type { ExtensionServices, Uri };' },
    ],
  },
  {
    folder: 'src/shared',
    lines: [
      { code: "import * as vscode from 'vscode';", reports: 'vscode' },
      { code: "import { readFileSync } from 'node:fs';", reports: 'node:fs' },
      { code: "import { join } from 'path';", reports: 'path' },
      { code: "import { createServices } from '../extension/services';", reports: 'src/extension' },
      { code: "import { main } from '../cli/main';", reports: 'src/cli' },
      { code: "import { el } from '../../webview/shared/dom';", reports: 'webview' },
      { code: "import type { Snapshot } from '../core/session/types';" },
      { code: 'export const title = () => document.title;', reports: 'document' },
      { code: 'export const env = () => process.env;', reports: 'process' },
      { code: 'export const now = () => Date.now() + Math.random();' },
      { code: 'export { vscode, readFileSync, join, createServices, main, el };' },
      { code: 'export type { Snapshot };' },
    ],
  },
  {
    folder: 'webview/dashboard',
    lines: [
      { code: "import * as vscode from 'vscode';", reports: 'vscode' },
      { code: "import { createHash } from 'crypto';", reports: 'crypto' },
      { code: "import { readFile } from 'node:fs/promises';", reports: 'node:fs/promises' },
      { code: "import { COMMANDS } from '../../src/extension/constants';", reports: 'src/extension' },
      { code: "import { main } from '../../src/cli/main';", reports: 'src/cli' },
      { code: "import type { DashboardData } from '../../src/shared/protocol/dashboard';" },
      { code: "import { formatMs } from '../../src/shared/format';" },
      { code: "import { el } from '../shared/dom';" },
      { code: 'export { vscode, createHash, readFile, COMMANDS, main, formatMs, el };' },
      { code: 'export type { DashboardData };' },
    ],
  },
  {
    folder: 'src/extension',
    lines: [
      { code: "import { main } from '../cli/main';", reports: 'src/cli' },
      { code: "import { renderCharts } from '../../webview/dashboard/charts';", reports: 'webview' },
      { code: "import type { DashboardData } from '../shared/protocol/dashboard';" },
      { code: "import { formatMs } from '../shared/format';" },
      { code: "import { ok } from '../core/util/result';" },
      { code: "import * as vscode from 'vscode';" },
      { code: 'export { main, renderCharts, formatMs, ok, vscode };' },
      { code: 'export type { DashboardData };' },
    ],
  },
  {
    folder: 'src/cli',
    lines: [
      { code: "import { COMMANDS } from '../extension/constants';", reports: 'src/extension' },
      { code: "import * as vscode from 'vscode';", reports: 'vscode' },
      { code: "import { el } from '../../webview/shared/dom';", reports: 'webview' },
      { code: "import { ok } from '../core/util/result';" },
      { code: "import { readFileSync } from 'node:fs';" },
      { code: 'export { COMMANDS, vscode, el, ok, readFileSync };' },
    ],
  },
];

describe('lint: layer boundaries (eslint.config.mjs)', function () {
  // Type-aware linting loads the whole TypeScript program: slow on a busy machine.
  this.timeout(600_000);
  let results: Map<string, ESLint.LintResult>;

  before(async () => {
    for (const p of PROBES) writeFileSync(join(ROOT, p.folder, PROBE), p.lines.map((l) => l.code).join('\n') + '\n');
    try {
      const eslint = new ESLint({ cwd: ROOT });
      const out = await eslint.lintFiles(PROBES.map((p) => join(p.folder, PROBE)));
      results = new Map(out.map((r) => [relative(ROOT, r.filePath).split('\\').join('/'), r]));
    } finally {
      for (const p of PROBES) rmSync(join(ROOT, p.folder, PROBE), { force: true });
    }
  });

  for (const p of PROBES) {
    it(`reports each forbidden import in ${p.folder} and lets the allowed ones through`, () => {
      const r = results.get(`${p.folder}/${PROBE}`);
      assert.ok(r, `eslint returned no result for ${p.folder}/${PROBE}`);
      const fatal = r.messages.filter((m) => m.fatal);
      assert.deepEqual(fatal, [], 'the probe must parse');
      const boundary = r.messages.filter((m) => m.ruleId !== null && BOUNDARY_RULES.has(m.ruleId));
      p.lines.forEach((l, i) => {
        const onLine = boundary.filter((m) => m.line === i + 1);
        if (l.reports === undefined) {
          assert.deepEqual(
            onLine.map((m) => m.message),
            [],
            `line ${i + 1} (${l.code}) is allowed in ${p.folder}`,
          );
        } else {
          assert.equal(
            onLine.length,
            1,
            `line ${i + 1} (${l.code}) must be reported once in ${p.folder}; got ${JSON.stringify(onLine.map((m) => m.message))}`,
          );
          assert.equal(onLine[0]!.severity, 2, 'a boundary violation is an error');
          assert.ok(
            onLine[0]!.message.includes(l.reports),
            `message for line ${i + 1} names ${l.reports}: ${onLine[0]!.message}`,
          );
        }
      });
    });
  }
});

/** Directory entries of .gitignore (node_modules aside: it may be a link to another checkout). */
function ignoredDirs(): string[] {
  return readFileSync(join(ROOT, '.gitignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.endsWith('/') && !l.startsWith('#') && !l.startsWith('!'))
    .map((l) => l.replace(/^\//, '').replace(/\/$/, ''))
    .filter((d) => d !== 'node_modules');
}

describe('lint: what git ignores is neither linted nor type-checked', function () {
  this.timeout(120_000);

  it('eslint ignores every folder .gitignore lists, at the root and (for unanchored entries) below it', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const dirs = ignoredDirs();
    assert.ok(dirs.includes('bench/.work'), '.gitignore lists bench/.work');
    for (const d of dirs) {
      assert.equal(
        await eslint.isPathIgnored(join(ROOT, d, 'case-1', 'generated.ts')),
        true,
        `${d}/ is ignored by eslint`,
      );
    }
    assert.equal(
      await eslint.isPathIgnored(join(ROOT, 'examples/demo-service/node_modules/pkg/index.ts')),
      true,
      'a nested node_modules is ignored',
    );
    assert.equal(await eslint.isPathIgnored(join(ROOT, 'examples/demo-service/dist/server.ts')), true);
    assert.equal(await eslint.isPathIgnored(join(ROOT, 'src/core/util/lifecycle.ts')), false, 'source is still linted');
    assert.equal(
      await eslint.isPathIgnored(join(ROOT, 'bench/cases/dashboard.bench.ts')),
      false,
      'bench cases are still linted',
    );
  });

  it('the TypeScript project (used by typecheck and type-aware lint) leaves out generated files in git-ignored folders', () => {
    const made: string[] = [];
    const probes: string[] = [];
    try {
      for (const d of ignoredDirs()) {
        const dir = join(ROOT, d);
        if (!existsSync(dir)) {
          mkdirSync(dir, { recursive: true });
          made.push(dir);
        }
        const file = join(dir, '__tsconfig_probe__.ts');
        writeFileSync(file, 'export const probe = 1;\n');
        probes.push(file);
      }
      const cfg = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (p) => ts.sys.readFile(p));
      assert.equal(cfg.error, undefined);
      const parsed = ts.parseJsonConfigFileContent(cfg.config, ts.sys, ROOT);
      const included = new Set(parsed.fileNames.map((f) => relative(ROOT, f).split('\\').join('/')));
      for (const f of probes)
        assert.equal(
          included.has(relative(ROOT, f).split('\\').join('/')),
          false,
          `${relative(ROOT, f)} is not part of the TypeScript project`,
        );
      assert.ok(included.has('src/core/util/lifecycle.ts'), 'source is still type-checked');
    } finally {
      for (const f of probes) rmSync(f, { force: true });
      for (const d of made.reverse()) rmSync(d, { recursive: true, force: true });
    }
  });
});
