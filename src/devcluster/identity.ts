/**
 * Who sends a request. The devcluster authenticates bearer tokens it issued
 * to named users (a kubeconfig user per identity), so admission policies can
 * tell the operator's ServiceAccount from the person at the keyboard.
 * kubectl (client-go) sends no credentials over plain http, so each user is
 * also served on a port of its own: a request arriving there is that user.
 * A request without credentials on the main port is the cluster admin, as a
 * local control plane is used (kubectl and the tests need no token); a token
 * it did not issue, or another user's token on a user's port, is refused
 * with 401, as the real server refuses a bad token.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.js';

/** The authenticated user of a request, as admission sees `request.userInfo`. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
}

/** An identity the devcluster issues a token to. */
export interface DevUser {
  /** The kubeconfig user name (`kubeconfig({ user })` picks it). */
  name: string;
  /** The username requests with its token carry (`system:serviceaccount:<ns>:<sa>`). */
  username: string;
  /** Default: `system:authenticated`, plus `system:serviceaccounts` (and `…:<ns>`) for a ServiceAccount. */
  groups?: string[];
}

/** The unrestricted user of requests without credentials. */
export const ADMIN_USER: UserInfo = {
  username: 'kubernetes-admin',
  groups: ['system:masters', 'system:authenticated'],
};

/** The server itself (namespace deletion emptying a namespace, Deployments making pods). */
export const SYSTEM_USER: UserInfo = {
  username: 'system:apiserver',
  groups: ['system:masters'],
};

/** The groups a username gets when none are given. */
function defaultGroups(username: string): string[] {
  const sa = /^system:serviceaccount:([^:]+):[^:]+$/.exec(username);
  return sa
    ? ['system:serviceaccounts', `system:serviceaccounts:${sa[1]}`, 'system:authenticated']
    : ['system:authenticated'];
}

/** Issued tokens and the users they stand for. Constructing it does no I/O. */
export class Identities {
  private readonly byToken = new Map<string, UserInfo>();
  private readonly tokens = new Map<string, string>();
  private readonly byPort = new Map<number, UserInfo>();
  /** Expiry (ms since the epoch) of the tokens issued through a TokenRequest. */
  private readonly expiry = new Map<string, number>();

  constructor(users: readonly DevUser[] = []) {
    for (const u of users) this.add(u);
  }

  /** Issues a token to `u` (replacing an earlier user of the same name). */
  add(u: DevUser): void {
    if (!u.name || !u.username)
      throw new TypeError('a devcluster user needs a name and a username');
    const previous = this.tokens.get(u.name);
    if (previous) this.byToken.delete(previous);
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(u.name, token);
    this.byToken.set(token, {
      username: u.username,
      groups: u.groups ?? defaultGroups(u.username),
    });
  }

  /** Issues a token standing for `username` until `expires` (a ServiceAccount's TokenRequest). */
  issue(username: string, uid: string | undefined, expires: Date): string {
    const token = randomBytes(24).toString('base64url');
    this.byToken.set(token, { username, ...(uid ? { uid } : {}), groups: defaultGroups(username) });
    this.expiry.set(token, expires.getTime());
    return token;
  }

  /** The token of the kubeconfig user `name`; throws for an unknown name. */
  token(name: string): string {
    const token = this.tokens.get(name);
    if (!token) throw new TypeError(`the devcluster has no user named ${JSON.stringify(name)}`);
    return token;
  }

  /** Requests arriving on local `port` are user `name`. */
  bindPort(name: string, port: number): void {
    this.byPort.set(port, this.byToken.get(this.token(name))!);
  }

  /**
   * The user a request authenticates as; 401 for a bearer token this server
   * did not issue or that expired by `now` (the API's clock, which set it).
   */
  authenticate(req: IncomingMessage, now: Date = new Date()): UserInfo {
    const portUser = this.byPort.get(req.socket.localPort ?? -1);
    const header = req.headers.authorization;
    const bearer = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!bearer) return portUser ?? ADMIN_USER;
    const user = this.byToken.get(bearer[1]!);
    const expired = (this.expiry.get(bearer[1]!) ?? Infinity) <= now.getTime();
    if (!user || expired || (portUser && user !== portUser))
      throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    return user;
  }
}
