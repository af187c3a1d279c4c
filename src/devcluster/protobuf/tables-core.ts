/**
 * The messages of kubernetes/api `core/v1` (package `k8s.io.api.core.v1`) that the
 * stored core kinds reach, by field number.
 * Transcribed from `generated.proto` (field numbers and types) and `types.go`
 * (JSON names, pointer and `omitempty`) of the Kubernetes API; the format is
 * described in `schema.ts`.
 */
import type { MessageTable } from './schema.js';

/** Message name (`core.Kind`) → its fields. */
export const CORE_MESSAGES: MessageTable = {
  'core.AWSElasticBlockStoreVolumeSource': '1:volumeID:s:p 2:fsType:s 3:partition:i32 4:readOnly:b',
  'core.Affinity':
    '1:nodeAffinity:core.NodeAffinity 2:podAffinity:core.PodAffinity 3:podAntiAffinity:core.PodAntiAffinity',
  'core.AppArmorProfile': '1:type:s:p 2:localhostProfile:s:p',
  'core.AzureDiskVolumeSource':
    '1:diskName:s:p 2:diskURI:s:p 3:cachingMode:s:p 4:fsType:s:p 5:readOnly:b:p 6:kind:s:p',
  'core.AzureFileVolumeSource': '1:secretName:s:p 2:shareName:s:p 3:readOnly:b',
  'core.CSIVolumeSource':
    '1:driver:s:p 2:readOnly:b:p 3:fsType:s:p 4:volumeAttributes:s:m 5:nodePublishSecretRef:core.LocalObjectReference',
  'core.Capabilities': '1:add:s:r 2:drop:s:r',
  'core.CephFSVolumeSource':
    '1:monitors:s:r 2:path:s 3:user:s 4:secretFile:s 5:secretRef:core.LocalObjectReference 6:readOnly:b',
  'core.CinderVolumeSource':
    '1:volumeID:s:p 2:fsType:s 3:readOnly:b 4:secretRef:core.LocalObjectReference',
  'core.ClientIPConfig': '1:timeoutSeconds:i32:p',
  'core.ClusterTrustBundleProjection':
    '1:name:s:p 2:signerName:s:p 3:labelSelector:meta.LabelSelector 5:optional:b:p 4:path:s:p 6:user:i64:p',
  'core.ConfigMap': '1:metadata:meta.ObjectMeta 4:immutable:b:p 2:data:s:m 3:binaryData:bytes:m',
  'core.ConfigMapEnvSource': '1::core.LocalObjectReference:i 2:optional:b:p',
  'core.ConfigMapKeySelector': '1::core.LocalObjectReference:i 2:key:s:p 3:optional:b:p',
  'core.ConfigMapProjection':
    '1::core.LocalObjectReference:i 2:items:core.KeyToPath:r 4:optional:b:p',
  'core.ConfigMapVolumeSource':
    '1::core.LocalObjectReference:i 2:items:core.KeyToPath:r 3:defaultMode:i32:p 4:optional:b:p 5:defaultUser:i64:p',
  'core.Container':
    '1:name:s:p 2:image:s 3:command:s:r 4:args:s:r 5:workingDir:s 6:ports:core.ContainerPort:r 19:envFrom:core.EnvFromSource:r 7:env:core.EnvVar:r 8:resources:core.ResourceRequirements 23:resizePolicy:core.ContainerResizePolicy:r 24:restartPolicy:s:p 25:restartPolicyRules:core.ContainerRestartRule:r 9:volumeMounts:core.VolumeMount:r 21:volumeDevices:core.VolumeDevice:r 10:livenessProbe:core.Probe 11:readinessProbe:core.Probe 22:startupProbe:core.Probe 12:lifecycle:core.Lifecycle 13:terminationMessagePath:s 20:terminationMessagePolicy:s 14:imagePullPolicy:s 15:securityContext:core.SecurityContext 16:stdin:b 17:stdinOnce:b 18:tty:b',
  'core.ContainerExtendedResourceRequest':
    '1:containerName:s:p 2:resourceName:s:p 3:requestName:s:p',
  'core.ContainerPort': '1:name:s 2:hostPort:i32 3:containerPort:i32:p 4:protocol:s 5:hostIP:s',
  'core.ContainerResizePolicy': '1:resourceName:s:p 2:restartPolicy:s:p',
  'core.ContainerRestartRule': '1:action:s 2:exitCodes:core.ContainerRestartRuleOnExitCodes',
  'core.ContainerRestartRuleOnExitCodes': '1:operator:s 2:values:i32:r',
  'core.ContainerState':
    '1:waiting:core.ContainerStateWaiting 2:running:core.ContainerStateRunning 3:terminated:core.ContainerStateTerminated',
  'core.ContainerStateRunning': '1:startedAt:meta.Time',
  'core.ContainerStateTerminated':
    '1:exitCode:i32:p 2:signal:i32 3:reason:s 4:message:s 5:startedAt:meta.Time 6:finishedAt:meta.Time 7:containerID:s',
  'core.ContainerStateWaiting': '1:reason:s 2:message:s',
  'core.ContainerStatus':
    '1:name:s:p 2:state:core.ContainerState 3:lastState:core.ContainerState 4:ready:b:p 5:restartCount:i32:p 6:image:s:p 7:imageID:s:p 8:containerID:s 9:started:b:p 10:allocatedResources:resource.Quantity:m 11:resources:core.ResourceRequirements 12:volumeMounts:core.VolumeMountStatus:r 13:user:core.ContainerUser 14:allocatedResourcesStatus:core.ResourceStatus:r 15:stopSignal:s:p',
  'core.ContainerUser': '1:linux:core.LinuxContainerUser',
  'core.DownwardAPIProjection': '1:items:core.DownwardAPIVolumeFile:r',
  'core.DownwardAPIVolumeFile':
    '1:path:s:p 2:fieldRef:core.ObjectFieldSelector 3:resourceFieldRef:core.ResourceFieldSelector 4:mode:i32:p 5:user:i64:p',
  'core.DownwardAPIVolumeSource':
    '1:items:core.DownwardAPIVolumeFile:r 2:defaultMode:i32:p 3:defaultUser:i64:p',
  'core.EmptyDirVolumeSource': '1:medium:s 2:sizeLimit:resource.Quantity 3:mode:i32:p',
  'core.EnvFromSource':
    '1:prefix:s 2:configMapRef:core.ConfigMapEnvSource 3:secretRef:core.SecretEnvSource',
  'core.EnvVar': '1:name:s:p 2:value:s 3:valueFrom:core.EnvVarSource',
  'core.EnvVarSource':
    '1:fieldRef:core.ObjectFieldSelector 2:resourceFieldRef:core.ResourceFieldSelector 3:configMapKeyRef:core.ConfigMapKeySelector 4:secretKeyRef:core.SecretKeySelector 5:fileKeyRef:core.FileKeySelector',
  'core.EphemeralContainer': '1::core.EphemeralContainerCommon:i 2:targetContainerName:s',
  'core.EphemeralContainerCommon':
    '1:name:s:p 2:image:s 3:command:s:r 4:args:s:r 5:workingDir:s 6:ports:core.ContainerPort:r 19:envFrom:core.EnvFromSource:r 7:env:core.EnvVar:r 8:resources:core.ResourceRequirements 23:resizePolicy:core.ContainerResizePolicy:r 24:restartPolicy:s:p 25:restartPolicyRules:core.ContainerRestartRule:r 9:volumeMounts:core.VolumeMount:r 21:volumeDevices:core.VolumeDevice:r 10:livenessProbe:core.Probe 11:readinessProbe:core.Probe 22:startupProbe:core.Probe 12:lifecycle:core.Lifecycle 13:terminationMessagePath:s 20:terminationMessagePolicy:s 14:imagePullPolicy:s 15:securityContext:core.SecurityContext 16:stdin:b 17:stdinOnce:b 18:tty:b',
  'core.EphemeralVolumeSource': '1:volumeClaimTemplate:core.PersistentVolumeClaimTemplate',
  'core.Event':
    '1:metadata:meta.ObjectMeta 2:involvedObject:core.ObjectReference 3:reason:s 4:message:s 5:source:core.EventSource 6:firstTimestamp:meta.Time 7:lastTimestamp:meta.Time 8:count:i32 9:type:s 10:eventTime:meta.MicroTime 11:series:core.EventSeries 12:action:s 13:related:core.ObjectReference 14:reportingComponent:s:p 15:reportingInstance:s:p',
  'core.EventSeries': '1:count:i32 2:lastObservedTime:meta.MicroTime',
  'core.EventSource': '1:component:s 2:host:s',
  'core.EvictionResponder': '1:name:s:p 2:priority:i32:p',
  'core.ExecAction': '1:command:s:r',
  'core.FCVolumeSource': '1:targetWWNs:s:r 2:lun:i32:p 3:fsType:s 4:readOnly:b 5:wwids:s:r',
  'core.FileKeySelector': '1:volumeName:s:p 2:path:s:p 3:key:s:p 4:optional:b:p',
  'core.FlexVolumeSource':
    '1:driver:s:p 2:fsType:s 3:secretRef:core.LocalObjectReference 4:readOnly:b 5:options:s:m',
  'core.FlockerVolumeSource': '1:datasetName:s 2:datasetUUID:s',
  'core.GCEPersistentDiskVolumeSource': '1:pdName:s:p 2:fsType:s 3:partition:i32 4:readOnly:b',
  'core.GRPCAction': '1:port:i32:p 2:service:s:p 3:mode:s:p',
  'core.GitRepoVolumeSource': '1:repository:s:p 2:revision:s 3:directory:s',
  'core.GlusterfsVolumeSource': '1:endpoints:s:p 2:path:s:p 3:readOnly:b',
  'core.HTTPGetAction':
    '1:path:s 2:port:intstr.IntOrString 3:host:s 4:scheme:s 5:httpHeaders:core.HTTPHeader:r 6:protocol:s:p',
  'core.HTTPHeader': '1:name:s:p 2:value:s:p',
  'core.HostAlias': '1:ip:s:p 2:hostnames:s:r',
  'core.HostIP': '1:ip:s:p',
  'core.HostPathVolumeSource': '1:path:s:p 2:type:s:p',
  'core.ISCSIVolumeSource':
    '1:targetPortal:s:p 2:iqn:s:p 3:lun:i32:p 4:iscsiInterface:s 5:fsType:s 6:readOnly:b 7:portals:s:r 8:chapAuthDiscovery:b 11:chapAuthSession:b 10:secretRef:core.LocalObjectReference 12:initiatorName:s:p',
  'core.ImageVolumeSource': '1:reference:s 2:pullPolicy:s',
  'core.ImageVolumeStatus': '1:imageRef:s',
  'core.KeyToPath': '1:key:s:p 2:path:s:p 3:mode:i32:p 4:user:i64:p',
  'core.Lifecycle':
    '1:postStart:core.LifecycleHandler 2:preStop:core.LifecycleHandler 3:stopSignal:s:p',
  'core.LifecycleHandler':
    '1:exec:core.ExecAction 2:httpGet:core.HTTPGetAction 3:tcpSocket:core.TCPSocketAction 4:sleep:core.SleepAction',
  'core.LimitRange': '1:metadata:meta.ObjectMeta 2:spec:core.LimitRangeSpec',
  'core.LimitRangeItem':
    '1:type:s:p 2:max:resource.Quantity:m 3:min:resource.Quantity:m 4:default:resource.Quantity:m 5:defaultRequest:resource.Quantity:m 6:maxLimitRequestRatio:resource.Quantity:m',
  'core.LimitRangeSpec': '1:limits:core.LimitRangeItem:r',
  'core.LinuxContainerUser': '1:uid:i64:p 2:gid:i64:p 3:supplementalGroups:i64:r',
  'core.LoadBalancerIngress': '1:ip:s 2:hostname:s 3:ipMode:s:p 4:ports:core.PortStatus:r',
  'core.LoadBalancerStatus': '1:ingress:core.LoadBalancerIngress:r',
  'core.LocalObjectReference': '1:name:s',
  'core.NFSVolumeSource': '1:server:s:p 2:path:s:p 3:readOnly:b',
  'core.Namespace':
    '1:metadata:meta.ObjectMeta 2:spec:core.NamespaceSpec 3:status:core.NamespaceStatus',
  'core.NamespaceCondition':
    '1:type:s:p 2:status:s:p 4:lastTransitionTime:meta.Time 5:reason:s 6:message:s',
  'core.NamespaceSpec': '1:finalizers:s:r',
  'core.NamespaceStatus': '1:phase:s 2:conditions:core.NamespaceCondition:r',
  'core.NodeAffinity':
    '1:requiredDuringSchedulingIgnoredDuringExecution:core.NodeSelector 2:preferredDuringSchedulingIgnoredDuringExecution:core.PreferredSchedulingTerm:r',
  'core.NodeAllocatableMappedResources': '1:name:s:p 2:quantity:resource.Quantity',
  'core.NodeAllocatableOverheadResources':
    '1:name:s:p 2:perPod:resource.Quantity 3:perContainer:resource.Quantity',
  'core.NodeAllocatableResourceClaimStatus':
    '1:resourceClaimName:s:p 2:containers:s:r 4:mapping:core.NodeAllocatableMappedResources:r 5:overhead:core.NodeAllocatableOverheadResources:r',
  'core.NodeSelector': '1:nodeSelectorTerms:core.NodeSelectorTerm:r',
  'core.NodeSelectorRequirement': '1:key:s:p 2:operator:s:p 3:values:s:r',
  'core.NodeSelectorTerm':
    '1:matchExpressions:core.NodeSelectorRequirement:r 2:matchFields:core.NodeSelectorRequirement:r',
  'core.ObjectFieldSelector': '1:apiVersion:s 2:fieldPath:s:p',
  'core.ObjectReference':
    '1:kind:s 2:namespace:s 3:name:s 4:uid:s 5:apiVersion:s 6:resourceVersion:s 7:fieldPath:s',
  'core.PersistentVolumeClaimSpec':
    '1:accessModes:s:r 4:selector:meta.LabelSelector 2:resources:core.VolumeResourceRequirements 3:volumeName:s 5:storageClassName:s:p 6:volumeMode:s:p 7:dataSource:core.TypedLocalObjectReference 8:dataSourceRef:core.TypedObjectReference 9:volumeAttributesClassName:s:p',
  'core.PersistentVolumeClaimTemplate':
    '1:metadata:meta.ObjectMeta 2:spec:core.PersistentVolumeClaimSpec',
  'core.PersistentVolumeClaimVolumeSource': '1:claimName:s:p 2:readOnly:b',
  'core.PhotonPersistentDiskVolumeSource': '1:pdID:s:p 2:fsType:s',
  'core.Pod': '1:metadata:meta.ObjectMeta 2:spec:core.PodSpec 3:status:core.PodStatus',
  'core.PodAffinity':
    '1:requiredDuringSchedulingIgnoredDuringExecution:core.PodAffinityTerm:r 2:preferredDuringSchedulingIgnoredDuringExecution:core.WeightedPodAffinityTerm:r',
  'core.PodAffinityTerm':
    '1:labelSelector:meta.LabelSelector 2:namespaces:s:r 3:topologyKey:s:p 4:namespaceSelector:meta.LabelSelector 5:matchLabelKeys:s:r 6:mismatchLabelKeys:s:r',
  'core.PodAntiAffinity':
    '1:requiredDuringSchedulingIgnoredDuringExecution:core.PodAffinityTerm:r 2:preferredDuringSchedulingIgnoredDuringExecution:core.WeightedPodAffinityTerm:r',
  'core.PodCertificateProjection':
    '1:signerName:s 2:keyType:s 3:maxExpirationSeconds:i32:p 4:credentialBundlePath:s 5:keyPath:s 6:certificateChainPath:s 7:userAnnotations:s:m 8:user:i64:p',
  'core.PodCondition':
    '1:type:s:p 7:observedGeneration:i64 2:status:s:p 3:lastProbeTime:meta.Time 4:lastTransitionTime:meta.Time 5:reason:s 6:message:s',
  'core.PodDNSConfig': '1:nameservers:s:r 2:searches:s:r 3:options:core.PodDNSConfigOption:r',
  'core.PodDNSConfigOption': '1:name:s 2:value:s:p',
  'core.PodExtendedResourceClaimStatus':
    '1:requestMappings:core.ContainerExtendedResourceRequest:r 2:resourceClaimName:s:p',
  'core.PodIP': '1:ip:s:p',
  'core.PodOS': '1:name:s:p',
  'core.PodReadinessGate': '1:conditionType:s:p',
  'core.PodResourceClaim': '1:name:s:p 3:resourceClaimName:s:p 4:resourceClaimTemplateName:s:p',
  'core.PodResourceClaimStatus': '1:name:s:p 2:resourceClaimName:s:p',
  'core.PodSchedulingGate': '1:name:s:p',
  'core.PodSchedulingGroup': '1:podGroupName:s:p',
  'core.PodSecurityContext':
    '1:seLinuxOptions:core.SELinuxOptions 8:windowsOptions:core.WindowsSecurityContextOptions 2:runAsUser:i64:p 6:runAsGroup:i64:p 3:runAsNonRoot:b:p 4:supplementalGroups:i64:r 12:supplementalGroupsPolicy:s:p 5:fsGroup:i64:p 7:sysctls:core.Sysctl:r 9:fsGroupChangePolicy:s:p 10:seccompProfile:core.SeccompProfile 11:appArmorProfile:core.AppArmorProfile 13:seLinuxChangePolicy:s:p',
  'core.PodSpec':
    '1:volumes:core.Volume:r 20:initContainers:core.Container:r 2:containers:core.Container:r 34:ephemeralContainers:core.EphemeralContainer:r 3:restartPolicy:s 4:terminationGracePeriodSeconds:i64:p 5:activeDeadlineSeconds:i64:p 6:dnsPolicy:s 7:nodeSelector:s:m 8:serviceAccountName:s 9:serviceAccount:s 21:automountServiceAccountToken:b:p 10:nodeName:s 11:hostNetwork:b 12:hostPID:b 13:hostIPC:b 27:shareProcessNamespace:b:p 14:securityContext:core.PodSecurityContext 15:imagePullSecrets:core.LocalObjectReference:r 16:hostname:s 17:subdomain:s 18:affinity:core.Affinity 19:schedulerName:s 22:tolerations:core.Toleration:r 23:hostAliases:core.HostAlias:r 24:priorityClassName:s 25:priority:i32:p 26:dnsConfig:core.PodDNSConfig 28:readinessGates:core.PodReadinessGate:r 29:runtimeClassName:s:p 30:enableServiceLinks:b:p 31:preemptionPolicy:s:p 32:overhead:resource.Quantity:m 33:topologySpreadConstraints:core.TopologySpreadConstraint:r 35:setHostnameAsFQDN:b:p 36:os:core.PodOS 37:hostUsers:b:p 38:schedulingGates:core.PodSchedulingGate:r 39:resourceClaims:core.PodResourceClaim:r 40:resources:core.ResourceRequirements 41:hostnameOverride:s:p 43:schedulingGroup:core.PodSchedulingGroup 44:evictionResponders:core.EvictionResponder:r',
  'core.PodStatus':
    '17:observedGeneration:i64 1:phase:s 2:conditions:core.PodCondition:r 3:message:s 4:reason:s 11:nominatedNodeName:s 5:hostIP:s 16:hostIPs:core.HostIP:r 6:podIP:s 12:podIPs:core.PodIP:r 7:startTime:meta.Time 10:initContainerStatuses:core.ContainerStatus:r 8:containerStatuses:core.ContainerStatus:r 9:qosClass:s 13:ephemeralContainerStatuses:core.ContainerStatus:r 14:resize:s 15:resourceClaimStatuses:core.PodResourceClaimStatus:r 18:extendedResourceClaimStatus:core.PodExtendedResourceClaimStatus 19:allocatedResources:resource.Quantity:m 20:resources:core.ResourceRequirements 21:nodeAllocatableResourceClaimStatuses:core.NodeAllocatableResourceClaimStatus:r 22:volumeHealth:core.PodVolumeHealth:r',
  'core.PodTemplateSpec': '1:metadata:meta.ObjectMeta 2:spec:core.PodSpec',
  'core.PodVolumeHealth':
    '1:name:s:p 2:healthConditions:core.VolumeHealthCondition:r 3:lastTransitionTime:meta.Time',
  'core.PortStatus': '1:port:i32:p 2:protocol:s:p 3:error:s:p',
  'core.PortworxVolumeSource': '1:volumeID:s:p 2:fsType:s 3:readOnly:b',
  'core.PreferredSchedulingTerm': '1:weight:i32:p 2:preference:core.NodeSelectorTerm',
  'core.Probe':
    '1::core.ProbeHandler:i 2:initialDelaySeconds:i32 3:timeoutSeconds:i32 4:periodSeconds:i32 5:successThreshold:i32 6:failureThreshold:i32 7:terminationGracePeriodSeconds:i64:p',
  'core.ProbeHandler':
    '1:exec:core.ExecAction 2:httpGet:core.HTTPGetAction 3:tcpSocket:core.TCPSocketAction 4:grpc:core.GRPCAction',
  'core.ProjectedVolumeSource':
    '1:sources:core.VolumeProjection:r 2:defaultMode:i32:p 3:defaultUser:i64:p',
  'core.QuobyteVolumeSource':
    '1:registry:s:p 2:volume:s:p 3:readOnly:b 4:user:s 5:group:s 6:tenant:s',
  'core.RBDVolumeSource':
    '1:monitors:s:r 2:image:s:p 3:fsType:s 4:pool:s 5:user:s 6:keyring:s 7:secretRef:core.LocalObjectReference 8:readOnly:b',
  'core.ResourceClaim': '1:name:s:p 2:request:s',
  'core.ResourceFieldSelector': '1:containerName:s 2:resource:s:p 3:divisor:resource.Quantity',
  'core.ResourceHealth': '1:resourceID:s:p 2:health:s 6:message:s:p',
  'core.ResourceQuota':
    '1:metadata:meta.ObjectMeta 2:spec:core.ResourceQuotaSpec 3:status:core.ResourceQuotaStatus',
  'core.ResourceQuotaSpec':
    '1:hard:resource.Quantity:m 2:scopes:s:r 3:scopeSelector:core.ScopeSelector',
  'core.ResourceQuotaStatus': '1:hard:resource.Quantity:m 2:used:resource.Quantity:m',
  'core.ResourceRequirements':
    '1:limits:resource.Quantity:m 2:requests:resource.Quantity:m 3:claims:core.ResourceClaim:r',
  'core.ResourceStatus': '1:name:s:p 2:resources:core.ResourceHealth:r',
  'core.SELinuxOptions': '1:user:s 2:role:s 3:type:s 4:level:s',
  'core.ScaleIOVolumeSource':
    '1:gateway:s:p 2:system:s:p 3:secretRef:core.LocalObjectReference 4:sslEnabled:b 5:protectionDomain:s 6:storagePool:s 7:storageMode:s 8:volumeName:s 9:fsType:s 10:readOnly:b',
  'core.ScopeSelector': '1:matchExpressions:core.ScopedResourceSelectorRequirement:r',
  'core.ScopedResourceSelectorRequirement': '1:scopeName:s:p 2:operator:s:p 3:values:s:r',
  'core.SeccompProfile': '1:type:s:p 2:localhostProfile:s:p',
  'core.Secret':
    '1:metadata:meta.ObjectMeta 5:immutable:b:p 2:data:bytes:m 4:stringData:s:m 3:type:s',
  'core.SecretEnvSource': '1::core.LocalObjectReference:i 2:optional:b:p',
  'core.SecretKeySelector': '1::core.LocalObjectReference:i 2:key:s:p 3:optional:b:p',
  'core.SecretProjection': '1::core.LocalObjectReference:i 2:items:core.KeyToPath:r 4:optional:b:p',
  'core.SecretVolumeSource':
    '1:secretName:s 2:items:core.KeyToPath:r 3:defaultMode:i32:p 4:optional:b:p 5:defaultUser:i64:p',
  'core.SecurityContext':
    '1:capabilities:core.Capabilities 2:privileged:b:p 3:seLinuxOptions:core.SELinuxOptions 10:windowsOptions:core.WindowsSecurityContextOptions 4:runAsUser:i64:p 8:runAsGroup:i64:p 5:runAsNonRoot:b:p 6:readOnlyRootFilesystem:b:p 7:allowPrivilegeEscalation:b:p 9:procMount:s:p 11:seccompProfile:core.SeccompProfile 12:appArmorProfile:core.AppArmorProfile',
  'core.Service': '1:metadata:meta.ObjectMeta 2:spec:core.ServiceSpec 3:status:core.ServiceStatus',
  'core.ServiceAccount':
    '1:metadata:meta.ObjectMeta 2:secrets:core.ObjectReference:r 3:imagePullSecrets:core.LocalObjectReference:r 4:automountServiceAccountToken:b:p',
  'core.ServiceAccountTokenProjection':
    '1:audience:s 2:expirationSeconds:i64:p 3:path:s:p 4:user:i64:p',
  'core.ServicePort':
    '1:name:s 2:protocol:s 6:appProtocol:s:p 3:port:i32:p 4:targetPort:intstr.IntOrString 5:nodePort:i32',
  'core.ServiceSpec':
    '1:ports:core.ServicePort:r 2:selector:s:m 3:clusterIP:s 18:clusterIPs:s:r 4:type:s 5:externalIPs:s:r 7:sessionAffinity:s 8:loadBalancerIP:s 9:loadBalancerSourceRanges:s:r 10:externalName:s 11:externalTrafficPolicy:s 12:healthCheckNodePort:i32 13:publishNotReadyAddresses:b 14:sessionAffinityConfig:core.SessionAffinityConfig 19:ipFamilies:s:r 17:ipFamilyPolicy:s:p 20:allocateLoadBalancerNodePorts:b:p 21:loadBalancerClass:s:p 22:internalTrafficPolicy:s:p 23:trafficDistribution:s:p',
  'core.ServiceStatus': '1:loadBalancer:core.LoadBalancerStatus 2:conditions:meta.Condition:r',
  'core.SessionAffinityConfig': '1:clientIP:core.ClientIPConfig',
  'core.SleepAction': '1:seconds:i64:p',
  'core.StorageOSVolumeSource':
    '1:volumeName:s 2:volumeNamespace:s 3:fsType:s 4:readOnly:b 5:secretRef:core.LocalObjectReference',
  'core.Sysctl': '1:name:s:p 2:value:s:p',
  'core.TCPSocketAction': '1:port:intstr.IntOrString 2:host:s',
  'core.Toleration': '1:key:s 2:operator:s 3:value:s 4:effect:s 5:tolerationSeconds:i64:p',
  'core.TopologySpreadConstraint':
    '1:maxSkew:i32:p 2:topologyKey:s:p 3:whenUnsatisfiable:s:p 4:labelSelector:meta.LabelSelector 5:minDomains:i32:p 6:nodeAffinityPolicy:s:p 7:nodeTaintsPolicy:s:p 8:matchLabelKeys:s:r',
  'core.TypedLocalObjectReference': '1:apiGroup:s:p 2:kind:s:p 3:name:s:p',
  'core.TypedObjectReference': '1:apiGroup:s:p 2:kind:s:p 3:name:s:p 4:namespace:s:p',
  'core.Volume': '1:name:s:p 2::core.VolumeSource:i',
  'core.VolumeDevice': '1:name:s:p 2:devicePath:s:p',
  'core.VolumeHealthCondition': '1:status:s:p 2:reason:s:p 3:message:s',
  'core.VolumeMount':
    '1:name:s:p 2:readOnly:b 7:recursiveReadOnly:s:p 3:mountPath:s:p 4:subPath:s 5:mountPropagation:s:p 6:subPathExpr:s 8:bindMountOptions:s:r',
  'core.VolumeMountStatus':
    '1:name:s:p 2:mountPath:s:p 3:readOnly:b 4:recursiveReadOnly:s:p 5:volumeStatus:core.VolumeStatus',
  'core.VolumeProjection':
    '1:secret:core.SecretProjection 2:downwardAPI:core.DownwardAPIProjection 3:configMap:core.ConfigMapProjection 4:serviceAccountToken:core.ServiceAccountTokenProjection 5:clusterTrustBundle:core.ClusterTrustBundleProjection 6:podCertificate:core.PodCertificateProjection',
  'core.VolumeResourceRequirements': '1:limits:resource.Quantity:m 2:requests:resource.Quantity:m',
  'core.VolumeSource':
    '1:hostPath:core.HostPathVolumeSource 2:emptyDir:core.EmptyDirVolumeSource 3:gcePersistentDisk:core.GCEPersistentDiskVolumeSource 4:awsElasticBlockStore:core.AWSElasticBlockStoreVolumeSource 5:gitRepo:core.GitRepoVolumeSource 6:secret:core.SecretVolumeSource 7:nfs:core.NFSVolumeSource 8:iscsi:core.ISCSIVolumeSource 9:glusterfs:core.GlusterfsVolumeSource 10:persistentVolumeClaim:core.PersistentVolumeClaimVolumeSource 11:rbd:core.RBDVolumeSource 12:flexVolume:core.FlexVolumeSource 13:cinder:core.CinderVolumeSource 14:cephfs:core.CephFSVolumeSource 15:flocker:core.FlockerVolumeSource 16:downwardAPI:core.DownwardAPIVolumeSource 17:fc:core.FCVolumeSource 18:azureFile:core.AzureFileVolumeSource 19:configMap:core.ConfigMapVolumeSource 20:vsphereVolume:core.VsphereVirtualDiskVolumeSource 21:quobyte:core.QuobyteVolumeSource 22:azureDisk:core.AzureDiskVolumeSource 23:photonPersistentDisk:core.PhotonPersistentDiskVolumeSource 26:projected:core.ProjectedVolumeSource 24:portworxVolume:core.PortworxVolumeSource 25:scaleIO:core.ScaleIOVolumeSource 27:storageos:core.StorageOSVolumeSource 28:csi:core.CSIVolumeSource 29:ephemeral:core.EphemeralVolumeSource 30:image:core.ImageVolumeSource',
  'core.VolumeStatus': '1:image:core.ImageVolumeStatus',
  'core.VsphereVirtualDiskVolumeSource':
    '1:volumePath:s:p 2:fsType:s 3:storagePolicyName:s 4:storagePolicyID:s',
  'core.WeightedPodAffinityTerm': '1:weight:i32:p 2:podAffinityTerm:core.PodAffinityTerm',
  'core.WindowsSecurityContextOptions':
    '1:gmsaCredentialSpecName:s:p 2:gmsaCredentialSpec:s:p 3:runAsUserName:s:p 4:hostProcess:b:p',
};
