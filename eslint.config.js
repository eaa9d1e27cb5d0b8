// Type-aware lint rules: the ones that catch lost promises and misused async callbacks.
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/', 'src/net/wire.ts', 'bench/results/', '**/*.mjs', '**/*.js'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.check.json', tsconfigRootDir: import.meta.dirname }
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  },
  {
    // stubs of async interfaces in tests answer at once
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' }
  },
  // the CLI is a shell over the public API (src/index.ts, and its light part src/shell.ts that the
  // commands talking to a running node load alone) and the typed control API, nothing else (the chat's
  // own shell, src/ui/, is loaded by a dynamic import only when `parley chat` runs)
  {
    files: ['src/cli/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\./(?!index\\.js$|shell\\.js$|control/)', message: 'src/cli/ imports only src/index.ts, src/shell.ts and src/control/' }] }] }
  },
  {
    files: ['src/cli/commands/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\./\\.\\./(?!index\\.js$|shell\\.js$|control/)', message: 'src/cli/ imports only src/index.ts, src/shell.ts and src/control/' }] }] }
  }
)
