/**
 * The messages of kubernetes/api `apps/v1`, `rbac/v1`, `networking/v1`,
 * `coordination/v1`, `events/v1` and `policy/v1` that their stored kinds reach, and
 * `authentication/v1`'s TokenRequest, by field number.
 * Transcribed from `generated.proto` (field numbers and types) and `types.go`
 * (JSON names, pointer and `omitempty`) of the Kubernetes API; the format is
 * described in `schema.ts`.
 */
import type { MessageTable } from './schema.js';

/** Message name (`apps.Kind`) → its fields. */
export const GROUP_MESSAGES: MessageTable = {
  'apps.Deployment':
    '1:metadata:meta.ObjectMeta 2:spec:apps.DeploymentSpec 3:status:apps.DeploymentStatus',
  'apps.DeploymentCondition':
    '1:type:s:p 2:status:s:p 6:lastUpdateTime:meta.Time 7:lastTransitionTime:meta.Time 4:reason:s 5:message:s',
  'apps.DeploymentSpec':
    '1:replicas:i32:p 2:selector:meta.LabelSelector 3:template:core.PodTemplateSpec 4:strategy:apps.DeploymentStrategy 5:minReadySeconds:i32 6:revisionHistoryLimit:i32:p 7:paused:b 9:progressDeadlineSeconds:i32:p',
  'apps.DeploymentStatus':
    '1:observedGeneration:i64 2:replicas:i32 3:updatedReplicas:i32 7:readyReplicas:i32 4:availableReplicas:i32 5:unavailableReplicas:i32 9:terminatingReplicas:i32:p 6:conditions:apps.DeploymentCondition:r 8:collisionCount:i32:p',
  'apps.DeploymentStrategy': '1:type:s 2:rollingUpdate:apps.RollingUpdateDeployment',
  'apps.RollingUpdateDeployment':
    '1:maxUnavailable:intstr.IntOrString 2:maxSurge:intstr.IntOrString',
  'authentication.AttestationValue': '1:items:s:r',
  'authentication.BoundObjectReference': '1:kind:s 2:apiVersion:s 3:name:s 4:uid:s',
  'authentication.TokenRequest':
    '1:metadata:meta.ObjectMeta 2:spec:authentication.TokenRequestSpec 3:status:authentication.TokenRequestStatus',
  'authentication.TokenRequestSpec':
    '1:audiences:s:r 4:expirationSeconds:i64:p 3:boundObjectRef:authentication.BoundObjectReference 5:attestations:authentication.AttestationValue:m',
  'authentication.TokenRequestStatus': '1:token:s:p 2:expirationTimestamp:meta.Time',
  'coordination.Lease': '1:metadata:meta.ObjectMeta 2:spec:coordination.LeaseSpec',
  'coordination.LeaseSpec':
    '1:holderIdentity:s:p 2:leaseDurationSeconds:i32:p 3:acquireTime:meta.MicroTime 4:renewTime:meta.MicroTime 5:leaseTransitions:i32:p 6:strategy:s:p 7:preferredHolder:s:p',
  'events.Event':
    '1:metadata:meta.ObjectMeta 2:eventTime:meta.MicroTime 3:series:events.EventSeries 4:reportingController:s 5:reportingInstance:s 6:action:s 7:reason:s 8:regarding:core.ObjectReference 9:related:core.ObjectReference 10:note:s 11:type:s 12:deprecatedSource:core.EventSource 13:deprecatedFirstTimestamp:meta.Time 14:deprecatedLastTimestamp:meta.Time 15:deprecatedCount:i32',
  'events.EventSeries': '1:count:i32:p 2:lastObservedTime:meta.MicroTime',
  'networking.IPBlock': '1:cidr:s:p 2:except:s:r',
  'networking.NetworkPolicy': '1:metadata:meta.ObjectMeta 2:spec:networking.NetworkPolicySpec',
  'networking.NetworkPolicyEgressRule':
    '1:ports:networking.NetworkPolicyPort:r 2:to:networking.NetworkPolicyPeer:r',
  'networking.NetworkPolicyIngressRule':
    '1:ports:networking.NetworkPolicyPort:r 2:from:networking.NetworkPolicyPeer:r',
  'networking.NetworkPolicyPeer':
    '1:podSelector:meta.LabelSelector 2:namespaceSelector:meta.LabelSelector 3:ipBlock:networking.IPBlock',
  'networking.NetworkPolicyPort': '1:protocol:s:p 2:port:intstr.IntOrString 3:endPort:i32:p',
  'networking.NetworkPolicySpec':
    '1:podSelector:meta.LabelSelector 2:ingress:networking.NetworkPolicyIngressRule:r 3:egress:networking.NetworkPolicyEgressRule:r 4:policyTypes:s:r',
  'policy.PodDisruptionBudget':
    '1:metadata:meta.ObjectMeta 2:spec:policy.PodDisruptionBudgetSpec 3:status:policy.PodDisruptionBudgetStatus',
  'policy.PodDisruptionBudgetSpec':
    '1:minAvailable:intstr.IntOrString 2:selector:meta.LabelSelector 3:maxUnavailable:intstr.IntOrString 4:unhealthyPodEvictionPolicy:s:p',
  'policy.PodDisruptionBudgetStatus':
    '1:observedGeneration:i64 2:disruptedPods:meta.Time:m 3:disruptionsAllowed:i32:p 4:currentHealthy:i32:p 5:desiredHealthy:i32:p 6:expectedPods:i32:p 7:conditions:meta.Condition:r',
  'rbac.AggregationRule': '1:clusterRoleSelectors:meta.LabelSelector:r',
  'rbac.ClusterRole':
    '1:metadata:meta.ObjectMeta 2:rules:rbac.PolicyRule:r 3:aggregationRule:rbac.AggregationRule',
  'rbac.ClusterRoleBinding':
    '1:metadata:meta.ObjectMeta 2:subjects:rbac.Subject:r 3:roleRef:rbac.RoleRef',
  'rbac.PolicyRule':
    '1:verbs:s:r 2:apiGroups:s:r 3:resources:s:r 4:resourceNames:s:r 5:nonResourceURLs:s:r',
  'rbac.Role': '1:metadata:meta.ObjectMeta 2:rules:rbac.PolicyRule:r',
  'rbac.RoleBinding': '1:metadata:meta.ObjectMeta 2:subjects:rbac.Subject:r 3:roleRef:rbac.RoleRef',
  'rbac.RoleRef': '1:apiGroup:s:p 2:kind:s:p 3:name:s:p',
  'rbac.Subject': '1:kind:s:p 2:apiGroup:s 3:name:s:p 4:namespace:s',
};
