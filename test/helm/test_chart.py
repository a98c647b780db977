#!/usr/bin/python3
# Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
"""Checks the Helm chart with real Helm, once with Helm 3 and once with Helm 4:

- `helm lint --strict`, and `helm template` for every values combination the docs use;
- what matters in the rendered objects: names, labels, RBAC (no ClusterRole by default),
  the hostPath and its init container, probes, the non-root security context, and the
  rendered container args and env, run through the real binary's flag parser;
- values.schema.json, as Helm applies it: rejected and accepted values;
- every rendered object against the Kubernetes OpenAPI schemas of the oldest and the
  newest Kubernetes version the chart claims (npm kubernetes-models, test/helm/package.json);
- that deploy/helm/vault-csi-provider/README.md's values table is what
  @bitnami/readme-generator-for-helm makes from values.yaml;
- every `helm` command in README.md and docs/**/*.md, run as written from the repository
  root (install/upgrade with --dry-run=client, against a fake API server that has no
  releases); commands that need a real cluster or the network are listed as skipped and
  their flags checked against the command's --help.

Needs python3-yaml, python3-jsonschema, node, and what scripts/install-deps.sh installs:
HELM3_BINARY, HELM4_BINARY (default /opt/vcp-tools/helm{3,4}/helm), VCP_NPM_TOOLS
(default /opt/vcp-tools/npm); VCP_PROVIDER_BINARY names the provider binary.
"""
import base64
import copy
import glob
import gzip
import http.server
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHART = os.path.join(ROOT, "deploy", "helm", "vault-csi-provider")
BINARY = os.environ.get("VCP_PROVIDER_BINARY", os.path.join(ROOT, "build", "release", "src", "vault-csi-provider"))
HELMS = {"helm3": os.environ.get("HELM3_BINARY", "/opt/vcp-tools/helm3/helm"),
         "helm4": os.environ.get("HELM4_BINARY", "/opt/vcp-tools/helm4/helm")}
NPM_TOOLS = os.environ.get("VCP_NPM_TOOLS", "/opt/vcp-tools/npm")
VALIDATOR = os.path.join(ROOT, "test", "helm", "validate_k8s.mjs")
# Oldest and newest Kubernetes the chart claims (Chart.yaml kubeVersion ">=1.25.0-0"), each
# with the kubernetes-models release generated from that version's OpenAPI spec
# (4.1.0: Kubernetes 1.25.2; 5.1.0: 1.34, the newest published).
KUBE_SCHEMAS = {"1.25.0": "kubernetes-models-k8s-1.25", "1.34.0": "kubernetes-models"}
NO_IMAGE_MESSAGE = ("image.repository is not set: there is no public image; build it from the repository's "
                    "Dockerfile, push it to your registry and set image.repository (and image.tag or image.digest)")

IMAGE = {"image": {"repository": "registry.example.com/vault-csi-provider"}}
CUSTOM = {
    "image": {"repository": "registry.example.com/vcp", "tag": "1.2.3", "pullPolicy": "Always"},
    "imagePullSecrets": [{"name": "regcred"}],
    "nameOverride": "vcp-x",
    "logLevel": "debug",
    "logFormat": "json",
    "maxConcurrentMounts": 64,
    "revokeTokens": True,
    "leaseReuse": False,
    "shareTokens": False,
    "shareJwtTokens": True,
    "readCacheTTL": "30s",
    "maxReadCacheBytes": 16777216,
    "hmacKeyCheckInterval": "30s",
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
    "extraArgs": ["-vault-tls-ca-directory=/etc/vault-ca"],
    "extraEnv": [{"name": "TZ", "value": "UTC"}],
    "extraVolumes": [{"name": "vault-ca", "configMap": {"name": "vault-ca"}}],
    "extraVolumeMounts": [{"name": "vault-ca", "mountPath": "/etc/vault-ca", "readOnly": True}],
    "priorityClassName": "system-node-critical",
    "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "secrets", "effect": "NoSchedule"}],
    "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "10%"}},
    "daemonSetAnnotations": {"example.com/owner": "platform"},
    "podAnnotations": {"prometheus.io/scrape": "false"},
    "podLabels": {"tier": "node"},
    "commonLabels": {"team": "platform"},
    "securityContext": {"runAsUser": 1000, "runAsGroup": 1000, "runAsNonRoot": True, "readOnlyRootFilesystem": True,
                        "allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]},
                        "seccompProfile": {"type": "RuntimeDefault"}},
}
EXISTING_ACCOUNT = {**IMAGE, "rbac": {"create": False}, "serviceAccount": {"create": False, "name": "existing-sa"},
                    "vault": {"tls": {"skipVerify": True}}, "fullnameOverride": "csi-vault"}
FALLBACK = {**IMAGE, "tokenRequestFallback": {"enabled": True}}
HMAC_EXISTING = {**IMAGE, "hmacSecretName": "operator-hmac", "hmacSecretExisting": True}
METRICS = {**IMAGE, "metrics": {"service": {"enabled": True},
                                "serviceMonitor": {"enabled": True, "interval": "15s", "labels": {"release": "prom"}},
                                "prometheusRule": {"enabled": True, "labels": {"role": "alert-rules"}},
                                "dashboard": {"enabled": True, "labels": {"grafana_folder": "csi"}}}}
DIGEST = {"image": {"repository": "registry.example.com/vcp", "tag": "ignored",
                    "digest": "sha256:" + "ab" * 32}}
