// Copyright 2026 The vault-csi-provider authors. SPDX-License-Identifier: Apache-2.0
//
// helm-render renders a Helm chart's templates the way `helm template` does, for
// CI machines where Helm itself cannot be installed: Go text/template with sprig
// (both Debian packages) plus Helm's own include, tpl, toYaml, fromYaml, required
// and lookup. Values: the chart's values.yaml, then each -f file deep-merged on
// top. Output: every rendered manifest, each after "---" and a "# Source:" line;
// NOTES.txt goes to -notes. Subcharts are not rendered.
//
//	helm-render -chart DIR [-f values.yaml]... [-name NAME] [-namespace NS] [-notes FILE]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"gopkg.in/yaml.v3"
)

type fileList []string

func (f *fileList) String() string     { return strings.Join(*f, ",") }
func (f *fileList) Set(v string) error { *f = append(*f, v); return nil }

func readYaml(path string) (map[string]interface{}, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// merge returns base with override deep-merged in: maps merge, a null deletes, anything else replaces.
func merge(base, override map[string]interface{}) map[string]interface{} {
	for k, v := range override {
		if v == nil {
			delete(base, k)
			continue
		}
		if vm, ok := v.(map[string]interface{}); ok {
			if bm, ok := base[k].(map[string]interface{}); ok {
				base[k] = merge(bm, vm)
				continue
			}
		}
		base[k] = v
	}
	return base
}

func toYaml(v interface{}) string {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func main() {
	var valueFiles fileList
	chartDir := flag.String("chart", "", "chart directory")
	name := flag.String("name", "release", "release name")
	namespace := flag.String("namespace", "default", "release namespace")
	notesPath := flag.String("notes", "", "write the rendered NOTES.txt here")
	flag.Var(&valueFiles, "f", "values file (repeatable)")
	flag.Parse()

	chart, err := readYaml(filepath.Join(*chartDir, "Chart.yaml"))
	if err != nil {
		fail(err)
	}
	values, err := readYaml(filepath.Join(*chartDir, "values.yaml"))
	if err != nil {
		fail(err)
	}
	for _, f := range valueFiles {
		override, err := readYaml(f)
		if err != nil {
			fail(err)
		}
		values = merge(values, override)
	}
	top := map[string]interface{}{
		"Values":  values,
		"Release": map[string]interface{}{"Name": *name, "Namespace": *namespace, "Service": "Helm", "IsInstall": true, "IsUpgrade": false, "Revision": 1},
		"Chart":   map[string]interface{}{"Name": chart["name"], "Version": chart["version"], "AppVersion": chart["appVersion"]},
		"Capabilities": map[string]interface{}{"KubeVersion": map[string]interface{}{"Version": "v1.30.0", "Major": "1", "Minor": "30"}},
	}

	root := template.New("chart")
	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	funcs["toYaml"] = toYaml
	funcs["fromYaml"] = func(s string) map[string]interface{} {
		out := map[string]interface{}{}
		_ = yaml.Unmarshal([]byte(s), &out)
		return out
	}
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var buf bytes.Buffer
		err := root.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		err = t.Execute(&buf, data)
		return buf.String(), err
	}
	funcs["required"] = func(message string, v interface{}) (interface{}, error) {
		if v == nil || v == "" {
			return nil, fmt.Errorf("%s", message)
		}
		return v, nil
	}
	funcs["lookup"] = func(...interface{}) map[string]interface{} { return map[string]interface{}{} }
	root.Funcs(funcs).Option("missingkey=zero")

	templatesDir := filepath.Join(*chartDir, "templates")
	entries, err := os.ReadDir(templatesDir)
	if err != nil {
		fail(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(templatesDir, e.Name()))
		if err != nil {
			fail(err)
		}
		templateName := fmt.Sprintf("%s/templates/%s", chart["name"], e.Name())
		if _, err := root.New(templateName).Parse(string(data)); err != nil {
			fail(err)
		}
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, n := range names {
		if strings.HasPrefix(n, "_") {
			continue
		}
		templateName := fmt.Sprintf("%s/templates/%s", chart["name"], n)
		top["Template"] = map[string]interface{}{"Name": templateName, "BasePath": fmt.Sprintf("%s/templates", chart["name"])}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, templateName, top); err != nil {
			fail(err)
		}
		text := strings.ReplaceAll(buf.String(), "<no value>", "")
		if n == "NOTES.txt" {
			if *notesPath != "" {
				if err := os.WriteFile(*notesPath, []byte(text), 0o644); err != nil {
					fail(err)
				}
			}
			continue
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		fmt.Printf("---\n# Source: %s\n%s\n", templateName, strings.TrimSpace(text))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "helm-render:", err)
	os.Exit(1)
}
