// The linter's house rules: typescript-eslint's recommended set, with the few rules this code base
// decides differently said here with the reason. Formatting is Prettier's (npm test checks both).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'coverage/', '.tap/', '.data/', 'moodle-plugin/', 'tests/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      // `_name` marks a parameter or binding kept for its position or to drop it from a spread.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Type-only imports stay visible as such (tsconfig's verbatimModuleSyntax needs them).
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // A promise nobody awaits loses its failure: in the service, every one is awaited, caught or marked `void`.
    // (Tests are left out: tap's top-level `t.test(...)` calls are promises tap itself tracks.)
    files: ['api/**/*.ts', 'worker/**/*.ts', 'shared/**/*.ts', 'bin/**/*.ts', 'sandbox/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error', '@typescript-eslint/no-misused-promises': 'error' },
  },
  {
    // The boundaries (docs/design.md "Layers"): SQL only in shared/db; slonik's types may travel (a pool is passed around).
    files: [
      'api/**/*.ts',
      'worker/**/*.ts',
      'bin/**/*.ts',
      'sandbox/**/*.ts',
      'shared/clients/**/*.ts',
      'shared/domain/**/*.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'slonik', importNames: ['sql'], message: 'SQL lives in shared/db/queries/.' }],
          patterns: [
            { group: ['**/tests/**'], message: 'product code never imports tests/ (simulators live in sandbox/).' },
          ],
        },
      ],
    },
  },
  {
    // The domain is pure: it knows no database and no client, only data.
    files: ['shared/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'slonik', message: 'the domain is pure: no database.' }],
          patterns: [
            { group: ['**/db/**', '**/clients/**'], message: 'the domain is pure: give it plain data types.' },
            { group: ['**/tests/**'], message: 'product code never imports tests/.' },
          ],
        },
      ],
    },
  },
  {
    // Tests read JSON answers and assert on their shape: typing every answer would only restate the assertion.
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
