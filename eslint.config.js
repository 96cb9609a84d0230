// ESLint for the server, its tests, the benchmarks and the tooling files. TypeScript is linted with
// type information (typescript-eslint's project service reads tsconfig.json), so the rules that
// catch real bugs — a promise nobody awaits, a promise where a callback's answer is expected, an
// `any` flowing unchecked into typed code — see the types. Formatting is Prettier's alone
// (eslint-config-prettier, last, turns off every rule that would argue with it).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Node's globals, for the plain JavaScript files (the TypeScript ones get them from @types/node). */
const node = {
  console: 'readonly',
  process: 'readonly',
  URL: 'readonly',
  globalThis: 'readonly',
};

export default defineConfig(
  { ignores: ['dist/', 'dist-bench/', 'coverage/', '.data/'] },

  js.configs.recommended,
  // Includes no-floating-promises, no-misused-promises, await-thenable, the no-unsafe-* family,
  // unbound-method and restrict-template-expressions, all as errors.
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Off: an explicit `any` is only a danger where it flows into typed code, and there the
      // no-unsafe-* rules report it. The few left (the policy registry holding policies of
      // different parameter types, an override of pg's overloaded `query`) are deliberate.
      '@typescript-eslint/no-explicit-any': 'off',
      // Off: the code marks indexed reads with `!` (`rows[0]!`) as if noUncheckedIndexedAccess were
      // on, so the reader sees where a missing element is ruled out; with it off, this rule calls
      // every such mark unnecessary.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Off: `async` without `await` is how the code implements a promise-returning interface with
      // nothing to wait for (a lease held in memory, a stop with nothing to stop), so that a throw is
      // still a rejection. The bug this rule would catch, a call not awaited, is no-floating-promises'.
      '@typescript-eslint/require-await': 'off',
      // `return promise` inside try/catch skips the catch when it rejects: a real bug, never style.
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
      // `_`-prefixed names are deliberately unused (a parameter a signature requires, the rest of a
      // destructuring), as tsconfig's noUnusedLocals already accepts.
      // A destructuring stays `let` when one of its names is reassigned; a variable a closure reads
      // before its one assignment (a server the close callback stops) stays `let` too.
      'prefer-const': ['error', { destructuring: 'all', ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },

  {
    // Tests and benchmarks read HTTP bodies, raw SQL rows and Nest's `app.get()` as `any` on purpose
    // (test/support/api.ts types a body `any` unless the test names its type): a test asserts on what
    // it reads, so a wrong field fails the test. Only the unsafe-any rules are relaxed, only here;
    // floating promises and the rest stay errors.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  {
    // Plain JavaScript (this file, jest's configs and global setup, scripts) is in no tsconfig, so it
    // is linted without type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: node },
  },

  prettier,
);