NUMERIC_TAG = {"image": {"repository": "registry.example.com/vcp", "tag": 1.2}}
NO_INIT = {**IMAGE, "socketDirInit": {"enabled": False}}
OPENBAO = {**IMAGE, "providerName": "openbao"}
COMBINATIONS = {"defaults": IMAGE, "custom": CUSTOM, "existing-account": EXISTING_ACCOUNT, "fallback": FALLBACK,
                "hmac-existing": HMAC_EXISTING, "metrics": METRICS, "digest": DIGEST, "numeric-tag": NUMERIC_TAG,
                "no-init": NO_INIT, "openbao": OPENBAO}
METRIC_NAMES = ["vault_csi_provider_mount_requests_total", "vault_csi_provider_mount_duration_seconds",
                "vault_csi_provider_mounts_in_flight", "vault_csi_provider_vault_requests_total",
                "vault_csi_provider_logins_total"]


def merge(base, override):
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def node():
    return shutil.which("node") or shutil.which("nodejs") or "node"


# What the fake API server's discovery lists: every kind the chart renders.
RESOURCES = {
    "v1": [("serviceaccounts", "ServiceAccount", True), ("services", "Service", True),
           ("configmaps", "ConfigMap", True), ("secrets", "Secret", True), ("namespaces", "Namespace", False)],
    "apps/v1": [("daemonsets", "DaemonSet", True)],
    "rbac.authorization.k8s.io/v1": [("roles", "Role", True), ("rolebindings", "RoleBinding", True),
                                     ("clusterroles", "ClusterRole", False),
                                     ("clusterrolebindings", "ClusterRoleBinding", False)],
    "monitoring.coreos.com/v1": [("servicemonitors", "ServiceMonitor", True),
                                 ("prometheusrules", "PrometheusRule", True)],
}


