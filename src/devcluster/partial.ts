/**
 * Metadata-only responses, as kube-apiserver serves them to clients that ask
 * with `Accept: application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1`
 * (a get or a watch) or `as=PartialObjectMetadataList` (a list): the objects
 * keep their kind's `metadata` whole and lose everything else, and become
 * `meta.k8s.io/v1` PartialObjectMetadata. Controllers use them to follow
 * objects (ConfigMaps, Secrets) without holding their contents.
 *
 * As kube-apiserver does, a list asked as a single PartialObjectMetadata, or
 * a get asked as a list, is 406 Not Acceptable; a watch takes the single form
 * (each event carries one object).
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.js';
import type { KubeObject } from './object.js';

/** The two metadata-only forms. */
export type PartialAs = 'PartialObjectMetadata' | 'PartialObjectMetadataList';

const META_API_VERSION = 'meta.k8s.io/v1';

/**
 * The metadata-only form the Accept header asks for, or undefined. Of
 * several media types the first one naming `as=` wins, as the server picks
 * the first it can serve.
 */
export function partialAs(req: IncomingMessage): PartialAs | undefined {
  for (const type of (req.headers.accept ?? '').split(',')) {
    const params = new Map(
      type
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=', 2) as [string, string | undefined]),
    );
    const as = params.get('as');
    if (as !== 'PartialObjectMetadata' && as !== 'PartialObjectMetadataList') continue;
    if ((params.get('g') ?? 'meta.k8s.io') !== 'meta.k8s.io') continue;
    return as;
  }
  return undefined;
}

/** 406 for a form that does not fit the verb (a list asked as one object, or the reverse). */
export function notAcceptable(as: PartialAs, verb: string): ApiError {
  return new ApiError(
    406,
    'NotAcceptable',
    `only the following media types are accepted: application/json;as=${
      verb === 'list' ? 'PartialObjectMetadataList' : 'PartialObjectMetadata'
    };g=meta.k8s.io;v=v1 (got ${as} for ${verb})`,
  );
}

/** One object as PartialObjectMetadata: its metadata, nothing else. */
export function toPartial(o: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: META_API_VERSION, metadata: o.metadata };
}

/** A List as PartialObjectMetadataList: the list's metadata, each item as PartialObjectMetadata. */
export function toPartialList(list: { metadata: object; items: KubeObject[] }): object {
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: META_API_VERSION,
    metadata: list.metadata,
    items: list.items.map(toPartial),
  };
}
