/**
 * The access reviews a client asks about itself: SelfSubjectAccessReview
 * and SelfSubjectRulesReview (authorization.k8s.io/v1, `kubectl auth
 * can-i` and `can-i --list`) and SelfSubjectReview (authentication.k8s.io/v1,
 * `kubectl auth whoami`). They are created, answered and never stored, as
 * in kube-apiserver (pkg/registry/authorization, pkg/registry/authentication).
 * The devcluster has no authorization (every authenticated request is
 * allowed, as kube-apiserver's AlwaysAllow mode), so every user is allowed
 * everything and its rules are `*`; admission policies are not
 * authorization and do not change the answer, as on a real server.
 * whoami answers with the user the request authenticated as.
 */
import { badRequest, invalid } from '../errors.js';
import { parseBody } from '../http.js';
import type { UserInfo } from '../identity.js';
import { isRecord, timestamp } from '../object.js';
import type { ResourceType } from '../resources.js';
import { decodeReview } from './protobuf.js';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** A review request (a create): its type, raw body and media type, and who sent it. */
export interface ReviewRequest {
  type: ResourceType;
  body: Buffer;
  mediaType: string;
  user: UserInfo;
  now: Date;
}

const ANSWERS: Readonly<Record<string, (o: Record<string, unknown>, r: ReviewRequest) => object>> =
  {
    'authorization.k8s.io/selfsubjectaccessreviews': accessReview,
    'authorization.k8s.io/selfsubjectrulesreviews': rulesReview,
    'authentication.k8s.io/selfsubjectreviews': selfReview,
  };

/** Whether `t` is a review kind (created and answered, never stored). */
export function isReview(t: ResourceType): boolean {
  return `${t.group}/${t.resource}` in ANSWERS;
}

/** The answered review, sent with 201 as for a create. */
export function answerReview(r: ReviewRequest): object {
  const object = reviewObject(r);
  return ANSWERS[`${r.type.group}/${r.type.resource}`]!(object, r);
}

function reviewObject(r: ReviewRequest): Record<string, unknown> {
  const parsed =
    r.mediaType === PROTOBUF ? decodeReview(r.body, r.type.kind) : parseBody(r.body, r.mediaType);
  if (!isRecord(parsed)) throw badRequest('the body of the request was not an object');
  return parsed;
}

function typeMeta(t: ResourceType): { kind: string; apiVersion: string } {
  return { kind: t.kind, apiVersion: `${t.group}/${t.version}` };
}

/** The request's metadata as the server writes it back (no creation time: nothing is stored). */
function echoedMetadata(o: Record<string, unknown>): object {
  return { ...(isRecord(o.metadata) ? o.metadata : {}), creationTimestamp: null };
}

/** Go's `%#v` of a NonResourceAttributes, as the validation message prints it. */
function goValue(v: Record<string, unknown>): string {
  return `&authorization.NonResourceAttributes{Path:${JSON.stringify(v.path ?? '')}, Verb:${JSON.stringify(v.verb ?? '')}}`;
}

function accessReview(o: Record<string, unknown>, r: ReviewRequest): object {
  const spec = isRecord(o.spec) ? o.spec : {};
  const resource = spec.resourceAttributes;
  const nonResource = spec.nonResourceAttributes;
  const fail = (field: string, value: string, detail: string) =>
    invalid({
      kind: r.type.kind,
      group: r.type.group,
      name: '',
      errors: [{ type: 'FieldValueInvalid', field, message: `Invalid value: ${value}: ${detail}` }],
    });
  if (isRecord(resource) && isRecord(nonResource))
    throw fail(
      'spec.nonResourceAttributes',
      goValue(nonResource),
      'cannot be specified in combination with resourceAttributes',
    );
  if (!isRecord(resource) && !isRecord(nonResource))
    throw fail(
      'spec.resourceAttributes',
      '"null"',
      'exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
  return {
    ...typeMeta(r.type),
    metadata: echoedMetadata(o),
    spec,
    // AlwaysAllow decides with no reason.
    status: { allowed: true },
  };
}

function rulesReview(o: Record<string, unknown>, r: ReviewRequest): object {
  const spec = isRecord(o.spec) ? o.spec : {};
  if (typeof spec.namespace !== 'string' || spec.namespace === '')
    throw badRequest('no namespace on request');
  // The answer is a new object: the request's spec is not echoed.
  return {
    ...typeMeta(r.type),
    metadata: { creationTimestamp: null },
    spec: {},
    status: {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    },
  };
}

function selfReview(_o: Record<string, unknown>, r: ReviewRequest): object {
  const { username, uid, groups } = r.user;
  return {
    ...typeMeta(r.type),
    metadata: { creationTimestamp: timestamp(r.now) },
    status: {
      userInfo: {
        username,
        ...(uid ? { uid } : {}),
        ...(groups.length ? { groups } : {}),
      },
    },
  };
}
