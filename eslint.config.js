// Type-aware lint for the whole project. The import-direction rules below encode the layout
// of docs/architecture.md#layers-and-imports: topology -> nothing of ours; contract -> topology;
// calibration, connectors -> contract, topology; app -> all of those; bin -> app only. Outside
// topology/, the library is imported only through its public entries.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const LAYOUT = 'docs/architecture.md#layers-and-imports';

// What a folder must not import, one message per rule. Each file belongs to one layer only:
// a later config's no-restricted-imports replaces an earlier one, it does not add to it.
const folders = {
  contract: { group: ['**/contract/**'], what: 'contract/' },
  calibration: { group: ['**/calibration/**'], what: 'calibration/' },
  connectors: { group: ['**/connectors/**'], what: 'connectors/' },
  app: { group: ['**/app/**'], what: 'app/' },
  bin: { group: ['**/bin/**'], what: 'bin/' },
  dev: { group: ['**/dev/**'], what: 'dev/' },
  topology: { group: ['**/topology/**'], what: 'topology/' },
};
// Outside topology/: only topology/index.ts (kalibra), topology/core/ops/index.ts (kalibra/ops)
// and topology/testing/index.ts (kalibra/testing).
const deepTopology = {
  regex: '(^|/)topology/(?!index\\.ts$|core/ops/index\\.ts$|testing/index\\.ts$).',
  message: `import the topology library through topology/index.ts, topology/core/ops/index.ts or topology/testing/index.ts only, never a file inside it (${LAYOUT}).`,
};

const layer = (files, name, forbidden, { publicTopology = true } = {}) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        ...forbidden.map((folder) => ({
          group: folders[folder].group,
          message: `${name} must not import ${folders[folder].what} (${LAYOUT}).`,
        })),
        ...(publicTopology ? [deepTopology] : []),
      ],
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
  layer(['topology/**/*.ts'], 'topology (the library)',
    ['contract', 'calibration', 'connectors', 'app', 'bin', 'dev'], { publicTopology: false }),
  layer(['contract/**/*.ts'], 'contract', ['calibration', 'connectors', 'app', 'bin', 'dev']),
  layer(['calibration/**/*.ts'], 'calibration', ['connectors', 'app', 'bin', 'dev']),
  layer(['connectors/**/*.ts'], 'connectors', ['calibration', 'app', 'bin', 'dev']),
  layer(['app/**/*.ts'], 'app', ['bin', 'dev']),
  layer(['bin/**/*.ts'], 'bin (thin entries: import app/ only)', ['topology', 'contract', 'calibration', 'connectors', 'dev'],
    { publicTopology: false }),
  layer(['dev/**/*.ts', 'bench/**/*.ts'], 'dev and bench', ['bin']),
  // bin/dev-stack starts the local stack: developer tooling (dev/stack/), not a Kalibra process.
  { files: ['bin/dev-stack.ts'], rules: { 'no-restricted-imports': 'off' } },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
