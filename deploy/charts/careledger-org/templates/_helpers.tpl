{{/* Resource name prefix: the release, which is the org (e.g. hospital). */}}
{{- define "careledger.fullname" -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "careledger.labels" -}}
app.kubernetes.io/part-of: careledger
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
careledger.org/msp-id: {{ .Values.org.mspId }}
{{- end -}}

{{/* Non-root, no privilege escalation, read-only root filesystem, no capabilities. */}}
{{- define "careledger.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{- define "careledger.podSecurity" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.fsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "careledger.image" -}}
image: {{ printf "%s:%s" .repository .tag | quote }}
imagePullPolicy: {{ .pullPolicy }}
{{- end -}}

{{/* peer name N -> peerN.<domain> */}}
{{- define "careledger.peerHost" -}}
{{- printf "peer%d.%s" (int .index) .root.Values.org.domain -}}
{{- end -}}
