/**
 * The hosts the operator may connect to on a tenant's behalf
 * (`run --allowed-database-hosts`). Without the flag every host is allowed,
 * as before. Entries are host names (`db.example.com`), wildcard suffixes
 * (`*.db.svc.cluster.local`: any name below it, not the suffix itself) and
 * CIDRs (`10.0.0.0/8`, `fd00::/8`). A CIDR matches hosts written as IP
 * literals; host names are compared as names and not resolved, so a name
 * rule trusts the cluster's DNS for that name (a resolved address could
 * differ by the time `pg` connects, so checking it would promise nothing).
 */
import { BlockList, isIP } from 'node:net';
import { DatabaseHostNotAllowedError } from './database-errors.js';

/** A parsed `--allowed-database-hosts`; `undefined` where it means "any host". */
export interface AllowedHosts {
  readonly names: ReadonlySet<string>;
  readonly suffixes: readonly string[];
  readonly cidrs: BlockList;
  /** The entries as given, for messages and logs. */
  readonly source: readonly string[];
}

const NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * Parses comma-separated entries; throws an Error naming the first bad one
 * (an operator's typo must stop the start, not silently allow or refuse all).
 */
export function parseAllowedHosts(list: string | readonly string[]): AllowedHosts {
  const entries = (typeof list === 'string' ? list.split(',') : list)
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '');
  const names = new Set<string>();
  const suffixes: string[] = [];
  const cidrs = new BlockList();
  for (const e of entries) {
    const cidr = /^([0-9a-f:.]+)\/(\d{1,3})$/.exec(e);
    if (cidr) {
      const family = isIP(cidr[1]!);
      const bits = Number(cidr[2]);
      if (family === 0 || bits > (family === 4 ? 32 : 128))
        throw new Error(`--allowed-database-hosts: "${e}" is not a valid CIDR`);
      cidrs.addSubnet(cidr[1]!, bits, family === 4 ? 'ipv4' : 'ipv6');
    } else if (isIP(e)) {
      cidrs.addAddress(e, isIP(e) === 4 ? 'ipv4' : 'ipv6');
    } else if (e.startsWith('*.') && NAME.test(e.slice(2))) {
      suffixes.push(e.slice(1));
    } else if (NAME.test(e)) {
      names.add(e);
    } else {
      throw new Error(
        `--allowed-database-hosts: "${e}" is not a host name, "*.suffix", IP address or CIDR`,
      );
    }
  }
  if (entries.length === 0) throw new Error('--allowed-database-hosts: no entry given');
  return { names, suffixes, cidrs, source: entries };
}

/** True when `host` (lower-case, as parseDatabaseUrl returns it) is allowed; `undefined` allows all. */
export function isHostAllowed(allowed: AllowedHosts | undefined, host: string): boolean {
  if (!allowed) return true;
  const family = isIP(host);
  if (family !== 0) return allowed.cidrs.check(host, family === 4 ? 'ipv4' : 'ipv6');
  return allowed.names.has(host) || allowed.suffixes.some((s) => host.endsWith(s));
}

/** Throws DatabaseHostNotAllowedError unless `host` is allowed. */
export function assertHostAllowed(allowed: AllowedHosts | undefined, host: string): void {
  if (!isHostAllowed(allowed, host)) throw new DatabaseHostNotAllowedError(host);
}
