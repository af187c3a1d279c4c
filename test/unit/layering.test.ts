/**
 * The layering rules of eslint.config.js, run through ESLint's Node API on
 * small snippets placed at paths in src/ (the files need not exist): each
 * import that runs the wrong way is reported, each allowed one is not.
 */
import { expect } from 'chai';
import { ESLint } from 'eslint';
import { packageRoot } from '../../src/api/index.js';

const LAYERING_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);

const forbidden: Array<[string, string, string]> = [
  ['engine imports kube', 'src/engine/x.ts', "import { connect } from '../kube/index.js';"],
  [
    'engine imports a kube type',
    'src/engine/x.ts',
    "import type { KubeObject } from '../kube/index.js';",
  ],
  [
    'engine imports the Kubernetes client',
    'src/engine/x.ts',
    "import * as k8s from '@kubernetes/client-node';",
  ],
  [
    'engine imports a controller',
    'src/engine/x.ts',
    "import { x } from '../controllers/databases.js';",
  ],
  ['engine imports the cli', 'src/engine/sub/x.ts', "export { x } from '../../cli/flags.js';"],
  [
    'engine imports the operator',
    'src/engine/x.ts',
    "import { runOperator } from '../operator/operator.js';",
  ],
  [
    'engine loads the devcluster dynamically',
    'src/engine/x.ts',
    "export const m = await import('../devcluster/index.js');",
  ],
  ['kube imports pg', 'src/kube/x.ts', "import pg from 'pg';"],
  ['kube imports a pg- package', 'src/kube/x.ts', "import { parse } from 'pg-connection-string';"],
  ['kube imports the devcluster', 'src/kube/x.ts', "import { x } from '../devcluster/store.js';"],
  ['kube imports the operator', 'src/kube/x.ts', "import { x } from '../operator/operator.js';"],
  ['api imports the devcluster', 'src/api/x.ts', "import { x } from '../devcluster/names.js';"],
  [
    'observability imports the devcluster',
    'src/observability/x.ts',
    "import { x } from '../devcluster/index.js';",
  ],
  [
    'the operator imports the devcluster',
    'src/operator/x.ts',
    "import { x } from '../devcluster/index.js';",
  ],
  ['the operator imports the cli', 'src/operator/x.ts', "import { x } from '../cli/flags.js';"],
  [
    'a shared controller file imports the devcluster',
    'src/controllers/x.ts',
    "import { x } from '../devcluster/index.js';",
  ],
  [
    'a shared controller file imports the operator',
    'src/controllers/x.ts',
    "import { x } from '../operator/operator.js';",
  ],
  [
    'a controller imports the devcluster',
    'src/controllers/organization/x.ts',
    "import { x } from '../../devcluster/index.js';",
  ],
  [
    'a controller imports the devcluster dynamically',
    'src/controllers/podgate/x.ts',
    "export const m = await import('../../devcluster/index.js');",
  ],
  [
    "a controller imports another's internals",
    'src/controllers/organization/x.ts',
    "import { schemaMigrations } from '../schemamigration/setup.js';",
  ],
  [
    "a controller re-exports another's internals",
    'src/controllers/podgate/x.ts',
    "export { x } from '../organization/status.js';",
  ],
  [
    "a controller reaches another's internals through src",
    'src/controllers/podgate/x.ts',
    "import { x } from '../../controllers/schemamigration/status.js';",
  ],
  [
    'the cli imports a generator',
    'src/cli/x.ts',
    "import { x } from '../../scripts/api/codegen.js';",
  ],
  [
    'the devcluster imports a generator',
    'src/devcluster/protobuf/x.ts',
    "import { x } from '../../../scripts/protobuf/generate.js';",
  ],
  ['api imports a generator', 'src/api/x.ts', "import { x } from '../../scripts/api/generate.js';"],
];

const allowed: Array<[string, string, string]> = [
  ['the cli import the devcluster', 'src/cli/x.ts', "import { x } from '../devcluster/index.js';"],
  ['the cli import the operator', 'src/cli/x.ts', "import { x } from '../operator/operator.js';"],
  [
    'a test import the devcluster',
    'test/unit/x.ts',
    "import { x } from '../../src/devcluster/index.js';",
  ],
  [
    'a script import the devcluster',
    'scripts/x.ts',
    "import { x } from '../src/devcluster/index.js';",
  ],
  ['the devcluster import itself', 'src/devcluster/apply/x.ts', "import { x } from '../store.js';"],
  ['engine import pg', 'src/engine/x.ts', "import pg from 'pg';"],
  [
    'kube import the Kubernetes client',
    'src/kube/x.ts',
    "import * as k8s from '@kubernetes/client-node';",
  ],
  [
    'the operator import a controller',
    'src/operator/x.ts',
    "import { x } from '../controllers/podgate/setup.js';",
  ],
  [
    'a controller import its own files',
    'src/controllers/organization/x.ts',
    "import { x } from './sql.js';",
  ],
  [
    'a controller import a shared controller file',
    'src/controllers/organization/x.ts',
    "import { x } from '../databases.js';",
  ],
  [
    'a controller import kube',
    'src/controllers/podgate/x.ts',
    "import { x } from '../../kube/index.js';",
  ],
];

describe('the layering rules of src/', function () {
  // ESLint loads typescript-eslint once, the first time.
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: packageRoot() });

  async function layeringMessages(filePath: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath });
    return result!.messages.filter((m) => LAYERING_RULES.has(m.ruleId ?? '')).map((m) => m.message);
  }

  for (const [what, path, code] of forbidden) {
    it(`reports it when ${what}`, async () => {
      expect(await layeringMessages(path, code)).to.have.length(1);
    });
  }

  for (const [what, path, code] of allowed) {
    it(`lets ${what}`, async () => {
      expect(await layeringMessages(path, code)).to.deep.equal([]);
    });
  }
});