class FakeApiServer:
    """The few Kubernetes API answers `helm install/upgrade --dry-run=client` needs: a version,
    empty discovery, and the release store (empty, or one deployed release for `upgrade`)."""

    def __init__(self):
        self.deployed_release = None  # release name to report as deployed, or None
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, code, obj):
                body = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                path = self.path.split("?")[0]
                if path == "/version":
                    return self.reply(200, {"major": "1", "minor": "34", "gitVersion": "v1.34.0"})
                if path == "/api":
                    return self.reply(200, {"kind": "APIVersions", "versions": ["v1"]})
                if path == "/apis":
                    return self.reply(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
                        {"name": g, "versions": [{"groupVersion": g + "/v1", "version": "v1"}],
                         "preferredVersion": {"groupVersion": g + "/v1", "version": "v1"}}
                        for g in sorted(k.split("/")[0] for k in RESOURCES if "/" in k)]})
                group_version = path[len("/api/"):] if path.startswith("/api/") else path[len("/apis/"):]
                if group_version in RESOURCES:
                    return self.reply(200, {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version,
                                            "resources": [{"name": plural, "singularName": kind.lower(), "kind": kind,
                                                           "namespaced": namespaced, "verbs": ["get", "list", "create"]}
                                                          for plural, kind, namespaced in RESOURCES[group_version]]})
                m = re.match(r"^/api/v1/namespaces/([^/]+)/secrets$", path)
                if m:
                    return self.reply(200, {"kind": "SecretList", "apiVersion": "v1", "metadata": {},
                                            "items": server.release_secrets(m.group(1))})
                self.reply(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound",
                                 "code": 404})

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def release_secrets(self, namespace):
        if not self.deployed_release:
            return []
        with open(os.path.join(CHART, "Chart.yaml")) as f:
            metadata = yaml.safe_load(f)
        name = self.deployed_release
        with open(os.path.join(CHART, "values.yaml")) as f:
            chart_values = yaml.safe_load(f)
        # As if installed with the install guide's first command.
        config = {"image": {"repository": "registry.example.com/vault-csi-provider", "tag": "0.1.0"},
                  "vault": {"address": "https://vault.vault.svc:8200"}}
        release = {"name": name, "namespace": namespace, "version": 1, "manifest": "", "config": config,
                   "info": {"status": "deployed", "first_deployed": "2026-01-01T00:00:00Z",
                            "last_deployed": "2026-01-01T00:00:00Z"},
                   "chart": {"metadata": metadata, "values": chart_values, "templates": []}}
        data = base64.b64encode(gzip.compress(json.dumps(release).encode())).decode()
        return [{"apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
                 "metadata": {"name": "sh.helm.release.v1.%s.v1" % name, "namespace": namespace,
                              "labels": {"name": name, "owner": "helm", "status": "deployed", "version": "1"}},
                 "data": {"release": base64.b64encode(data.encode()).decode()}}]

    def kubeconfig(self, directory):
        path = os.path.join(directory, "kubeconfig")
        with open(path, "w") as f:
            yaml.safe_dump({"apiVersion": "v1", "kind": "Config", "current-context": "fake",
                            "clusters": [{"name": "fake", "cluster": {"server": "http://127.0.0.1:%d" %
                                                                       self.httpd.server_address[1]}}],
                            "users": [{"name": "fake", "user": {}}],
                            "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "fake"}}]}, f)
        return path


class ChartChecks:
    """Mixed into one TestCase per Helm major version (HELM_KEY)."""
    HELM_KEY = None

    @classmethod
    def setUpClass(cls):
        cls.helm = HELMS[cls.HELM_KEY]
        if not os.access(cls.helm, os.X_OK):
            raise RuntimeError("%s not found at %s: run scripts/install-deps.sh" % (cls.HELM_KEY, cls.helm))
        cls.scratch = tempfile.mkdtemp(prefix="vcp-helm-")
        # Keep Helm away from the user's config, cache and any real cluster.
        cls.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": cls.scratch,
                   "HELM_CACHE_HOME": os.path.join(cls.scratch, "cache"),
                   "HELM_CONFIG_HOME": os.path.join(cls.scratch, "config"),
                   "HELM_DATA_HOME": os.path.join(cls.scratch, "data"),
                   "KUBECONFIG": os.path.join(cls.scratch, "no-kubeconfig")}
        cls.counter = 0

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.scratch, ignore_errors=True)

    # --- helpers -------------------------------------------------------------------------

    def run_helm(self, args, env=None, cwd=ROOT):
        return subprocess.run([self.helm] + args, env=env or self.env, cwd=cwd, capture_output=True, text=True)

    def values_file(self, values):
        type(self).counter += 1
        path = os.path.join(self.scratch, "values-%d.yaml" % self.counter)
        with open(path, "w") as f:
            yaml.safe_dump(values, f)
        return path

    def template(self, values, name="vcp", namespace="csi", kube_version=None, expect_ok=True):
        args = ["template", name, CHART, "-n", namespace, "-f", self.values_file(values)]
        if kube_version:
            args += ["--kube-version", kube_version]
        result = self.run_helm(args)
        if expect_ok:
            self.assertEqual(result.returncode, 0, "helm template failed for %s:\n%s" % (values, result.stderr))
        return result

    def render(self, values, **kw):
        """Renders; returns (effective values, {kind: [objects]}, objects in order)."""
        result = self.template(values, **kw)
        docs = [d for d in yaml.safe_load_all(result.stdout) if d]
        by_kind = {}
        for doc in docs:
            by_kind.setdefault(doc["kind"], []).append(doc)
        with open(os.path.join(CHART, "values.yaml")) as f:
            defaults = yaml.safe_load(f)
        return merge(defaults, values), by_kind, docs

    def notes(self, values, name="vcp", namespace="csi"):
        """NOTES.txt as `helm install --dry-run=client` prints it (offline, fake API server)."""
        server = FakeApiServer()
        try:
            env = dict(self.env, KUBECONFIG=server.kubeconfig(self.scratch))
            args = ["install", name, CHART, "-n", namespace, "-f", self.values_file(values), "--dry-run=client"]
            if self.HELM_KEY == "helm3":
                args.append("--disable-openapi-validation")
            result = self.run_helm(args, env=env)
        finally:
            server.httpd.shutdown()
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout.split("NOTES:", 1)[1]

    def daemonset(self, docs):
        self.assertEqual(len(docs["DaemonSet"]), 1)
        return docs["DaemonSet"][0]

    def assert_binary_accepts(self, container):
        env = {"PATH": "/usr/bin:/bin"}
        for item in container.get("env") or []:
            env[item["name"]] = item.get("value", "")
        result = subprocess.run([BINARY] + container["args"] + ["-version"], env=env, capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, "rendered args rejected by %s: %s\n%s" %
                         (BINARY, container["args"], result.stderr))

    def check_common(self, values, docs, fullname):
        ds = self.daemonset(docs)
        self.assertEqual(ds["metadata"]["name"], fullname)
        pod_meta = ds["spec"]["template"]["metadata"]
        pod = ds["spec"]["template"]["spec"]
        selector = ds["spec"]["selector"]["matchLabels"]
        self.assertEqual(selector, {k: pod_meta["labels"][k] for k in selector})
        # Every object carries the common labels, pods included.
        for kind, objects in docs.items():
            for obj in objects + ([ds["spec"]["template"]] if kind == "DaemonSet" else []):
                labels = obj["metadata"]["labels"]
                with self.subTest(kind=kind, labels=labels):
                    self.assertEqual(labels["app.kubernetes.io/component"], "provider")
                    self.assertEqual(labels["app.kubernetes.io/part-of"], "secrets-store-csi-driver")
                    for key, value in values["commonLabels"].items():
                        self.assertEqual(labels[key], value)
        container = pod["containers"][0]
        self.assertEqual(container["name"], "provider")
        # The driver finds the provider by its socket's name: <providersDir>/<provider>.sock.
        self.assertIn("-endpoint=/provider/%s.sock" % values["providerName"], container["args"])
        mounts = {m["name"]: m for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        self.assertEqual(mounts["providervol"]["mountPath"], "/provider")
        self.assertEqual(volumes["providervol"]["hostPath"], {"path": values["providersDir"], "type": "DirectoryOrCreate"})
        port = values["healthPort"]
        self.assertEqual(container["ports"][0]["containerPort"], port)
        self.assertIn("-health-addr=:%d" % port, container["args"])
        self.assertEqual(container["livenessProbe"]["httpGet"], {"path": "/health/live", "port": "health"})
        self.assertEqual(container["readinessProbe"]["httpGet"], {"path": "/health/ready", "port": "health"})
        sc = container["securityContext"]
        self.assertTrue(sc["readOnlyRootFilesystem"])
        self.assertFalse(sc["allowPrivilegeEscalation"])
        self.assertTrue(sc["runAsNonRoot"])
        self.assertNotEqual(sc["runAsUser"], 0)
        self.assertEqual(sc["capabilities"]["drop"], ["ALL"])
        self.assertNotIn("add", sc["capabilities"])
        self.assertEqual(sc["seccompProfile"], {"type": "RuntimeDefault"})
        if values["socketDirInit"]["enabled"]:
            init = pod["initContainers"]
            self.assertEqual([c["name"] for c in init], ["socket-dir"])
            self.assertEqual(init[0]["image"], container["image"])
            self.assertEqual(init[0]["command"], ["/bin/sh", "-c", "chgrp %d /provider && chmod g+w /provider" %
                                                  sc["runAsGroup"]])
            isc = init[0]["securityContext"]
            self.assertEqual((isc["runAsUser"], isc["runAsNonRoot"]), (0, False))
            self.assertEqual(isc["capabilities"], {"drop": ["ALL"], "add": ["CHOWN"]})
            self.assertTrue(isc["readOnlyRootFilesystem"])
            self.assertFalse(isc["allowPrivilegeEscalation"])
            self.assertEqual(init[0]["volumeMounts"], [{"name": "providervol", "mountPath": "/provider"}])
        else:
            self.assertNotIn("initContainers", pod)
        self.assertEqual(pod["nodeSelector"], {"kubernetes.io/os": "linux"})
        self.assertEqual(pod["tolerations"], values["tolerations"])
        fallback = values["tokenRequestFallback"]["enabled"]
        self.assertIn("-token-request-fallback=%s" % str(fallback).lower(), container["args"])
        self.assertEqual("ClusterRole" in docs, fallback and values["rbac"]["create"])
        self.assertEqual("ClusterRoleBinding" in docs, fallback and values["rbac"]["create"])
        self.assert_binary_accepts(container)
        return pod, container

    # --- tests ---------------------------------------------------------------------------

    def test_lint_strict(self):
        for values in [IMAGE, CUSTOM, METRICS]:
            with self.subTest(values=values):
                result = self.run_helm(["lint", "--strict", CHART, "-f", self.values_file(values)])
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_no_image_fails_with_build_instructions(self):
        result = self.template({}, expect_ok=False)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(NO_IMAGE_MESSAGE, result.stderr)

    def test_default_values(self):
        values, docs, _ = self.render(IMAGE)
        fullname = "vcp-vault-csi-provider"
        pod, container = self.check_common(values, docs, fullname)
        self.assertEqual(sorted(docs), ["DaemonSet", "Role", "RoleBinding", "ServiceAccount"])
        self.assertNotIn("ClusterRole", docs)
        self.assertEqual(pod["serviceAccountName"], fullname)
        self.assertNotIn("priorityClassName", pod)
        self.assertEqual(pod["tolerations"], [{"operator": "Exists"}])
        self.assertEqual(container["image"], "registry.example.com/vault-csi-provider:0.1.0")
        self.assertNotIn("env", container)
        self.assertEqual((container["securityContext"]["runAsUser"], container["securityContext"]["runAsGroup"]),
                         (65532, 65532))
        for arg in ["-hmac-secret-name=%s-hmac-key" % fullname, "-log-level=info", "-log-format=text",
                    "-max-concurrent-mounts=32", "-revoke-tokens=false", "-lease-reuse=true", "-cache-size=1000",
                    "-hmac-key-check-interval=1m", "-token-request-fallback=false", "-vault-mount=kubernetes",
                    "-allow-class-tls-settings=false", "-share-tokens=true", "-share-jwt-tokens=false",
                    "-read-cache-ttl=0s", "-max-read-cache-bytes=4194304"]:
            self.assertIn(arg, container["args"])
        # No vault.address and no list: any address (NOTES.txt warns), so no -allowed-vault-addrs.
        self.assertFalse([a for a in container["args"] if a.startswith("-allowed-vault-addrs")])
        self.assertEqual(container["resources"]["requests"], {"cpu": "10m", "memory": "48Mi"})
        self.assertEqual(docs["Role"][0]["rules"], [
            {"apiGroups": [""], "resources": ["secrets"], "resourceNames": [fullname + "-hmac-key"], "verbs": ["get"]},
            {"apiGroups": [""], "resources": ["secrets"], "verbs": ["create"]}])
        binding = docs["RoleBinding"][0]
        self.assertEqual(binding["subjects"], [{"kind": "ServiceAccount", "name": fullname, "namespace": "csi"}])
        self.assertEqual(binding["roleRef"]["name"], fullname)
        self.assertEqual(docs["Role"][0]["metadata"]["namespace"], "csi")

    def test_notes(self):
        notes = self.notes(IMAGE)
        self.assertIn("vault.address is empty", notes)
        self.assertIn("vaultAddress", notes)
        self.assertIn("tokenRequests[0].audience=vault", notes)
        self.assertIn("enableSecretRotation=true", notes)
        self.assertIn("linux.providersDir=/var/run/secrets-store-csi-providers", notes)
        self.assertIn("rollout status daemonset/vcp-vault-csi-provider", notes)
        self.assertIn("get daemonset vcp-vault-csi-provider", notes)
        self.assertIn("-o wide", notes)
        notes = self.notes(merge(CUSTOM, {"tokenRequestFallback": {"enabled": True}}), name="secrets")
        self.assertNotIn("vault.address is empty", notes)
        self.assertIn("TokenRequest fallback is on", notes)
        self.assertIn("linux.providersDir=/etc/kubernetes/secrets-store-csi-providers", notes)

    def test_custom_values(self):
        values, docs, _ = self.render(CUSTOM, name="secrets")
        fullname = "secrets-vcp-x"
        pod, container = self.check_common(values, docs, fullname)
        self.assertEqual(self.daemonset(docs)["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"], "vcp-x")
        self.assertEqual(container["image"], "registry.example.com/vcp:1.2.3")
        self.assertEqual(container["imagePullPolicy"], "Always")
        self.assertEqual(pod["imagePullSecrets"], [{"name": "regcred"}])
        self.assertEqual(pod["priorityClassName"], "system-node-critical")
        for arg in ["-log-level=debug", "-log-format=json", "-hmac-secret-name=my-hmac", "-cache-size=5000",
                    "-max-concurrent-mounts=64", "-revoke-tokens=true", "-lease-reuse=false",
                    "-hmac-key-check-interval=30s", "-vault-mount=cluster-a", "-vault-tls-ca-directory=/etc/vault-ca",
                    "-allowed-vault-addrs=https://vault.vault.svc:8200", "-share-tokens=false",
                    "-share-jwt-tokens=true", "-read-cache-ttl=30s", "-max-read-cache-bytes=16777216"]:
            self.assertIn(arg, container["args"])
        env = {e["name"]: e["value"] for e in container["env"]}
        self.assertEqual(env, {"VAULT_ADDR": "https://vault.vault.svc:8200", "VAULT_NAMESPACE": "team-a",
                               "VAULT_CACERT": "/vault/tls/ca.crt", "VAULT_CLIENT_CERT": "/vault/tls/tls.crt",
                               "VAULT_CLIENT_KEY": "/vault/tls/tls.key", "VAULT_TLS_SERVER_NAME": "vault.vault.svc",
                               "TZ": "UTC"})
        volumes = {v["name"]: v for v in pod["volumes"]}
        self.assertEqual(volumes["vault-tls"]["secret"]["secretName"], "vault-tls")
        self.assertEqual(volumes["vault-ca"], {"name": "vault-ca", "configMap": {"name": "vault-ca"}})
        self.assertIn({"name": "vault-tls", "mountPath": "/vault/tls", "readOnly": True}, container["volumeMounts"])
        self.assertIn({"name": "vault-ca", "mountPath": "/etc/vault-ca", "readOnly": True}, container["volumeMounts"])
        self.assertEqual(pod["initContainers"][0]["command"][2], "chgrp 1000 /provider && chmod g+w /provider")
        self.assertEqual(docs["Role"][0]["rules"][0]["resourceNames"], ["my-hmac"])
        ds = self.daemonset(docs)
        self.assertEqual(ds["metadata"]["annotations"], {"example.com/owner": "platform"})
        self.assertEqual(ds["spec"]["updateStrategy"]["rollingUpdate"], {"maxUnavailable": "10%"})
        self.assertEqual(ds["spec"]["template"]["metadata"]["labels"]["tier"], "node")
        self.assertEqual(ds["spec"]["template"]["metadata"]["annotations"], {"prometheus.io/scrape": "false"})

    def test_allowed_vault_addresses(self):
        listed = merge(IMAGE, {"vault": {"address": "https://vault-0:8200",
                                         "allowedAddresses": ["https://vault-1:8200", "unix:///agent/agent.sock"],
                                         "allowClassTLSSettings": True}})
        _, docs, _ = self.render(listed)
        args = self.daemonset(docs)["spec"]["template"]["spec"]["containers"][0]["args"]
        self.assertIn("-allowed-vault-addrs=https://vault-1:8200,unix:///agent/agent.sock", args)
        self.assertIn("-allow-class-tls-settings=true", args)
        self.assert_binary_accepts(self.daemonset(docs)["spec"]["template"]["spec"]["containers"][0])
        self.assertNotIn("ANY address", self.notes(listed))
        self.assertIn("may name ANY address", self.notes(IMAGE))

    def test_existing_service_account_without_rbac(self):
        values, docs, _ = self.render(EXISTING_ACCOUNT)
        pod, container = self.check_common(values, docs, "csi-vault")
        self.assertEqual(sorted(docs), ["DaemonSet"])
        self.assertEqual(pod["serviceAccountName"], "existing-sa")
        self.assertIn({"name": "VAULT_SKIP_VERIFY", "value": "true"}, container["env"])
        result = self.template({**IMAGE, "serviceAccount": {"create": False}}, expect_ok=False)
        self.assertIn("serviceAccount.name is required", result.stderr)

    def test_token_request_fallback(self):
        values, docs, _ = self.render(FALLBACK)
        fullname = "vcp-vault-csi-provider"
        self.check_common(values, docs, fullname)
        self.assertEqual(docs["ClusterRole"][0]["rules"],
                         [{"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"]}])
        binding = docs["ClusterRoleBinding"][0]
        self.assertEqual(binding["subjects"], [{"kind": "ServiceAccount", "name": fullname, "namespace": "csi"}])
        self.assertEqual(binding["roleRef"], {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                              "name": fullname})
        _, docs, _ = self.render({**FALLBACK, "rbac": {"create": False}})
        self.assertNotIn("ClusterRole", docs)

    def test_existing_hmac_secret(self):
        values, docs, _ = self.render(HMAC_EXISTING)
        _, container = self.check_common(values, docs, "vcp-vault-csi-provider")
        self.assertIn("-hmac-secret-name=operator-hmac", container["args"])
        self.assertEqual(docs["Role"][0]["rules"], [
            {"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["operator-hmac"], "verbs": ["get"]}])
        result = self.template({**IMAGE, "hmacSecretExisting": True}, expect_ok=False)
        self.assertIn("hmacSecretName is required when hmacSecretExisting is true", result.stderr)

    def test_image_digest_and_numeric_tag(self):
        _, docs, _ = self.render(DIGEST)
        pod = self.daemonset(docs)["spec"]["template"]["spec"]
        self.assertEqual(pod["containers"][0]["image"], "registry.example.com/vcp@sha256:" + "ab" * 32)
        self.assertEqual(pod["initContainers"][0]["image"], pod["containers"][0]["image"])
        _, docs, _ = self.render(NUMERIC_TAG)
        self.assertEqual(self.daemonset(docs)["spec"]["template"]["spec"]["containers"][0]["image"],
                         "registry.example.com/vcp:1.2")

    def test_openbao_provider_name_serves_openbao_sock(self):
        values, docs, _ = self.render(OPENBAO, name="bao")
        _, container = self.check_common(values, docs, "bao-vault-csi-provider")
        self.assertIn("-endpoint=/provider/openbao.sock", container["args"])
        self.assertNotIn("-endpoint=/provider/vault.sock", container["args"])
        notes = self.notes(OPENBAO, name="bao")
        self.assertIn("provider: openbao", notes)
        self.assertIn("/var/run/secrets-store-csi-providers/openbao.sock", notes)
        defaults = self.notes(IMAGE)
        self.assertIn("provider: vault", defaults)
        self.assertIn("/var/run/secrets-store-csi-providers/vault.sock", defaults)
        # Two releases, one per name, share the providers directory without sharing anything else.
        _, vault_docs, _ = self.render(IMAGE, name="vault")
        names = {d["metadata"]["name"] for d in docs.get("DaemonSet", []) + docs.get("Role", [])}
        self.assertFalse(names & {d["metadata"]["name"] for d in vault_docs["DaemonSet"] + vault_docs["Role"]})

    def test_without_socket_dir_init(self):
        values, docs, _ = self.render(NO_INIT)
        self.check_common(values, docs, "vcp-vault-csi-provider")

    def test_metrics_service_monitor_rules_and_dashboard(self):
        values, docs, _ = self.render(METRICS)
        self.check_common(values, docs, "vcp-vault-csi-provider")
        service = docs["Service"][0]
        ds = self.daemonset(docs)
        self.assertEqual(service["spec"]["selector"], ds["spec"]["selector"]["matchLabels"])
        self.assertEqual(service["spec"]["ports"][0]["targetPort"], "health")
        monitor = docs["ServiceMonitor"][0]
        self.assertEqual(monitor["spec"]["endpoints"], [{"port": "health", "path": "/metrics", "interval": "15s"}])
        self.assertEqual(monitor["metadata"]["labels"]["release"], "prom")
        for label, value in monitor["spec"]["selector"]["matchLabels"].items():
            self.assertEqual(service["metadata"]["labels"][label], value)
        rule = docs["PrometheusRule"][0]
        self.assertEqual(rule["metadata"]["labels"]["role"], "alert-rules")
        exprs = " ".join(r["expr"] for g in rule["spec"]["groups"] for r in g["rules"])
        for r in (r for g in rule["spec"]["groups"] for r in g["rules"]):
            self.assertTrue(r["alert"].startswith("VaultCSIProvider"))
            self.assertIn("severity", r["labels"])
            self.assertIn('namespace="csi"', r["expr"])
        for metric in METRIC_NAMES:
            self.assertIn(metric, exprs)
        self.assert_metrics_exist(exprs)
        dashboard = docs["ConfigMap"][0]
        self.assertEqual(dashboard["metadata"]["labels"]["grafana_dashboard"], "1")
        self.assertEqual(dashboard["metadata"]["labels"]["grafana_folder"], "csi")
        board = json.loads(dashboard["data"]["vault-csi-provider.json"])
        targets = " ".join(t["expr"] for p in board["panels"] for t in p["targets"])
        for metric in METRIC_NAMES:
            self.assertIn(metric, targets)
        self.assert_metrics_exist(targets)
        _, defaults, _ = self.render(IMAGE)
        for kind in ["Service", "ServiceMonitor", "PrometheusRule", "ConfigMap"]:
            self.assertNotIn(kind, defaults)

    def assert_metrics_exist(self, text):
        """Every vault_csi_provider_* name used is one the provider registers (src/util/metrics.cc)."""
        with open(os.path.join(ROOT, "src", "util", "metrics.cc")) as f:
            source = f.read()
        registered = set(re.findall(r'Name\("(vault_csi_provider_[a-z_]+)"\)', source))
        for used in set(re.findall(r"vault_csi_provider_[a-z_]+", text)):
            base = re.sub(r"_(bucket|sum|count)$", "", used)
            self.assertIn(base, registered, "unknown metric " + used)

    def test_schema_rejects_bad_values(self):
        for bad in [{"cacheSize": "big"}, {"cacheSize": -1}, {"maxConcurrentMounts": -1}, {"logLevel": "verbose"},
                    {"logFormat": "xml"}, {"logLevl": "info"}, {"healthPort": 0}, {"healthPort": 70000},
                    {"hmacKeyCheckInterval": "1 minute"}, {"hmacKeyCheckInterval": 60},
                    {"vault": {"address": "vault:8200"}}, {"extraArgs": "-debug"}, {"providersDir": "relative"},
                    {"image": {"pullPolicy": "Sometimes"}}, {"image": {"digest": "latest"}},
                    {"image": {"tag": True}}, {"vault": {"tls": {"skipVerify": "yes"}}},
                    {"serviceAccount": {"create": "true"}}, {"hmacSecretName": "Not_A_Name"},
                    {"hmacSecretExisting": "yes"}, {"tokenRequestFallback": {"enabled": "no"}},
                    {"tokenRequestFallback": True}, {"revokeTokens": "true"}, {"leaseReuse": 1},
                    {"shareTokens": "no"}, {"shareJwtTokens": 1}, {"readCacheTTL": "30 seconds"}, {"readCacheTTL": 30},
                    {"maxReadCacheBytes": -1}, {"maxReadCacheBytes": "4MiB"},
                    {"metrics": {"serviceMonitor": {"interval": "often"}}}, {"metrics": {"prometheusRule": {"on": True}}},
                    {"metrics": {"dashboard": {"enabled": "yes"}}},
                    {"resources": {"limits": {"memory": "lots"}}}, {"resources": {"requests": {"cpu": "-1"}}},
                    {"resources": {"requests": {"cpu": -1}}}, {"resources": {"limit": {}}},
                    {"tolerations": [{"operator": "Maybe"}]}, {"tolerations": [{"operator": "Exists", "efect": "x"}]},
                    {"updateStrategy": {"kind": "RollingUpdate"}}, {"updateStrategy": {"type": "Recreate"}},
                    {"updateStrategy": {"rollingUpdate": {"maxUnavailable": -1}}},
                    {"updateStrategy": {"rollingUpdate": {"maxUnavailable": "ten"}}},
                    {"nameOverride": "Bad_Name"}, {"fullnameOverride": "x" * 64},
                    {"commonLabels": {"team": "a b"}}, {"livenessProbe": {"periodSeconds": 0}},
                    {"socketDirInit": {"enabled": "true"}}, {"extraVolumes": [{"configMap": {"name": "x"}}]},
                    {"extraVolumeMounts": [{"name": "x", "mountPath": "relative"}]},
                    {"securityContext": {"runAsUser": -1}}, {"providerName": "bao"}, {"providerName": "azure"},
                    {"providerName": ""}, {"secrets-store-csi-driver": {"install": True}}]:
            with self.subTest(bad=bad):
                result = self.template(merge(IMAGE, bad), expect_ok=False)
                self.assertNotEqual(result.returncode, 0, "accepted %s" % bad)
                self.assertRegex(result.stderr, "(?i)schema", "rejected for another reason: %s" % result.stderr)

    def test_schema_accepts_documented_forms(self):
        for good in [{"nameOverride": "vault"}, {"fullnameOverride": "vault-csi-provider"},
                     {"providerName": "openbao"}, {"providerName": "vault"},
                     {"image": {"tag": 1.2}}, {"image": {"tag": 2}}, {"image": {"tag": "1.2.3"}},
                     {"image": {"digest": "sha256:" + "0" * 64}}, {"cacheSize": 0}, {"maxConcurrentMounts": 0},
                     {"hmacKeyCheckInterval": "1h30m"}, {"hmacKeyCheckInterval": "500ms"},
                     {"resources": {"requests": {"cpu": 0.5, "memory": "64Mi"}, "limits": {"memory": "1Gi"}}},
                     {"tolerations": [{"key": "k", "operator": "Equal", "value": "v", "effect": "NoExecute",
                                       "tolerationSeconds": 30}]},
                     {"updateStrategy": {"type": "OnDelete"}},
                     {"updateStrategy": {"rollingUpdate": {"maxUnavailable": "25%", "maxSurge": 0}}}]:
            with self.subTest(good=good):
                self.template(merge(IMAGE, good))

    def test_kubernetes_schemas_oldest_and_newest(self):
        validator_ok = False
        for kube_version, package in KUBE_SCHEMAS.items():
            objects, names = [], []
            for label, values in COMBINATIONS.items():
                _, _, docs = self.render(values, kube_version=kube_version)
                objects += docs
                names += ["%s: %s/%s" % (label, d["kind"], d["metadata"]["name"]) for d in docs]
            # One deliberately broken DaemonSet: proves that the validator really checks.
            broken = copy.deepcopy(next(d for d in objects if d["kind"] == "DaemonSet"))
            broken["spec"]["template"]["spec"]["containers"][0]["resources"] = {"limits": {"memory": "lots"}}
            results = self.validate_k8s(package, objects + [broken])
            kinds = set()
            for name, result in zip(names, results[:-1]):
                kinds.add(result["kind"])
                with self.subTest(kubernetes=kube_version, object=name):
                    self.assertEqual(result["errors"], [])
            self.assertTrue(results[-1]["errors"], "validator accepted a broken DaemonSet")
            self.assertEqual(kinds, {"DaemonSet", "ServiceAccount", "Role", "RoleBinding", "ClusterRole",
                                     "ClusterRoleBinding", "Service", "ServiceMonitor", "PrometheusRule", "ConfigMap"})
            validator_ok = True
        self.assertTrue(validator_ok)

    def validate_k8s(self, package, objects):
        modules = os.path.join(NPM_TOOLS, "node_modules")
        self.assertTrue(os.path.isdir(os.path.join(modules, package)), "%s missing: run scripts/install-deps.sh" % package)
        result = subprocess.run([node(), VALIDATOR, modules, package], input=json.dumps({"objects": objects}),
                                capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)["results"]

    # --- every helm command in the docs, as written -----------------------------------------

    def test_doc_commands(self):
        commands = doc_helm_commands()
        self.assertTrue(any("deploy/helm/vault-csi-provider" in c for _, c, _ in commands), "no doc command found")
        server = FakeApiServer()
        try:
            env = dict(self.env, KUBECONFIG=server.kubeconfig(self.scratch))
            ran = skipped = 0
            for where, command, setup in commands:
                with self.subTest(doc=where, command=command):
                    argv = shlex.split(expand(command, setup))
                    self.assertEqual(argv[0], "helm")
                    plan, reason = classify(argv)
                    if plan == "skip":
                        skipped += 1
                        print("\n  [%s] skipped (%s): %s" % (self.HELM_KEY, reason, where), file=sys.stderr, end="")
                        self.check_flags(argv, env)
                        continue
                    if plan == "dry-run":
                        server.deployed_release = None if "--install" in argv or argv[1] == "install" else argv[2]
                        argv = [a for a in argv if not a.startswith("--dry-run")] + ["--dry-run=client"]
                        # Helm 3's install and both Helms' upgrade validate against the server's
                        # OpenAPI, which the fake API server does not serve; the objects are
                        # checked against the Kubernetes schemas in test_kubernetes_schemas_*.
                        argv.append("--disable-openapi-validation")
                    result = self.run_helm(argv[1:], env=env)
                    ran += 1
                    self.assertEqual(result.returncode, 0, "%s: `%s` failed with %s:\n%s" %
                                     (where, command, self.HELM_KEY, result.stderr))
            print("\n  [%s] doc commands: %d run, %d skipped" % (self.HELM_KEY, ran, skipped), file=sys.stderr)
        finally:
            server.httpd.shutdown()

    def check_flags(self, argv, env):
        """A command that cannot run here: its subcommand and flags must exist in Helm's --help."""
        words = [a for a in argv[1:] if not a.startswith("-")]
        sub = words[:2] if words and words[0] in ("repo", "dependency", "plugin", "registry", "get", "show") else words[:1]
        result = self.run_helm(sub + ["--help"], env=env)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("helm " + " ".join(sub), result.stdout, "unknown command %s" % sub)
        known = set(re.findall(r"(?<![\w-])(--[a-z0-9-]+|-[a-zA-Z])\b", result.stdout))
        for arg in argv[1:]:
            if arg.startswith("-") and arg != "-":
                self.assertIn(arg.split("=", 1)[0], known, "%s has no flag %s" % (" ".join(sub), arg))


def expand(command, setup):
    """The command after the block's variable assignments (`NAME=value` lines before it);
    a variable the block does not set is an error, as the reader would have nothing to use."""
    variables = {}
    for line in setup:
        m = re.match(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line)
        value = shlex.split(m.group(2)) if m.group(2) else [""]
        variables[m.group(1)] = value[0] if value else ""

    def substitute(m):
        name = m.group(1) or m.group(2)
        if name not in variables:
            raise AssertionError("`%s` uses $%s, which its code block does not set" % (command, name))
        return variables[name]
    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)", substitute, command)


def classify(argv):
    """('run' | 'dry-run' | 'skip', reason)."""
    sub = argv[1] if len(argv) > 1 else ""
    positional = [a for a in argv[2:] if not a.startswith("-")]
    if sub in ("repo", "search", "pull", "push", "registry", "plugin", "dependency", "dep"):
        return "skip", "needs the network"
    if sub in ("uninstall", "delete", "rollback", "status", "history", "list", "ls", "get", "test"):
        return "skip", "needs a cluster with the release"
    if sub in ("install", "upgrade", "template", "lint", "show", "inspect"):
        chart_index = {"install": 1, "upgrade": 1, "template": 1}.get(sub, 0)
        if sub == "show":
            chart_index = 1
        chart = positional[chart_index] if len(positional) > chart_index else ""
        if not os.path.exists(os.path.join(ROOT, chart)):
            return "skip", "remote chart %s needs the network" % chart
        return ("dry-run" if sub in ("install", "upgrade") else "run"), ""
    if sub in ("version", "env", "help", "completion"):
        return "run", ""
    return "skip", "not a chart command"


def doc_helm_commands():
    """(file:line, command, variable assignments before it in the block) for every `helm`
    line in a fenced code block of README.md and docs/**/*.md, `\\` continuations joined."""
    files = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "**", "*.md"),
                                                                 recursive=True))
    files.append(os.path.join(CHART, "README.md"))
    found = []
    for path in files:
        with open(path) as f:
            lines = f.read().splitlines()
        in_block, setup, i = False, [], 0
        while i < len(lines):
            line = lines[i]
            if line.lstrip().startswith("```"):
                in_block, setup = not in_block, []
                i += 1
                continue
            if in_block:
                start = i
                text = line.strip()
                while text.endswith("\\") and i + 1 < len(lines):
                    i += 1
                    text = text[:-1].rstrip() + " " + lines[i].strip()
                text = re.sub(r"^\$\s+", "", text)
                if re.match(r"^(export\s+)?[A-Za-z_][A-Za-z0-9_]*=", text):
                    setup.append(text)
                if re.match(r"^helm\s", text):
                    text = re.split(r"\s(?:\||&&|;|>)\s", text)[0]
                    found.append(("%s:%d" % (os.path.relpath(path, ROOT), start + 1), text, list(setup)))
            i += 1
    return found


