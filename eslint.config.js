import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default ts.config(
  {
    ignores: [
      '**/node_modules/',
      '**/dist/',
      '.output/',
      '.wxt/',
      'coverage/',
      'test-output/',
      '**/.scratch/',
      '.scratch/',
      '**/*.lua',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs['flat/recommended'],
  prettier,
  ...svelte.configs['flat/prettier'],
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    // The bridge logs through pino, reads the environment only in config.ts and Redis only in redis/.
    files: ['bridge/src/**/*.ts'],
    ignores: ['bridge/src/**/*.spec.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration in config.ts only.',
        },
      ],
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'ioredis', message: 'Only bridge/src/redis/ talks to Redis.' }] },
      ],
    },
  },
  { files: ['bridge/src/config.ts'], rules: { 'no-restricted-syntax': 'off' } },
  { files: ['bridge/src/redis/**/*.ts'], rules: { 'no-restricted-imports': 'off' } },
);
