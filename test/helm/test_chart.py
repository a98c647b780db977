#!/usr/bin/python3
# Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
"""Checks the Helm chart without Helm: values are validated against
values.schema.json (as Helm does), the templates are rendered with
test/helm/render (Go text/template + sprig), every document is parsed, and
what matters is checked: kinds and names, RBAC rules, the hostPath, probes,
security context, and that the rendered container args and env are accepted
by the real binary's flag parser.

Needs Debian's python3-yaml and python3-jsonschema; VCP_PROVIDER_BINARY names
the provider binary and HELM_RENDER_DIR a scratch directory.
"""
import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest

import jsonschema
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHART = os.path.join(ROOT, "deploy", "helm", "vault-csi-provider")
BINARY = os.environ.get("VCP_PROVIDER_BINARY", os.path.join(ROOT, "build", "release", "src", "vault-csi-provider"))
SCRATCH = os.environ.get("HELM_RENDER_DIR") or tempfile.mkdtemp(prefix="helm-render-")

CUSTOM = {
    "image": {"repository": "registry.example.com/vcp", "tag": "1.2.3", "pullPolicy": "Always"},
    "imagePullSecrets": [{"name": "regcred"}],
    "logLevel": "debug",
    "vault": {
        "address": "https://vault.vault.svc:8200",
        "namespace": "team-a",
        "authMountPath": "cluster-a",
        "tls": {"secretName": "vault-tls", "caCert": "ca.crt", "clientCert": "tls.crt", "clientKey": "tls.key",
                "serverName": "vault.vault.svc", "skipVerify": False},
    },
    "hmacSecretName": "my-hmac",
    "cacheSize": 5000,
    "providersDir": "/etc/kubernetes/secrets-store-csi-providers",
    "healthPort": 9090,
    "extraArgs": ["-hmac-key-check-interval=30s"],
    "extraEnv": [{"name": "TZ", "value": "UTC"}],
    "priorityClassName": "",
    "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "secrets", "effect": "NoSchedule"}],
    "daemonSetAnnotations": {"example.com/owner": "platform"},
    "podAnnotations": {"prometheus.io/scrape": "false"},
    "commonLabels": {"team": "platform"},
    "secrets-store-csi-driver": {"install": True, "tokenRequests": [{"audience": "vault"}, {"audience": "custom"}]},
}
EXISTING_ACCOUNT = {"rbac": {"create": False}, "serviceAccount": {"create": False, "name": "existing-sa"},
                    "vault": {"tls": {"skipVerify": True}}}


def merge(base, override):
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def render(overrides, name="vcp", namespace="csi"):
    """Validates overrides + defaults against the schema, renders, returns (docs by kind, notes)."""
    with open(os.path.join(CHART, "values.yaml")) as f:
        defaults = yaml.safe_load(f)
    with open(os.path.join(CHART, "values.schema.json")) as f:
        schema = json.load(f)
    values = merge(defaults, overrides)
    jsonschema.validate(values, schema)
    values_file = os.path.join(SCRATCH, "values-%d.yaml" % abs(hash(json.dumps(overrides, sort_keys=True))))
    with open(values_file, "w") as f:
        yaml.safe_dump(overrides, f)
    notes_file = values_file + ".notes"
    out = subprocess.run([os.path.join(SCRATCH, "helm-render"), "-chart", CHART, "-f", values_file, "-name", name,
                          "-namespace", namespace, "-notes", notes_file], check=True, capture_output=True, text=True)
    docs = [d for d in yaml.safe_load_all(out.stdout) if d]
    by_kind = {}
    for doc in docs:
        by_kind.setdefault(doc["kind"], []).append(doc)
    with open(notes_file) as f:
        return values, by_kind, f.read()


class ChartTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        subprocess.run(["bash", os.path.join(ROOT, "test", "helm", "build-renderer.sh"), SCRATCH], check=True)

    def daemonset(self, docs):
        self.assertEqual(len(docs["DaemonSet"]), 1)
        return docs["DaemonSet"][0]

    def check_common(self, values, docs, fullname):
        ds = self.daemonset(docs)
        self.assertEqual(ds["metadata"]["name"], fullname)
        pod = ds["spec"]["template"]["spec"]
        self.assertEqual(ds["spec"]["selector"]["matchLabels"],
                         {k: ds["spec"]["template"]["metadata"]["labels"][k] for k in ds["spec"]["selector"]["matchLabels"]})
        container = pod["containers"][0]
        self.assertIn("-endpoint=/provider/vault.sock", container["args"])
        mounts = {m["name"]: m for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        self.assertEqual(mounts["providervol"]["mountPath"], "/provider")
        self.assertEqual(volumes["providervol"]["hostPath"]["path"], values["providersDir"])
        port = values["healthPort"]
        self.assertEqual(container["ports"][0]["containerPort"], port)
        self.assertIn("-health-addr=:%d" % port, container["args"])
        self.assertEqual(container["livenessProbe"]["httpGet"], {"path": "/health/live", "port": "health"})
        self.assertEqual(container["readinessProbe"]["httpGet"], {"path": "/health/ready", "port": "health"})
        sc = container["securityContext"]
        self.assertTrue(sc["readOnlyRootFilesystem"])
        self.assertFalse(sc["allowPrivilegeEscalation"])
        self.assertEqual(sc["capabilities"]["drop"], ["ALL"])
        self.assertEqual(pod["nodeSelector"], {"kubernetes.io/os": "linux"})
        self.assertEqual(pod["tolerations"], values["tolerations"])
        self.assert_binary_accepts(container)
        return pod, container

    def assert_binary_accepts(self, container):
        env = {"PATH": "/usr/bin:/bin"}
        for item in container.get("env") or []:
            env[item["name"]] = item.get("value", "")
        result = subprocess.run([BINARY] + container["args"] + ["-version"], env=env, capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, "rendered args rejected: %s\n%s" % (container["args"], result.stderr))

    def test_default_values(self):
        values, docs, notes = render({})
        fullname = "vcp-vault-csi-provider"
        pod, container = self.check_common(values, docs, fullname)
        self.assertEqual(sorted(docs), ["ClusterRole", "ClusterRoleBinding", "DaemonSet", "Role", "RoleBinding", "ServiceAccount"])
        self.assertEqual(pod["serviceAccountName"], fullname)
        self.assertEqual(pod["priorityClassName"], "system-node-critical")
        self.assertEqual(pod["tolerations"], [{"operator": "Exists"}])
        self.assertEqual(container["image"], "vault-csi-provider:0.1.0")
        self.assertNotIn("env", container)
        self.assertIn("-hmac-secret-name=%s-hmac-key" % fullname, container["args"])
        self.assertEqual(container["resources"]["requests"], {"cpu": "10m", "memory": "48Mi"})
        # RBAC: exactly what the provider needs, nothing more.
        self.assertEqual(docs["ClusterRole"][0]["rules"],
                         [{"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"]}])
        self.assertEqual(docs["Role"][0]["rules"], [
            {"apiGroups": [""], "resources": ["secrets"], "resourceNames": [fullname + "-hmac-key"], "verbs": ["get"]},
            {"apiGroups": [""], "resources": ["secrets"], "verbs": ["create"]}])
        for binding in docs["ClusterRoleBinding"] + docs["RoleBinding"]:
            self.assertEqual(binding["subjects"], [{"kind": "ServiceAccount", "name": fullname, "namespace": "csi"}])
            self.assertEqual(binding["roleRef"]["name"], fullname)
        self.assertEqual(docs["Role"][0]["metadata"]["namespace"], "csi")
        self.assertIn("tokenRequests[0].audience=vault", notes)
        self.assertIn("rollout status daemonset/" + fullname, notes)

    def test_custom_values(self):
        values, docs, notes = render(CUSTOM, name="secrets")
        fullname = "secrets-vault-csi-provider"
        pod, container = self.check_common(values, docs, fullname)
        self.assertEqual(container["image"], "registry.example.com/vcp:1.2.3")
        self.assertEqual(pod["imagePullSecrets"], [{"name": "regcred"}])
        self.assertNotIn("priorityClassName", pod)
        for arg in ["-log-level=debug", "-hmac-secret-name=my-hmac", "-cache-size=5000", "-vault-mount=cluster-a",
                    "-hmac-key-check-interval=30s"]:
            self.assertIn(arg, container["args"])
        env = {e["name"]: e["value"] for e in container["env"]}
        self.assertEqual(env, {"VAULT_ADDR": "https://vault.vault.svc:8200", "VAULT_NAMESPACE": "team-a",
                               "VAULT_CACERT": "/vault/tls/ca.crt", "VAULT_CLIENT_CERT": "/vault/tls/tls.crt",
                               "VAULT_CLIENT_KEY": "/vault/tls/tls.key", "VAULT_TLS_SERVER_NAME": "vault.vault.svc",
                               "TZ": "UTC"})
        volumes = {v["name"]: v for v in pod["volumes"]}
        self.assertEqual(volumes["vault-tls"]["secret"]["secretName"], "vault-tls")
        self.assertIn({"name": "vault-tls", "mountPath": "/vault/tls", "readOnly": True}, container["volumeMounts"])
        self.assertEqual(docs["Role"][0]["rules"][0]["resourceNames"], ["my-hmac"])
        ds = self.daemonset(docs)
        self.assertEqual(ds["metadata"]["annotations"], {"example.com/owner": "platform"})
        self.assertEqual(ds["metadata"]["labels"]["team"], "platform")
        self.assertIn("installed with this release", notes)
        self.assertIn("custom", notes)

    def test_existing_service_account_without_rbac(self):
        values, docs, _ = render(EXISTING_ACCOUNT)
        pod, container = self.check_common(values, docs, "vcp-vault-csi-provider")
        self.assertEqual(sorted(docs), ["DaemonSet"])
        self.assertEqual(pod["serviceAccountName"], "existing-sa")
        self.assertIn({"name": "VAULT_SKIP_VERIFY", "value": "true"}, container["env"])

    def test_metrics_service_and_service_monitor(self):
        _, docs, _ = render({"metrics": {"serviceMonitor": {"enabled": True, "interval": "15s",
                                                            "labels": {"release": "prom"}}}})
        service = docs["Service"][0]
        ds = self.daemonset(docs)
        self.assertEqual(service["spec"]["selector"], ds["spec"]["selector"]["matchLabels"])
        self.assertEqual(service["spec"]["ports"][0]["targetPort"], "health")
        monitor = docs["ServiceMonitor"][0]
        self.assertEqual(monitor["spec"]["endpoints"], [{"port": "health", "path": "/metrics", "interval": "15s"}])
        self.assertEqual(monitor["metadata"]["labels"]["release"], "prom")
        for label, value in monitor["spec"]["selector"]["matchLabels"].items():
            self.assertEqual(service["metadata"]["labels"][label], value)
        _, defaults, _ = render({})
        self.assertNotIn("Service", defaults)
        self.assertNotIn("ServiceMonitor", defaults)

    def test_driver_dependency_is_preconfigured_for_the_provider(self):
        with open(os.path.join(CHART, "Chart.yaml")) as f:
            chart = yaml.safe_load(f)
        dependency = chart["dependencies"][0]
        self.assertEqual(dependency["name"], "secrets-store-csi-driver")
        self.assertEqual(dependency["condition"], "secrets-store-csi-driver.install")
        with open(os.path.join(CHART, "values.yaml")) as f:
            values = yaml.safe_load(f)
        driver = values["secrets-store-csi-driver"]
        self.assertFalse(driver["install"], "off by default")
        self.assertEqual(driver["linux"]["providersDir"], values["providersDir"])
        self.assertEqual(driver["tokenRequests"], [{"audience": "vault"}])
        self.assertTrue(driver["enableSecretRotation"])

    def test_schema_rejects_mistyped_values(self):
        for bad in [{"cacheSize": "big"}, {"logLevel": "verbose"}, {"logLevl": "info"}, {"healthPort": 0},
                    {"vault": {"address": "vault:8200"}}, {"extraArgs": "-debug"}, {"providersDir": "relative"},
                    {"image": {"pullPolicy": "Sometimes"}}, {"vault": {"tls": {"skipVerify": "yes"}}},
                    {"serviceAccount": {"create": "true"}}, {"hmacSecretName": "Not_A_Name"},
                    {"metrics": {"serviceMonitor": {"interval": "often"}}}]:
            with self.subTest(bad=bad):
                with self.assertRaises(jsonschema.ValidationError):
                    render(bad)

    def test_every_value_is_documented(self):
        # Top-level keys, and the keys of settings groups, each need a comment line above
        # them. Values that are Kubernetes objects (resources, securityContext, probes,
        # tolerations, ...) are documented as a whole by the comment on their key.
        groups = {"image", "vault", "vault.tls", "serviceAccount", "rbac", "metrics", "metrics.service",
                  "metrics.serviceMonitor", "secrets-store-csi-driver",
                  "secrets-store-csi-driver.linux", "secrets-store-csi-driver.syncSecret"}
        with open(os.path.join(CHART, "values.yaml")) as f:
            lines = f.read().splitlines()
        path = []
        for i, line in enumerate(lines):
            stripped = line.strip()
            if not stripped or stripped.startswith("#") or stripped.startswith("-") or ":" not in stripped:
                continue
            depth = (len(line) - len(line.lstrip())) // 2
            path = path[:depth] + [stripped.split(":")[0]]
            parent = ".".join(path[:-1])
            if depth == 0 or parent in groups:
                with self.subTest(key=".".join(path)):
                    self.assertTrue(lines[i - 1].strip().startswith("#"), "values.yaml line %d has no comment" % (i + 1))


if __name__ == "__main__":
    unittest.main(verbosity=2)
