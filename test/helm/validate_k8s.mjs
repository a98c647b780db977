// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
// Validates Kubernetes objects against the OpenAPI schemas of one Kubernetes version, as
// compiled into the npm package kubernetes-models (generated from the official spec) and,
// for the Prometheus Operator's kinds, @kubernetes-models/prometheus-operator.
//   usage: node validate_k8s.mjs NODE_MODULES_DIR MODELS_PACKAGE < {"objects": [...]}
// Prints {"results": [{"kind", "name", "errors": [...]}]}; an unknown kind is an error.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [nodeModules, modelsPackage] = process.argv.slice(2);
const input = JSON.parse(fs.readFileSync(0, "utf8"));

async function loadGroupVersion(apiVersion) {
  const pkg = apiVersion.startsWith("monitoring.coreos.com/") ? "@kubernetes-models/prometheus-operator" : modelsPackage;
  const dir = path.join(nodeModules, pkg);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const entry = (manifest.exports || {})["./" + apiVersion];
  if (!entry) throw new Error(`${pkg} has no API ${apiVersion}`);
  const file = typeof entry === "string" ? entry : entry.import || entry.default || entry.require;
  return import(pathToFileURL(path.join(dir, file)).href);
}

const results = [];
for (const obj of input.objects) {
  const result = { kind: obj.kind, name: (obj.metadata || {}).name, errors: [] };
  try {
    const module = await loadGroupVersion(obj.apiVersion);
    const Model = module[obj.kind];
    if (!Model) throw new Error(`no model for ${obj.apiVersion} ${obj.kind}`);
    new Model(obj).validate();
  } catch (err) {
    result.errors.push(String(err && err.message ? err.message : err));
  }
  results.push(result);
}
process.stdout.write(JSON.stringify({ results }) + "\n");
