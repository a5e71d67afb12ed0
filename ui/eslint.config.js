import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

// Only src/lib/api talks to Tauri. Everything else goes through the feature state classes,
// which receive the command object by injection (see src/lib/app/services.ts).
const transportBoundary = {
  patterns: [
    {
      group: ['@tauri-apps/api', '@tauri-apps/api/*', '@tauri-apps/*'],
      message: 'Only src/lib/api may import @tauri-apps; use $lib/api instead.',
    },
    {
      group: ['$lib/api/bindings', '**/api/bindings', '**/api/bindings.ts'],
      message: 'Import types and commands from $lib/api, not from the generated bindings.',
    },
  ],
};

export default ts.config(
  { ignores: ['dist/', 'node_modules/', 'src/lib/api/bindings.ts'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: ts.parser,
        svelteConfig,
      },
    },
  },
  {
    rules: {
      'no-restricted-imports': ['error', transportBoundary],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/lib/api/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