class Helm3ChartTest(ChartChecks, unittest.TestCase):
    HELM_KEY = "helm3"


class Helm4ChartTest(ChartChecks, unittest.TestCase):
    HELM_KEY = "helm4"


class ChartFilesTest(unittest.TestCase):
    def test_no_driver_dependency(self):
        with open(os.path.join(CHART, "Chart.yaml")) as f:
            chart = yaml.safe_load(f)
        self.assertNotIn("dependencies", chart)
        self.assertEqual(chart["kubeVersion"], ">=1.25.0-0")
        self.assertFalse(os.path.exists(os.path.join(CHART, "charts")))
        with open(os.path.join(CHART, "values.yaml")) as f:
            self.assertNotIn("secrets-store-csi-driver", yaml.safe_load(f))

    def test_readme_values_table_is_current(self):
        generator = os.path.join(NPM_TOOLS, "node_modules", ".bin", "readme-generator")
        self.assertTrue(os.access(generator, os.X_OK), "%s missing: run scripts/install-deps.sh" % generator)
        with tempfile.TemporaryDirectory() as tmp:
            copy_path = os.path.join(tmp, "README.md")
            shutil.copy(os.path.join(CHART, "README.md"), copy_path)
            result = subprocess.run([generator, "--values", os.path.join(CHART, "values.yaml"), "--readme", copy_path],
                                    capture_output=True, text=True)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            with open(copy_path) as a, open(os.path.join(CHART, "README.md")) as b:
                self.assertEqual(a.read(), b.read(), "deploy/helm/vault-csi-provider/README.md is stale: regenerate "
                                 "it with readme-generator (command in that README)")

    def test_every_value_has_a_param_comment(self):
        # readme-generator fails on a value without metadata; this names the value directly.
        with open(os.path.join(CHART, "values.yaml")) as f:
            text = f.read()
        params = set(re.findall(r"^## @param ([\w.\[\]/-]+)", text, re.M))
        values = yaml.safe_load(text)

        def leaves(obj, prefix=""):
            if isinstance(obj, dict) and obj and prefix not in params:
                for key, value in obj.items():
                    yield from leaves(value, prefix + "." + key if prefix else key)
            else:
                yield prefix
        for key in leaves(values):
            with self.subTest(key=key):
                self.assertIn(key, params)


if __name__ == "__main__":
    unittest.main(verbosity=2)
