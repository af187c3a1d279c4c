/**
 * Size limits of a SchemaMigration's source. Migration text comes from a
 * tenant and is read on the operator's one event loop, held in memory for
 * the run and checksummed on every reconcile, so its size is bounded before
 * any of that happens. A source over a limit is refused as InvalidSource,
 * with a reason naming the file (ConfigMap key or inline entry) and the
 * limit; nothing is run.
 */
import { InvalidSourceError } from '../../engine/index.js';

/** The limits of one source. */
export interface SourceLimits {
  /** Bytes (UTF-8) of one migration file. */
  maxFileBytes: number;
  /** Bytes (UTF-8) of every migration file of the source together. */
  maxSourceBytes: number;
  /** Migration files in the source. */
  maxFiles: number;
}

/**
 * One file may be as large as the largest ConfigMap the API server stores
 * (1 MiB, also the CRD's bound on an inline entry); a whole source 8 MiB
 * (eight full ConfigMaps); 2000 files, twice the largest fleet we benchmark.
 */
export const SOURCE_LIMITS: SourceLimits = {
  maxFileBytes: 1024 * 1024,
  maxSourceBytes: 8 * 1024 * 1024,
  maxFiles: 2000,
};

/** Counts files as they are read and throws InvalidSourceError at the first limit passed. */
export class SourceBudget {
  private bytes = 0;
  private files = 0;

  constructor(private readonly limits: SourceLimits = SOURCE_LIMITS) {}

  /** Accounts one file; `origin` names it in the reason. */
  take(origin: string, content: string | Uint8Array): void {
    const size = typeof content === 'string' ? Buffer.byteLength(content, 'utf8') : content.length;
    const { maxFileBytes, maxSourceBytes, maxFiles } = this.limits;
    if (size > maxFileBytes)
      throw new InvalidSourceError(
        `${origin}: ${size} bytes is more than the ${maxFileBytes} bytes one migration file may have`,
        origin,
      );
    this.bytes += size;
    this.files += 1;
    if (this.files > maxFiles)
      throw new InvalidSourceError(
        `${origin}: the source has more than ${maxFiles} migration files, the most one source may have`,
        origin,
      );
    if (this.bytes > maxSourceBytes)
      throw new InvalidSourceError(
        `${origin}: the source's migration files reach ${this.bytes} bytes with this one, more than the ${maxSourceBytes} bytes one source may have`,
        origin,
      );
  }
}
