// Flat config: typescript-eslint with type information for the promise rules, layer boundaries
// (scripts/eslint-boundaries.mjs), and nothing that git ignores.
import js from '@eslint/js';
import { readFileSync } from 'node:fs';
import tseslint from 'typescript-eslint';
import { boundaryConfigs } from './scripts/eslint-boundaries.mjs';

const root = import.meta.dirname;

/**
 * .gitignore's entries as flat-config ignore globs, so generated trees (bench/.work, dist, .cache…)
 * are never linted. An entry without an inner slash matches at any depth, as it does for git.
 */
function gitignoreGlobs() {
  const globs = [];
  for (const raw of readFileSync(new URL('./.gitignore', import.meta.url), 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    let p = negated ? line.slice(1) : line;
    const dirOnly = p.endsWith('/');
    p = p.replace(/\/+$/, '');
    const anchored = p.startsWith('/') || p.includes('/');
    p = p.replace(/^\//, '');
    const glob = anchored ? p : `**/${p}`;
    const forms = dirOnly ? [`${glob}/`] : [glob, `${glob}/`];
    globs.push(...forms.map((g) => (negated ? `!${g}` : g)));
  }
  return globs;
}

export default tseslint.config(
  { ignores: [...gitignoreGlobs(), 'test/fixtures/**', '**/*.mjs', '**/*.js', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Which layer may import which (ARCHITECTURE.md): webview -> src/shared -> src/core, extension and
  // CLI -> src/shared and src/core; extension and CLI never import each other or the webview.
  ...boundaryConfigs(root),
);
