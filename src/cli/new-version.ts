/**
 * The version `schema-operator new` gives the next file: one past the
 * highest in the set, in the set's own style, so the new name sorts where a
 * person expects in a directory listing as well as in the engine.
 */
import { compareVersions, isVersion } from '../engine/version.js';

/** How the versions of a set are written. */
export type VersionStyle = 'sequence' | 'dotted' | 'timestamp';

/** Options for {@link nextVersion}. */
export interface NextVersionOptions {
  /** The versions already in the directory (any order). */
  versions: readonly string[];
  /** The clock, for timestamps. */
  now: Date;
  /** Ask for a timestamp; refused when the set already uses another style. */
  timestamp?: boolean;
}

/** The first version of an empty set: three digits leave room and sort as text too. */
export const FIRST_SEQUENCE = '001';
/** Digits of a timestamp in an empty set: YYYYMMDDHHMMSS, as dbmate and Flyway write them. */
const TIMESTAMP_DIGITS = 14;

/** The next version could not be chosen (a flag that contradicts the set). */
export class NextVersionError extends Error {}

const TIMESTAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/;

/**
 * A number of 12 or 14 digits that reads as a UTC time from 1970 on
 * (YYYYMMDDHHMM[SS]) is a timestamp; a sequence never grows that long.
 */
export function styleOf(version: string): VersionStyle {
  if (version.includes('.')) return 'dotted';
  const m = TIMESTAMP.exec(version);
  if (!m) return 'sequence';
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? '0'));
  const date = y! >= 1970 && mo! >= 1 && mo! <= 12 && d! >= 1 && d! <= 31;
  return date && h! <= 23 && mi! <= 59 && s! <= 59 ? 'timestamp' : 'sequence';
}

/** The version after the highest of `opts.versions`, in its style. */
export function nextVersion(opts: NextVersionOptions): string {
  const valid = opts.versions.filter(isVersion);
  const highest = valid.sort(compareVersions).at(-1);
  if (highest === undefined)
    return opts.timestamp ? timestampOf(opts.now, TIMESTAMP_DIGITS) : FIRST_SEQUENCE;
  const style = styleOf(highest);
  if (opts.timestamp && style !== 'timestamp')
    throw new NextVersionError(
      `the directory numbers its files in sequence (highest ${highest}); ` +
        '--timestamp would mix two styles: leave it out',
    );
  if (style === 'dotted') return bumpLastPart(highest);
  const after = increment(highest);
  if (style === 'sequence') return after;
  // The clock may be behind the newest file, or two files made in one second.
  const stamp = timestampOf(opts.now, highest.length);
  return compareVersions(stamp, highest) > 0 ? stamp : after;
}

/** `1.10` -> `1.11`, `1.09` -> `1.10`: the last part grows, keeping its width. */
function bumpLastPart(version: string): string {
  const parts = version.split('.');
  parts[parts.length - 1] = increment(parts[parts.length - 1]!);
  return parts.join('.');
}

/** `010` -> `011`, `099` -> `100`, `999` -> `1000`: zero-padded to the same width. */
function increment(digits: string): string {
  return (BigInt(digits) + 1n).toString().padStart(digits.length, '0');
}

/** `now` in UTC as YYYYMMDDHHMMSS, cut to `digits` (12 = to the minute). */
export function timestampOf(now: Date, digits: number): string {
  const iso = now.toISOString(); // 2026-12-07T21:30:05.123Z
  return iso.replace(/[-:T]/g, '').slice(0, digits);
}
