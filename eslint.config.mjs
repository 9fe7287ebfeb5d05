// Lint rules for Backroom. The layering rule below is the house rule "dependencies point inward":
// the engine in core/ must never reach for a front end or a UI library.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const frontEndImports = {
  patterns: [
    { group: ['electron', 'electron/*'], message: 'core/ must not import electron: it runs in plain Node.' },
    { group: ['react', 'react/*', 'react-dom', 'react-dom/*', 'ink', 'ink/*'], message: 'core/ must not import a UI library.' },
    { group: ['**/main/*', '**/renderer/*', '**/cli/*', '../main', '../renderer', '../cli'], message: 'core/ must not import a front end (main/, renderer/, cli/).' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-results/**', 'release/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['core/**/*.ts'], rules: { 'no-restricted-imports': ['error', frontEndImports] } },
  { files: ['renderer/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
  // Only the main process may import electron, and only through its own files.
  {
    files: ['cli/**/*.{ts,tsx}', 'renderer/**/*.{ts,tsx}', 'sandbox/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only main/ may import electron.' }] }] },
  },
);
