// Lint: TypeScript rules plus the layering of ARCHITECTURE (README "How it is built").
// A file outside every named layer is itself an error (boundaries/no-unknown-files).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';

const LAYERS = ['contract', 'core', 'protocols', 'engine', 'renderer', 'web', 'cli', 'electron', 'tests', 'bench', 'build'];
const WIRE = ['@xmpp/*', 'irc-framework', 'ltx', 'socks'];

const may = (from, to) => ({ from: { element: { type: from } }, allow: { to: { element: { types: { anyOf: to } } } } });
const noModules = (fromTypes, modules) => ({
  from: { element: { types: { anyOf: fromTypes } } },
  disallow: { to: { module: { origin: 'external', source: modules } } },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tsbuild/**', 'screenshots/**', 'tests/lint/planted/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs,cjs}'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] } },
      'boundaries/include': LAYERS.concat('misc__planted').map((l) => `${l}/**/*.{ts,tsx,js,mjs,cjs}`),
      'boundaries/elements': [
        ...LAYERS.map((type) => ({ type, pattern: `${type}/**`, partialMatch: false })),
      ],
    },
    rules: {
      'boundaries/no-unknown-files': 'error',
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          checkAllOrigins: true,
          policies: [
            may('contract', ['contract']),
            may('core', ['core', 'contract']),
            may('protocols', ['protocols', 'core']),
            may('engine', ['engine', 'core', 'protocols', 'contract']),
            may('renderer', ['renderer', 'contract']),
            may('web', ['web', 'contract', 'core', 'engine']),
            may('cli', ['cli', 'contract', 'core', 'engine']),
            may('electron', ['electron', 'contract', 'core', 'engine']),
            may('tests', LAYERS),
            may('bench', LAYERS),
            may('build', ['build']),
            // external packages are allowed by default …
            { allow: { to: { module: { origin: 'external' } } } },
            { allow: { to: { module: { origin: 'core' } } } },
            // … except where a layer must not reach
            noModules(['contract', 'core', 'protocols', 'engine'], ['electron', 'react', 'react-dom', 'zustand']),
            noModules(['renderer'], ['electron', 'better-sqlite3-multiple-ciphers', 'ws', ...WIRE]),
            noModules(['contract', 'core', 'engine', 'renderer', 'web', 'cli', 'electron'], WIRE),
          ],
        },
      ],
      'no-undef': 'off', // TypeScript checks this
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // the renderer runs in a browser sandbox: no Node built-ins
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'path', 'child_process', 'os', 'net', 'tls'], message: 'renderer/ talks only to the contract' }] }],
    },
  },
);
