/**
 * JSON logs through winston, one object per line, secrets redacted. Each
 * reconcile logs through `logger.child({ controller, key })` so every line
 * names the object it concerns.
 */
import winston from 'winston';
import { isSecretKey, redact, redactString, REDACTED } from './redact.js';

/** The logging interface the rest of the operator uses. */
export interface Logger {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line. */
  child(fields: Record<string, unknown>): Logger;
}

/** Levels, most to least severe. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Options for `createLogger`. */
export interface LoggerOptions {
  /** Level; default from `LOG_LEVEL`, else `info`. */
  level?: string;
  /** Where lines go (default stdout); tests pass a stream or a transport. */
  transport?: NonNullable<winston.LoggerOptions['transports']>;
  env?: NodeJS.ProcessEnv;
}

const levels: readonly string[] = ['error', 'warn', 'info', 'debug'];

/** The level to use: the flag, else `LOG_LEVEL`, else info; unknown names are an error. */
export function resolveLevel(flag?: string, env: NodeJS.ProcessEnv = process.env): LogLevel {
  const level = (flag ?? env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!levels.includes(level))
    throw new RangeError(`unknown log level ${level}: use one of ${levels.join(', ')}`);
  return level as LogLevel;
}

/** A winston format that applies `redact` to the message and every field. */
export const redactFormat = winston.format((info) => {
  for (const key of Reflect.ownKeys(info)) {
    if (typeof key !== 'string') continue; // winston's Symbol-keyed internals
    const v = info[key];
    info[key] =
      key !== 'level' && isSecretKey(key)
        ? REDACTED
        : key === 'message' && typeof v === 'string'
          ? redactString(v)
          : redact(v);
  }
  return info;
});

/** A JSON logger with timestamps and redaction. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  return winston.createLogger({
    level: resolveLevel(opts.level, opts.env),
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      redactFormat(),
      winston.format.timestamp(),
      winston.format.json(),
    ),
    transports: opts.transport ?? [new winston.transports.Console()],
  }) as unknown as Logger;
}

/** A logger that drops everything (the default where none is given). */
export const silentLogger: Logger = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return silentLogger;
  },
};
