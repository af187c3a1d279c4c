/** `run`: the operator (in-cluster config, or KUBECONFIG / --kubeconfig). */
import { Option, type Command } from 'commander';
import { parseAllowedHosts, type AllowedHosts } from '../engine/database-hosts.js';
import { parseTimeout } from '../engine/duration.js';
import { countFlag, durationFlag } from './flags.js';
import { EXIT, UsageError } from './exit-codes.js';
import type { OperatorOptions } from '../operator/operator.js';
import {
  namespacePattern,
  reservedNamespaces,
} from '../controllers/organization/namespace-policy.js';

/** `run`'s flags as commander parses them: strings until {@link operatorSettings} checks them. */
export interface RunFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  selector?: string;
  leaderElect: boolean;
  leaseName: string;
  leaseNamespace: string;
  leaderElectLeaseDuration: string;
  leaderElectRenewDeadline: string;
  leaderElectRetryPeriod: string;
  bindAddress: string;
  workers: string;
  reconcileTimeout: string;
  maxReconcilesPerNamespace: string;
  defaultDatabaseRef?: string;
  allowedDatabaseHosts?: string;
  operatorNamespace?: string;
  reservedNamespaces?: string;
  orgNamespacePattern?: string;
  bindableClusterRoles?: string;
  logLevel?: string;
}

/** Registers `run`. The operator code is imported only when it runs. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'run the operator: reconcile SchemaMigrations (leader election, /healthz /readyz /metrics)',
    )
    .option(
      '--kubeconfig <path>',
      'kubeconfig file (default: in-cluster, else KUBECONFIG or ~/.kube/config)',
    )
    .option('--context <name>', 'kubeconfig context')
    .addOption(new Option('--namespace <ns>', 'watch only this namespace').env('WATCH_NAMESPACE'))
    .option(
      '--selector <labels>',
      'reconcile only custom resources matching this label selector (sharding)',
    )
    .option('--no-leader-elect', 'do not campaign for the lease (a single replica)')
    .option('--lease-name <name>', 'the Lease used for leader election', 'schema-operator')
    .addOption(
      new Option('--lease-namespace <ns>', 'namespace of the Lease')
        .env('POD_NAMESPACE')
        .default('default'),
    )
    .option(
      '--leader-elect-lease-duration <duration>',
      'how long standbys wait after the last renewal before taking the lease over',
      '15s',
    )
    .option(
      '--leader-elect-renew-deadline <duration>',
      'how long the leader keeps failing to renew before it gives up (less than the lease)',
      '10s',
    )
    .option(
      '--leader-elect-retry-period <duration>',
      'interval between attempts to acquire or renew (less than the renew deadline)',
      '2s',
    )
    .option('--bind-address <addr>', 'address of /healthz, /readyz and /metrics', ':8080')
    .option('--workers <n>', 'concurrent reconciles per controller', '4')
    .option(
      '--reconcile-timeout <duration>',
      "a SchemaMigration reconcile's deadline: its run and statement are cancelled then (up to 24h)",
      '1h',
    )
    .option(
      '--max-reconciles-per-namespace <n>',
      'SchemaMigration reconciles of one namespace running at once (fairness between tenants)',
      '1',
    )
    .addOption(
      new Option(
        '--default-database-ref <ns/name>',
        'the SchemaMigration of Organizations that name no spec.databaseRef',
      ).env('DEFAULT_DATABASE_REF'),
    )
    .addOption(
      new Option(
        '--allowed-database-hosts <list>',
        'hosts SchemaMigrations and Organizations may connect to: names, *.suffixes, CIDRs, comma-separated (default: any)',
      ).env('ALLOWED_DATABASE_HOSTS'),
    )
    .addOption(
      new Option(
        '--operator-namespace <ns>',
        "the operator's own namespace: reserved for organizations, and where Events about Organizations go (default: --lease-namespace)",
      ).env('OPERATOR_NAMESPACE'),
    )
    .addOption(
      new Option(
        '--reserved-namespaces <names>',
        'comma-separated namespaces no Organization may have, beyond kube-*, default and the operator namespace',
      ).env('RESERVED_NAMESPACES'),
    )
    .addOption(
      new Option(
        '--org-namespace-pattern <regex>',
        "a regular expression every Organization's dedicated namespace must match in full (e.g. 'org-[a-z0-9-]+')",
      ).env('ORG_NAMESPACE_PATTERN'),
    )
    .addOption(
      new Option(
        '--bindable-cluster-roles <names>',
        "comma-separated ClusterRoles an OrganizationClass's roleBindings may bind (default: none; the operator's RBAC must grant bind on them)",
      ).env('BINDABLE_CLUSTER_ROLES'),
    )
    .addOption(new Option('--log-level <level>', 'error, warn, info or debug').env('LOG_LEVEL'))
    .action(async (flags: RunFlags) => runCommand(operatorSettings(flags)));
}

/**
 * The operator's options from `run`'s flags, every flag checked before
 * anything connects: a bad value is a UsageError (exit 2), reported in the
 * order the flags are read here.
 */
