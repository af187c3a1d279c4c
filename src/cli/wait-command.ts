/**
 * `wait`: for init containers. Exits 0 once the database is at (or past) a
 * version (`--database-url`, reads the ledger) or once a SchemaMigration is
 * Ready at (or past) it (`--migration NS/NAME`, reads the CR: get and watch
 * only), 3 when the timeout passes first, with a line saying what it waits
 * for. The Kubernetes client is loaded only for `--migration`.
 */
import type { Command } from 'commander';
import { redactUrl } from '../engine/connection.js';
import type { Migration } from '../engine/source.js';
import { waitForVersion } from '../engine/wait.js';
import { EXIT, UsageError } from './exit-codes.js';
import {
  databaseFlags,
  databaseUrl,
  durationFlag,
  ledgerTable,
  versionFlag,
  type DatabaseFlags,
} from './flags.js';

interface WaitFlags extends DatabaseFlags {
  version?: string;
  timeout: string;
  migration?: string;
  kubeconfig?: string;
  context?: string;
}

/** Registers `wait`. */
export function registerWait(program: Command): void {
  databaseFlags(
    program
      .command('wait')
      .description(
        'wait until the database has applied --version, or until the SchemaMigration of --migration is Ready (for init containers); exit 3 on timeout',
      )
      .option('--version <version>', 'the version to wait for')
      .option('--dir <dir>', 'also require every migration of DIR up to --version')
      .option('--timeout <duration>', 'give up after this long', '10m')
      .option(
        '--migration <ns/name>',
        'wait for this SchemaMigration to be Ready (at --version or later, if given) instead of reading the database',
      )
      .option(
        '--kubeconfig <path>',
        'with --migration: kubeconfig file (default: in-cluster, else KUBECONFIG or ~/.kube/config)',
      )
      .option('--context <name>', 'with --migration: kubeconfig context'),
  ).action(async (flags: WaitFlags, cmd: Command) => {
    if (flags.migration !== undefined) return waitMigration(flags, cmd);
    const url = databaseUrl(flags);
    const version = versionFlag('version', flags.version);
    if (!version) throw new UsageError('wait needs --version');
    const timeoutMs = durationFlag('timeout', flags.timeout);
    const migrations = flags.dir ? await readSource(flags.dir) : undefined;
    const target = `${redactUrl(url)} to reach version ${version}`;
    console.error(`waiting up to ${flags.timeout} for ${target}`);
    let last = '';
    const ok = await waitForVersion({
      url,
      version,
      timeoutMs,
      migrations,
      ledger: ledgerTable(flags.historyTable),
      onPoll: (s) => {
        const now = s.error
          ? `cannot read the database yet: ${s.error}`
          : `at version ${s.highestApplied ?? '(none)'}`;
        if (now !== last && !s.satisfied) console.error(now);
        last = now;
      },
    });
    if (flags.json) console.log(JSON.stringify({ satisfied: ok, version }));
    if (ok) {
      if (!flags.json) console.error(`done: ${target}`);
      return;
    }
    console.error(`timed out after ${flags.timeout} waiting for ${target}`);
    process.exitCode = EXIT.transient;
  });
}

/** The files of --dir. The source reader is loaded only when a wait names one. */
async function readSource(dir: string): Promise<Migration[]> {
  const { readMigrationDir } = await import('../engine/source.js');
  return readMigrationDir(dir, { validate: false });
}

/** `wait --migration NS/NAME`: watches the one SchemaMigration until it is Ready (at --version). */
async function waitMigration(flags: WaitFlags, cmd: Command): Promise<void> {
  const m = /^([a-z0-9][-a-z0-9]*)\/([a-z0-9][-a-z0-9.]*)$/.exec(flags.migration ?? '');
  if (!m) throw new UsageError(`--migration "${flags.migration}" is not NAMESPACE/NAME`);
  const [, namespace, name] = m as unknown as [string, string, string];
  if (cmd.getOptionValueSource('databaseUrl') === 'cli' || flags.dir)
    throw new UsageError('--migration reads the SchemaMigration: drop --database-url and --dir');
  const version = versionFlag('version', flags.version);
  const timeoutMs = durationFlag('timeout', flags.timeout);
  const { connect, KubeConfigError } = await import('../kube/index.js');
  const { schemaMigrations } = await import('../controllers/resources.js');
  const { describeTarget } = await import('../controllers/podgate/decision.js');
  const { waitForMigration, WaitRefusedError } = await import('./wait.js');
  let client;
  try {
    client = connect({ kubeconfigPath: flags.kubeconfig, context: flags.context });
  } catch (err) {
    if (err instanceof KubeConfigError) throw new UsageError(err.message);
    throw err;
  }
  const target = describeTarget(`${namespace}/${name}`, version);
  console.error(`waiting up to ${flags.timeout} for ${target}`);
  let r;
  try {
    r = await waitForMigration({
      client: client.resource(schemaMigrations),
      namespace,
      name,
      version,
      timeoutMs,
      onState: (state) => console.error(state),
    });
  } catch (err) {
    if (!(err instanceof WaitRefusedError)) throw err;
    console.error(`error: ${err.message}`);
    process.exit(EXIT.failed);
  }
  if (flags.json)
    console.log(
      JSON.stringify({
        satisfied: r.satisfied,
        migration: `${namespace}/${name}`,
        version,
        appliedVersion: r.appliedVersion,
      }),
    );
  if (r.satisfied) {
    if (!flags.json) console.error(`done: ${target} (applied ${r.appliedVersion ?? 'nothing'})`);
  } else {
    console.error(`timed out after ${flags.timeout} waiting for ${target}; last: ${r.last}`);
  }
  // An idle keep-alive connection to the API server must not hold the init container open.
  process.exit(r.satisfied ? EXIT.ok : EXIT.transient);
}
