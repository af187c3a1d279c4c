/**
 * The messages of apimachinery's `pkg/apis/meta/v1` (package
 * `k8s.io.apimachinery.pkg.apis.meta.v1`) that object bodies reach, by field number.
 * Transcribed from `generated.proto` (field numbers and types) and `types.go`
 * (JSON names, pointer and `omitempty`) of the Kubernetes API; the format is
 * described in `schema.ts`.
 */
import type { MessageTable } from './schema.js';

/** Message name (`meta.Kind`) → its fields. */
export const META_MESSAGES: MessageTable = {
  'meta.Condition':
    '1:type:s:p 2:status:s:p 3:observedGeneration:i64 4:lastTransitionTime:meta.Time 5:reason:s:p 6:message:s:p',
  'meta.DeleteOptions':
    '1:gracePeriodSeconds:i64:p 2:preconditions:meta.Preconditions 3:orphanDependents:b:p 4:propagationPolicy:s:p 5:dryRun:s:r 6:ignoreStoreReadErrorWithClusterBreakingPotential:b:p',
  'meta.LabelSelector': '1:matchLabels:s:m 2:matchExpressions:meta.LabelSelectorRequirement:r',
  'meta.LabelSelectorRequirement': '1:key:s:p 2:operator:s:p 3:values:s:r',
  'meta.ManagedFieldsEntry':
    '1:manager:s 2:operation:s 3:apiVersion:s 4:time:meta.Time 6:fieldsType:s 7:fieldsV1:meta.FieldsV1 8:subresource:s',
  'meta.ObjectMeta':
    '1:name:s 2:generateName:s 3:namespace:s 4:selfLink:s 5:uid:s 6:resourceVersion:s 7:generation:i64 8:creationTimestamp:meta.Time 9:deletionTimestamp:meta.Time 10:deletionGracePeriodSeconds:i64:p 11:labels:s:m 12:annotations:s:m 13:ownerReferences:meta.OwnerReference:r 14:finalizers:s:r 17:managedFields:meta.ManagedFieldsEntry:r',
  'meta.OwnerReference':
    '5:apiVersion:s:p 1:kind:s:p 3:name:s:p 4:uid:s:p 6:controller:b:p 7:blockOwnerDeletion:b:p',
  'meta.Preconditions': '1:uid:s:p 2:resourceVersion:s:p',
};
