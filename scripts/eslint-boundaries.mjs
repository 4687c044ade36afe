// Import boundaries between the code's layers, checked by eslint (see eslint.config.mjs).
//
// `perflens/boundaries` resolves every relative import of a file against the file's folder and
// reports one that lands in a forbidden folder, a forbidden package (`vscode`) or, where
// `builtins` is set, a Node built-in module. Resolving the path (rather than matching the import
// text) means `../../extension/x` is judged by where it points, whatever the depth.
import { isBuiltin } from 'node:module';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/** Folder of `file` relative to `root`, with forward slashes. */
function rel(root, file) {
  return relative(root, file).split(sep).join('/');
}

function inside(path, folder) {
  return path === folder || path.startsWith(folder + '/');
}

/** The string of an import-like node, and the node to report on; undefined for anything else. */
function sourceOf(node) {
  switch (node.type) {
    case 'ImportDeclaration':
    case 'ExportAllDeclaration':
    case 'ExportNamedDeclaration':
    case 'ImportExpression':
      return node.source && node.source.type === 'Literal' && typeof node.source.value === 'string'
        ? node.source
        : undefined;
    case 'TSImportEqualsDeclaration':
      return node.moduleReference.type === 'TSExternalModuleReference' ? node.moduleReference.expression : undefined;
    case 'TSImportType': {
      const arg = node.argument?.type === 'TSLiteralType' ? node.argument.literal : node.argument;
      return arg && arg.type === 'Literal' && typeof arg.value === 'string' ? arg : undefined;
    }
    default:
      return undefined;
  }
}

const boundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps each layer (core, shared, extension, CLI, webview) to the imports it may use.' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          layer: { type: 'string' },
          folders: { type: 'array', items: { type: 'string' } },
          modules: { type: 'array', items: { type: 'string' } },
          builtins: { type: 'boolean' },
        },
        required: ['root', 'layer'],
        additionalProperties: false,
      },
    ],
    messages: {
      folder: '{{layer}} must not import from {{folder}} ("{{source}}"): {{why}}',
      module: '{{layer}} must not import "{{source}}": {{why}}',
      builtin: '{{layer}} must not import the Node built-in "{{source}}": {{why}}',
    },
  },
  create(context) {
    const { root, layer, folders = [], modules = [], builtins = false } = context.options[0];
    const why = WHY[layer] ?? 'see ARCHITECTURE.md.';
    const dir = dirname(context.filename);
    function check(node) {
      const lit = sourceOf(node);
      if (!lit) return;
      const source = lit.value;
      if (source.startsWith('.') || isAbsolute(source)) {
        const target = rel(root, resolve(dir, source));
        const folder = folders.find((f) => inside(target, f));
        if (folder) context.report({ node: lit, messageId: 'folder', data: { layer, folder, source, why } });
        return;
      }
      const bare = source.split('/')[0];
      if (modules.includes(source) || modules.includes(bare))
        context.report({ node: lit, messageId: 'module', data: { layer, source, why } });
      else if (builtins && isBuiltin(source))
        context.report({ node: lit, messageId: 'builtin', data: { layer, source, why } });
    }
    return {
      ImportDeclaration: check,
      ExportAllDeclaration: check,
      ExportNamedDeclaration: check,
      ImportExpression: check,
      TSImportEqualsDeclaration: check,
      TSImportType: check,
    };
  },
};

const WHY = {
  'src/core': 'the engine stays free of the editor, the terminal and the browser so every face can use it.',
  'src/shared':
    'types and pure functions shared by the extension host and the webviews run in both, so no editor, Node or layer-specific code.',
  webview: 'webview code runs in the browser and talks to the host only through the protocol in src/shared.',
  'src/extension':
    'the extension and the CLI are separate faces of the engine; shared code lives in src/core or src/shared.',
  'src/cli': 'the CLI and the extension are separate faces of the engine; shared code lives in src/core or src/shared.',
};

export const plugin = { rules: { boundaries } };

/**
 * One flat-config block per layer. Each layer lists the folders and packages it must not import;
 * everything else (src/core, src/shared, its own folder, npm packages) is allowed.
 */
export function boundaryConfigs(root) {
  const layers = [
    { layer: 'src/core', folders: ['src/extension', 'src/cli', 'webview'], modules: ['vscode'] },
    { layer: 'src/shared', folders: ['src/extension', 'src/cli', 'webview'], modules: ['vscode'], builtins: true },
    { layer: 'webview', folders: ['src/extension', 'src/cli'], modules: ['vscode'], builtins: true },
    { layer: 'src/extension', folders: ['src/cli', 'webview'] },
    { layer: 'src/cli', folders: ['src/extension', 'webview'], modules: ['vscode'] },
  ];
  const configs = layers.map((l) => ({
    files: [`${l.layer}/**/*.ts`],
    plugins: { perflens: plugin },
    rules: { 'perflens/boundaries': ['error', { root, ...l }] },
  }));
  // src/shared runs in the extension host (Node) and in webviews (browser): neither side's globals.
  const why = 'src/shared runs in both the extension host and the webviews; pass it in instead.';
  const hostGlobals = [
    'window',
    'document',
    'navigator',
    'localStorage',
    'sessionStorage',
    'location',
    'HTMLElement',
    'acquireVsCodeApi',
    'process',
    'Buffer',
    'require',
    '__dirname',
    '__filename',
    'global',
  ];
  configs.push({
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...hostGlobals.map((name) => ({ name, message: `${name} is not available on both sides: ${why}` })),
      ],
    },
  });
  return configs;
}
