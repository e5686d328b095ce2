import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {ignores: ['**/dist/**', '**/node_modules/**', '**/*.js', '**/*.mjs']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      'no-restricted-imports': ['error', {patterns: [{group: ['@encoderless/*/*', '../../*/src/*'], message: 'Import another package by its name only: one public entry per package.'}]}],
    },
  },
);
