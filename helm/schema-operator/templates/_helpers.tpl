{{/* The release's full name, at most 63 characters. */}}
{{- define "schema-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels that select the operator's pods (never change them: Deployment selectors are immutable). */}}
{{- define "schema-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels on every object of the release. */}}
{{- define "schema-operator.labels" -}}
{{ include "schema-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: streamspace
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The ServiceAccount the operator runs as. */}}
{{- define "schema-operator.serviceAccountName" -}}
{{- default (include "schema-operator.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{/*
The rules on namespaced resources (docs/security.md, "RBAC and the admission
policy", says why each verb is there). A ClusterRole carries them when the
operator watches every namespace; a Role in watchNamespace when it watches one.
*/}}
{{- define "schema-operator.namespacedRules" -}}
# SchemaMigrations: the informer lists and watches them; a get looks up a database claim's
# recorded owner; status goes through the subresource.
- apiGroups: [schema.streamspace.io]
  resources: [schemamigrations]
  verbs: [get, list, watch]
- apiGroups: [schema.streamspace.io]
  resources: [schemamigrations/status]
  verbs: [patch]
# The pod gate: gated pods are listed and watched; the patch removes our scheduling gate
# (the admission policy refuses any other change).
- apiGroups: ['']
  resources: [pods]
  verbs: [list, watch, patch]
# ConfigMap migration sources: a targeted get, and a list/watch that wakes their SchemaMigrations.
- apiGroups: ['']
  resources: [configmaps]
  verbs: [get, list, watch]
# Events about SchemaMigrations and pods (events.k8s.io/v1 only; core events are not used).
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [create, patch]
{{- end -}}

{{/*
What OrganizationClasses need, cluster-wide whatever watchNamespace says: the
classes are cluster-scoped and an organization's namespace can be any
namespace. The four kinds a class puts in that namespace get every verb the
policy step uses, and nothing else. RoleBindings may name only the
ClusterRoles of organizationClass.bindableClusterRoles: `bind` with
resourceNames is what lets the API server accept them without the operator
holding their rights itself, so a class cannot grant more than this list
(docs/security.md, "What an OrganizationClass may grant").
*/}}
{{- define "schema-operator.organizationClassRules" -}}
# OrganizationClasses: read and watched; update adds and removes the finalizer that holds a
# class while Organizations use it; status through the subresource.
- apiGroups: [schema.streamspace.io]
  resources: [organizationclasses]
  verbs: [get, list, watch, update]
- apiGroups: [schema.streamspace.io]
  resources: [organizationclasses/status]
  verbs: [patch]
# The objects a class puts in an organization's namespace, watched so an edit or deletion by
# anyone else is put back.
- apiGroups: ['']
  resources: [resourcequotas, limitranges]
  verbs: [get, list, watch, create, patch, update, delete]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [get, list, watch, create, patch, update, delete]
- apiGroups: [rbac.authorization.k8s.io]
  resources: [rolebindings]
  verbs: [get, list, watch, create, patch, update, delete]
{{- with .Values.organizationClass.bindableClusterRoles }}
# The only ClusterRoles a class's RoleBindings may name.
- apiGroups: [rbac.authorization.k8s.io]
  resources: [clusterroles]
  verbs: [bind]
  resourceNames: {{ toJson . }}
{{- end }}
{{- end -}}

{{/* Reading database URL Secrets: a get by name, and a watch that wakes the CRs naming them. */}}
{{- define "schema-operator.secretRules" -}}
- apiGroups: ['']
  resources: [secrets]
  verbs: [get, list, watch]
{{- end -}}

{{/* The operator ServiceAccount as an RBAC subject. */}}
{{- define "schema-operator.subject" -}}
- kind: ServiceAccount
  name: {{ include "schema-operator.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
{{- end -}}
