// ESLint flat config: typescript-eslint's recommended rules on src/ and test/,
// and the layering of src/ (README's Layout), so an import that runs the
// wrong way fails `npm run lint` instead of waiting for a reviewer.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * A relative specifier that reaches the top-level directory `dir` of src/
 * from a file below it: `../kube/index.js`, `../../devcluster/store.js`.
 */
const into = (dir) => `^(\\.\\./)+${dir}(/|$)`;

const KUBERNETES = 'engine is plain PostgreSQL: no Kubernetes code';
const DEVCLUSTER = 'only cli (the dev command), tests and scripts may load the devcluster';
const UPWARD = 'imports run cli -> operator -> controllers -> kube -> engine/api/observability';
const SCRIPTS = 'scripts/ are build-time tools: the product never loads them';

/** The restrictions of each part of src/: which files, and what they may not import (scripts/ for all). */
const LAYERS = [
  {
    files: ['src/engine/**/*.ts'],
    forbidden: [
      { regex: into('(kube|controllers|operator|cli|devcluster)'), message: KUBERNETES },
      { regex: '^@kubernetes/', message: KUBERNETES },
    ],
  },
  {
    files: ['src/kube/**/*.ts'],
    forbidden: [
      { regex: '^pg(-[^/]+)?(/|$)', message: 'kube is Kubernetes only: PostgreSQL is the engine' },
      { regex: into('(controllers|operator|cli)'), message: UPWARD },
      { regex: into('devcluster'), message: DEVCLUSTER },
    ],
  },
  {
    files: ['src/api/**/*.ts', 'src/observability/**/*.ts'],
    forbidden: [
      { regex: into('(kube|controllers|operator|cli)'), message: UPWARD },
      { regex: into('devcluster'), message: DEVCLUSTER },
    ],
  },
  {
    files: ['src/controllers/*.ts'],
    forbidden: [
      { regex: into('(operator|cli)'), message: UPWARD },
      { regex: into('devcluster'), message: DEVCLUSTER },
    ],
  },
  {
    // A controller's files see their own directory and the shared src/controllers/*.ts,
    // never another controller's internals: what two controllers share moves up a level.
    files: ['src/controllers/*/**/*.ts'],
    forbidden: [
      {
        regex: '^\\.\\./(?!\\.\\.?/)[^/]+/',
        message: "a controller may not import another controller's internals",
      },
      {
        regex: '^(\\.\\./){2,}controllers/',
        message: "a controller may not import another controller's internals",
      },
      { regex: into('(operator|cli)'), message: UPWARD },
      { regex: into('devcluster'), message: DEVCLUSTER },
    ],
  },
  {
    files: ['src/operator/**/*.ts'],
    forbidden: [
      { regex: into('cli'), message: UPWARD },
      { regex: into('devcluster'), message: DEVCLUSTER },
    ],
  },
  { files: ['src/cli/**/*.ts', 'src/devcluster/**/*.ts'], forbidden: [] },
].map(({ files, forbidden }) => ({
  files,
  forbidden: [...forbidden, { regex: into('scripts'), message: SCRIPTS }],
}));

/**
 * One config block per layer: `no-restricted-imports` for import and export
 * declarations, and `no-restricted-syntax` for `import('...')`, which the
 * former does not see.
 */
const layering = LAYERS.map(({ files, forbidden }) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden }],
    'no-restricted-syntax': [
      'error',
      ...forbidden.map(({ regex, message }) => ({
        selector: `ImportExpression > Literal[value=/${regex.replaceAll('/', '\\/')}/]`,
        message,
      })),
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  ...layering,
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
