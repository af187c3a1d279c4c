/**
 * Refusals of a database URL before any connection is tried. Both are
 * terminal: retrying cannot help until the Secret (or the operator's
 * `--allowed-database-hosts`) changes. Messages name the problem and where
 * the URL came from, never the password nor a parameter's value.
 */
import { EngineError } from './errors.js';

/** The URL (or the TLS keys beside it) cannot be used: bad syntax, a refused parameter, a socket host. */
export class InvalidDatabaseUrlError extends EngineError {
  /**
   * @param detail what is wrong, without the URL
   * @param parameter the refused query parameter, when one is the reason
   * @param source where the URL came from (`Secret ns/name, key "url"`), for the message
   */
  constructor(
    readonly detail: string,
    readonly parameter?: string,
    readonly source?: string,
  ) {
    super('InvalidDatabaseURL', `${source ? `${source}: ` : ''}invalid database URL: ${detail}`);
  }

  /** The same error, saying where the URL came from. */
  from(source: string): InvalidDatabaseUrlError {
    return new InvalidDatabaseUrlError(this.detail, this.parameter, source);
  }
}

/** The URL's host is outside what the operator was told it may reach (`--allowed-database-hosts`). */
export class DatabaseHostNotAllowedError extends EngineError {
  constructor(
    readonly host: string,
    readonly source?: string,
  ) {
    super(
      'DatabaseHostNotAllowed',
      `${source ? `${source}: ` : ''}the database host "${host}" is not in the operator's --allowed-database-hosts`,
    );
  }

  /** The same error, saying where the URL came from. */
  from(source: string): DatabaseHostNotAllowedError {
    return new DatabaseHostNotAllowedError(this.host, source);
  }
}
