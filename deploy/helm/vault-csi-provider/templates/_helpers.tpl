{{/* Chart name (or nameOverride), truncated to Kubernetes' 63-character limit. */}}
{{- define "vault-csi-provider.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Fully qualified app name: fullnameOverride, or the release name plus the chart name unless it already contains it. */}}
{{- define "vault-csi-provider.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Labels on every object, pods included. */}}
{{- define "vault-csi-provider.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "vault-csi-provider.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: provider
app.kubernetes.io/part-of: secrets-store-csi-driver
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels that select the provider's pods. */}}
{{- define "vault-csi-provider.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vault-csi-provider.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The provider image: repository@digest, or repository:tag (tag defaults to appVersion). */}}
{{- define "vault-csi-provider.image" -}}
{{- $repo := required "image.repository is not set: there is no public image; build it from the repository's Dockerfile, push it to your registry and set image.repository (and image.tag or image.digest)" .Values.image.repository -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repo .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (toString (.Values.image.tag | default .Chart.AppVersion)) -}}
{{- end -}}
{{- end -}}

{{/* The ServiceAccount the provider runs as. */}}
{{- define "vault-csi-provider.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "vault-csi-provider.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the HMAC key for object versions. */}}
{{- define "vault-csi-provider.hmacSecretName" -}}
{{- if .Values.hmacSecretExisting -}}
{{- required "hmacSecretName is required when hmacSecretExisting is true" .Values.hmacSecretName -}}
{{- else -}}
{{- default (printf "%s-hmac-key" (include "vault-csi-provider.fullname" .)) .Values.hmacSecretName -}}
{{- end -}}
{{- end -}}

{{/* Environment of the provider container: the Vault defaults (environment < flags < SecretProviderClass). */}}
{{- define "vault-csi-provider.env" -}}
{{- with .Values.vault.address }}
- name: VAULT_ADDR
  value: {{ . | quote }}
{{- end }}
{{- with .Values.vault.namespace }}
- name: VAULT_NAMESPACE
  value: {{ . | quote }}
{{- end }}
{{- with .Values.vault.tls }}
{{- if .caCert }}
- name: VAULT_CACERT
  value: /vault/tls/{{ .caCert }}
{{- end }}
{{- if .clientCert }}
- name: VAULT_CLIENT_CERT
  value: /vault/tls/{{ .clientCert }}
{{- end }}
{{- if .clientKey }}
- name: VAULT_CLIENT_KEY
  value: /vault/tls/{{ .clientKey }}
{{- end }}
{{- if .serverName }}
- name: VAULT_TLS_SERVER_NAME
  value: {{ .serverName | quote }}
{{- end }}
{{- if .skipVerify }}
- name: VAULT_SKIP_VERIFY
  value: "true"
{{- end }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}