export function operatorSettings(flags: RunFlags): OperatorOptions {
  const workers = countFlag('workers', flags.workers);
  const reconcileTimeoutMs = reconcileTimeoutFlag(flags.reconcileTimeout);
  const maxReconcilesPerNamespace = countFlag(
    'max-reconciles-per-namespace',
    flags.maxReconcilesPerNamespace,
  );
  if (maxReconcilesPerNamespace < 1)
    throw new UsageError('--max-reconciles-per-namespace must be at least 1');
  const defaultDatabaseRef = databaseRefFlag(flags.defaultDatabaseRef);
  const allowedDatabaseHosts = allowedHostsFlag(flags.allowedDatabaseHosts);
  const namespacePolicy = namespacePolicyFlags(flags);
  const bindableClusterRoles = clusterRolesFlag(flags.bindableClusterRoles);
  const leaderElection = leaderElectionTimings({
    leaseDuration: flags.leaderElectLeaseDuration,
    renewDeadline: flags.leaderElectRenewDeadline,
    retryPeriod: flags.leaderElectRetryPeriod,
  });
  return {
    ...flags,
    workers,
    reconcileTimeoutMs,
    maxReconcilesPerNamespace,
    defaultDatabaseRef,
    allowedDatabaseHosts,
    leaderElection,
    namespacePolicy,
    bindableClusterRoles,
  };
}

/**
 * Runs the operator, loaded only now (the database commands never need the
 * Kubernetes client), and exits: 0 on a signal, 1 on lost leadership, 2 for
 * an unusable kubeconfig, 3 when the API server never answered.
 */
async function runCommand(options: OperatorOptions): Promise<void> {
  const { runOperator } = await import('../operator/operator.js');
  const { KubeConfigError, UnavailableError } = await import('../kube/index.js');
  let cause;
  try {
    cause = await runOperator(options);
  } catch (err) {
    // A missing or broken kubeconfig is bad input (exit 2); an API that never answered, transient (3).
    if (err instanceof KubeConfigError) throw new UsageError(err.message);
    if (!(err instanceof UnavailableError)) throw err;
    console.error(`error: ${err.message}`);
    process.exit(EXIT.transient);
  }
  // Lost leadership: exit non-zero so the pod restarts clean, as controller-runtime does.
  if (cause === 'lost-leadership') process.exitCode = EXIT.failed;
  process.exit(process.exitCode ?? EXIT.ok);
}

/** The three leader-election durations as given on the command line (`15s`, `500ms`, ...). */
export interface LeaderElectionFlags {
  leaseDuration: string;
  renewDeadline: string;
  retryPeriod: string;
}

/** Leader-election timings in milliseconds, as `LeaderElector` takes them. */
export interface LeaderElectionTimings {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/**
 * Parses and checks the `--leader-elect-*` durations. They must be positive,
 * with retry < renew < lease (as controller-runtime requires): a leader that
 * may keep trying to renew for as long as the lease lasts could still think it
 * leads after a standby took over. Every problem is reported at once, in one
 * UsageError.
 */
export function leaderElectionTimings(flags: LeaderElectionFlags): LeaderElectionTimings {
  const problems: string[] = [];
  const parse = (name: string, value: string): number => {
    try {
      const ms = durationFlag(name, value);
      if (ms > 0) return ms;
      problems.push(`--${name} must be longer than 0`);
    } catch (err) {
      problems.push((err as Error).message);
    }
    return NaN;
  };
  const lease = parse('leader-elect-lease-duration', flags.leaseDuration);
  const renew = parse('leader-elect-renew-deadline', flags.renewDeadline);
  const retry = parse('leader-elect-retry-period', flags.retryPeriod);
  if (renew >= lease)
    problems.push(
      `--leader-elect-renew-deadline (${flags.renewDeadline}) must be shorter than --leader-elect-lease-duration (${flags.leaseDuration})`,
    );
  if (retry >= renew)
    problems.push(
      `--leader-elect-retry-period (${flags.retryPeriod}) must be shorter than --leader-elect-renew-deadline (${flags.renewDeadline})`,
    );
  if (problems.length) throw new UsageError(problems.join('; '));
  return { leaseDurationMs: lease, renewDeadlineMs: renew, retryPeriodMs: retry };
}

/** `--reserved-namespaces` and `--org-namespace-pattern` checked; a bad pattern is a usage error. */
function namespacePolicyFlags(flags: RunFlags): { reserved: string[]; pattern?: RegExp } {
  const reserved = reservedNamespaces(flags.reservedNamespaces);
  if (!flags.orgNamespacePattern) return { reserved };
  try {
    return { reserved, pattern: namespacePattern(flags.orgNamespacePattern) };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** `--bindable-cluster-roles a, b` as names (empty entries dropped); a name that is not one is a usage error. */
export function clusterRolesFlag(value: string | undefined): string[] {
  const names = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const bad = names.filter((n) => !/^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$/.test(n));
  if (bad.length)
    throw new UsageError(`--bindable-cluster-roles: not ClusterRole names: ${bad.join(', ')}`);
  return names;
}

/** `--default-database-ref NS/NAME` as a reference; a malformed value is a usage error. */
function databaseRefFlag(
  value: string | undefined,
): { namespace: string; name: string } | undefined {
  if (value === undefined || value === '') return undefined;
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(value);
  if (!m) throw new UsageError(`--default-database-ref must be NAMESPACE/NAME, got "${value}"`);
  return { namespace: m[1]!, name: m[3]! };
}

/** `--allowed-database-hosts` parsed; unset or empty allows any host; a bad entry is a usage error. */
function allowedHostsFlag(value: string | undefined): AllowedHosts | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  try {
    return parseAllowedHosts(value);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** `--reconcile-timeout`: above 0 and at most 24h, like the CRD's timeouts. */
export function reconcileTimeoutFlag(value: string): number {
  try {
    return parseTimeout(value);
  } catch (err) {
    throw new UsageError(`--reconcile-timeout: ${(err as Error).message}`);
  }
}
