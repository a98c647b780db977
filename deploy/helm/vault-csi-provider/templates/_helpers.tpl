{{/* Chart name, truncated to Kubernetes' 63-character limit. */}}
{{- define "vault-csi-provider.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Fully qualified app name: the release name, plus the chart name unless it already contains it. */}}
{{- define "vault-csi-provider.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels on every resource. */}}
{{- define "vault-csi-provider.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "vault-csi-provider.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Labels that select the provider's pods. */}}
{{- define "vault-csi-provider.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vault-csi-provider.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
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
{{- default (printf "%s-hmac-key" (include "vault-csi-provider.fullname" .)) .Values.hmacSecretName -}}
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
