// Type-aware lint for the whole project. The import-direction rules below encode
// docs/architecture.md#layers-and-imports: bin -> connectors, topology/calibration -> topology/core, never back up.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, forbidden, why) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', {
      patterns: forbidden.map((group) => ({ group: [group], message: why })),
    }],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.dev/', 'coverage/', 'k8s/', '**/*.mjs', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      'no-restricted-syntax': ['error',
        { selector: 'TSEnumDeclaration', message: 'No enum: use an as-const list (docs/contributing.md#code).' },
        { selector: 'TSModuleDeclaration[kind="namespace"]', message: 'No namespace (docs/contributing.md#code).' },
        { selector: 'ExportAllDeclaration', message: 'No export *: name each export (docs/contributing.md#code).' },
      ],
    },
  },
  layer(['topology/core/**/*.ts', 'topology/testing/**/*.ts'],
    ['**/calibration/**', '**/connectors/**', '**/bin/**'],
    'topology/core knows nothing of sensors, sinks or commands (docs/architecture.md#layers-and-imports, imports go down only).'),
  layer(['topology/calibration/**/*.ts'],
    ['**/connectors/**', '**/bin/**'],
    'topology/calibration may import topology/core only (docs/architecture.md#layers-and-imports).'),
  layer(['connectors/**/*.ts'],
    ['**/calibration/**', '**/bin/**'],
    'connectors may import topology/core only (docs/architecture.md#layers-and-imports).'),
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
