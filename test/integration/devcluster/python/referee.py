"""The official Kubernetes Python client against a devcluster: a third
referee beside kubectl and @kubernetes/client-node, whose code the project
did not write. Run by python.test.ts as `python3 referee.py KUBECONFIG`.

Each step asserts what kube-apiserver answers; the first failed assertion
ends the run with a traceback and a non-zero exit. Every finished step
prints one line `ok <step>`, so the caller sees how far it got.
"""

import sys
import threading
import time

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

NS = "referee"
GROUP, VERSION, PLURAL = "example.com", "v1", "widgets"


def ok(step):
    print("ok " + step, flush=True)


def status_of(call):
    """The HTTP status an API call failed with (None if it succeeded)."""
    try:
        call()
    except ApiException as e:
        return e.status
    return None


config.load_kube_config(config_file=sys.argv[1])
core = client.CoreV1Api()
custom = client.CustomObjectsApi()
ext = client.ApiextensionsV1Api()

# create
core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=NS)))
created = core.create_namespaced_config_map(
    NS,
    client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name="a", labels={"app": "referee"}),
        data={"k": "1"},
    ),
)
assert created.metadata.uid, "a created object has a uid"
assert created.metadata.resource_version.isdigit(), created.metadata.resource_version
assert created.metadata.creation_timestamp is not None
assert created.data == {"k": "1"}
assert status_of(lambda: core.create_namespaced_config_map(NS, created)) == 409
ok("create")

# list, with a label selector; the list's resourceVersion starts the watch
core.create_namespaced_config_map(
    NS, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="other"))
)
listed = core.list_namespaced_config_map(NS, label_selector="app in (referee)")
assert [c.metadata.name for c in listed.items] == ["a"], listed.items
start = listed.metadata.resource_version
assert start.isdigit() and int(start) >= int(created.metadata.resource_version)
ok("list")

# patch: a dict body goes as a strategic merge patch, a list as a JSON patch
patched = core.patch_namespaced_config_map("a", NS, {"data": {"k": "2"}})
assert patched.data == {"k": "2"}, patched.data
assert int(patched.metadata.resource_version) > int(start)
patched = core.patch_namespaced_config_map(
    "a", NS, [{"op": "add", "path": "/data/j", "value": "3"}]
)
assert patched.data == {"k": "2", "j": "3"}, patched.data
stale = client.V1ConfigMap(
    metadata=client.V1ObjectMeta(
        name="a", resource_version=created.metadata.resource_version
    ),
    data={},
)
assert status_of(lambda: core.replace_namespaced_config_map("a", NS, stale)) == 409
ok("patch")

# watch from the list's resourceVersion: every change since, in order
core.delete_namespaced_config_map("a", NS)
assert status_of(lambda: core.read_namespaced_config_map("a", NS)) == 404
seen = []
w = watch.Watch()
for event in w.stream(
    core.list_namespaced_config_map,
    NS,
    label_selector="app=referee",
    resource_version=start,
    timeout_seconds=5,
):
    obj = event["object"]
    assert isinstance(obj, client.V1ConfigMap), type(obj)
    seen.append((event["type"], obj.metadata.name, obj.data))
    if event["type"] == "DELETED":
        w.stop()
assert seen == [
    ("MODIFIED", "a", {"k": "2"}),
    ("MODIFIED", "a", {"k": "2", "j": "3"}),
    ("DELETED", "a", {"k": "2", "j": "3"}),
], seen

# and a watch that is open when the change happens
events = []
latest = core.list_namespaced_config_map(NS).metadata.resource_version
live = watch.Watch()


def follow():
    for event in live.stream(
        core.list_namespaced_config_map, NS, resource_version=latest, timeout_seconds=5
    ):
        events.append((event["type"], event["object"].metadata.name))
        live.stop()


follower = threading.Thread(target=follow)
follower.start()
time.sleep(0.3)  # let the watch open first: the change then arrives live, not replayed
core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="live")))
follower.join(10)
assert events == [("ADDED", "live")], events
core.delete_namespaced_config_map("live", NS)
ok("watch")

# status: a custom resource with the status subresource
ext.create_custom_resource_definition(
    {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": PLURAL + "." + GROUP},
        "spec": {
            "group": GROUP,
            "scope": "Namespaced",
            "names": {"plural": PLURAL, "singular": "widget", "kind": "Widget"},
            "versions": [
                {
                    "name": VERSION,
                    "served": True,
                    "storage": True,
                    "subresources": {"status": {}},
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "properties": {
                                "spec": {
                                    "type": "object",
                                    "properties": {"size": {"type": "integer"}},
                                },
                                "status": {
                                    "type": "object",
                                    "properties": {"phase": {"type": "string"}},
                                },
                            },
                        }
                    },
                }
            ],
        },
    },
    _preload_content=False,
)
widget = custom.create_namespaced_custom_object(
    GROUP,
    VERSION,
    NS,
    PLURAL,
    {
        "apiVersion": GROUP + "/" + VERSION,
        "kind": "Widget",
        "metadata": {"name": "w"},
        "spec": {"size": 1},
        "status": {"phase": "ignored"},
    },
)
assert "status" not in widget, "status is not set through the main resource"
assert widget["metadata"]["generation"] == 1
widget = custom.patch_namespaced_custom_object_status(
    GROUP, VERSION, NS, PLURAL, "w", {"status": {"phase": "Ready"}, "spec": {"size": 9}}
)
assert widget["status"] == {"phase": "Ready"}, widget
assert widget["spec"] == {"size": 1}, "spec is not changed through /status"
assert widget["metadata"]["generation"] == 1, "a status change keeps the generation"
widget = custom.get_namespaced_custom_object_status(GROUP, VERSION, NS, PLURAL, "w")
assert widget["status"] == {"phase": "Ready"}
widget = custom.patch_namespaced_custom_object(
    GROUP, VERSION, NS, PLURAL, "w", {"spec": {"size": 2}}
)
assert widget["metadata"]["generation"] == 2, "a spec change bumps the generation"
assert widget["status"] == {"phase": "Ready"}

# and a pod's: conditions merge by type (strategic merge), spec stays
core.create_namespaced_pod(
    NS,
    client.V1Pod(
        metadata=client.V1ObjectMeta(name="p"),
        spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="busybox")]),
    ),
)
pod = core.patch_namespaced_pod_status(
    "p",
    NS,
    {"status": {"conditions": [{"type": "Example", "status": "True"}]}, "spec": {"activeDeadlineSeconds": 5}},
)
types = [c.type for c in pod.status.conditions]
assert "Example" in types and len(types) > 1, types
assert pod.spec.active_deadline_seconds is None, "spec is not changed through /status"
assert core.read_namespaced_pod_status("p", NS).status.conditions == pod.status.conditions
core.delete_namespaced_pod("p", NS)
ok("status")

# delete
custom.delete_namespaced_custom_object(GROUP, VERSION, NS, PLURAL, "w")
assert (
    status_of(lambda: custom.get_namespaced_custom_object(GROUP, VERSION, NS, PLURAL, "w"))
    == 404
)
core.delete_namespaced_config_map("other", NS)
left = core.list_namespaced_config_map(NS)
assert left.items == [], left.items
ok("delete")

# rollout: a Deployment's ReplicaSet and pods, read through the typed apps/v1 models
apps = client.AppsV1Api()
labels = {"app": "ref"}
apps.create_namespaced_deployment(
    NS,
    client.V1Deployment(
        metadata=client.V1ObjectMeta(name="ref"),
        spec=client.V1DeploymentSpec(
            replicas=2,
            selector=client.V1LabelSelector(match_labels=labels),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels=labels),
                spec=client.V1PodSpec(containers=[client.V1Container(name="app", image="api:v1")]),
            ),
        ),
    ),
)
deadline = time.time() + 10
d = apps.read_namespaced_deployment("ref", NS)
while (d.status.available_replicas or 0) < 2:
    assert time.time() < deadline, d.status
    time.sleep(0.05)
    d = apps.read_namespaced_deployment("ref", NS)
assert d.status.observed_generation == d.metadata.generation, d.status
progressing = [c for c in d.status.conditions if c.type == "Progressing"][0]
assert progressing.reason == "NewReplicaSetAvailable", progressing
rs = apps.list_namespaced_replica_set(NS, label_selector="app=ref").items
assert len(rs) == 1 and rs[0].status.ready_replicas == 2, rs
assert apps.read_namespaced_deployment_scale("ref", NS).spec.replicas == 2
pods = core.list_namespaced_pod(NS, label_selector="app=ref").items
assert [p.metadata.owner_references[0].name for p in pods] == [rs[0].metadata.name] * 2, pods
apps.delete_namespaced_deployment("ref", NS)
ok("rollout")
