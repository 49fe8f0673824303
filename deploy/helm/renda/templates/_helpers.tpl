{{/*
The four services, in a fixed order. A values key outside this list is rejected by values.schema.json.
*/}}
{{- define "renda.serviceNames" -}}
intake workflow scoring notify
{{- end }}

{{- define "renda.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name prefix, kept short enough (42) that "<fullname>-workflow-worker" fits a 63-character DNS label.
*/}}
{{- define "renda.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 42 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 42 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 42 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "renda.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "renda.labels" -}}
helm.sh/chart: {{ include "renda.chart" . }}
app.kubernetes.io/name: {{ include "renda.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: renda
{{- end }}

{{- define "renda.selectorLabels" -}}
app.kubernetes.io/name: {{ include "renda.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Name of one component: (dict "root" $ "service" "intake" "kind" "api") -> "<fullname>-intake-api".
*/}}
{{- define "renda.componentName" -}}
{{- printf "%s-%s-%s" (include "renda.fullname" .root) .service .kind | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "renda.componentSelectorLabels" -}}
{{ include "renda.selectorLabels" .root }}
app.kubernetes.io/component: {{ .kind }}
renda/service: {{ .service }}
{{- end }}

{{- define "renda.componentLabels" -}}
{{ include "renda.labels" .root }}
app.kubernetes.io/component: {{ .kind }}
renda/service: {{ .service }}
{{- end }}

{{/*
Effective settings of one component: the `api` or `worker` defaults, with every key given under
services.<service>.<kind> replacing the default key as a whole. Writes into .out (a dict).
Values keep their types (no toYaml/fromYaml round trip).
*/}}
{{- define "renda.mergeComponent" -}}
{{- $defaults := index .root.Values .kind }}
{{- range $key, $value := $defaults }}
{{- $_ := set $.out $key $value }}
{{- end }}
{{- $perService := index (default dict .root.Values.services) .service | default dict }}
{{- range $key, $value := (index $perService .kind | default dict) }}
{{- $_ := set $.out $key $value }}
{{- end }}
{{- end }}

{{- define "renda.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (toString (default .Chart.AppVersion .Values.image.tag)) }}
{{- end }}
{{- end }}

{{- define "renda.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "renda.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "renda.configMapName" -}}
{{- printf "%s-config" (include "renda.fullname" .) }}
{{- end }}

{{/*
Name of the Secret holding the URLs: the operator's existingSecret, or the one this chart renders.
*/}}
{{- define "renda.secretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else }}
{{- printf "%s-secrets" (include "renda.fullname" .) }}
{{- end }}
{{- end }}

{{/*
Secret used by the migration hook. Hooks run before the release's ordinary resources exist, so
when the chart manages the Secret, the hook gets its own copy created as an earlier hook.
*/}}
{{- define "renda.migrationSecretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else }}
{{- printf "%s-migrations" (include "renda.fullname" .) }}
{{- end }}
{{- end }}

{{- define "renda.databaseUrl" -}}
{{- required "secrets.databaseUrl (RENDA_DATABASE_URL) is required unless secrets.existingSecret names a Secret holding it" .Values.secrets.databaseUrl }}
{{- end }}

{{- define "renda.brokerUrl" -}}
{{- required "secrets.brokerUrl (RENDA_BROKER_URL) is required unless secrets.existingSecret names a Secret holding it" .Values.secrets.brokerUrl }}
{{- end }}

{{/*
The ConfigMap's data: every non-secret setting, as strings. Integers go through int64 so that
large numbers are not printed in exponent form.
*/}}
{{- define "renda.configData" -}}
RENDA_ENV: "production"
RENDA_BUS_PREFIX: {{ .Values.config.busPrefix | toString | quote }}
RENDA_LOG_LEVEL: {{ .Values.config.logLevel | toString | upper | quote }}
RENDA_MAX_REQUEST_BYTES: {{ .Values.config.maxRequestBytes | int64 | toString | quote }}
RENDA_OUTBOX_POLL_SECONDS: {{ .Values.config.outboxPollSeconds | toString | quote }}
RENDA_RETRY_DELAYS: {{ .Values.config.retryDelays | toString | quote }}
RENDA_MAX_ATTEMPTS: {{ .Values.config.maxAttempts | int64 | toString | quote }}
RENDA_DELIVERY_LIMIT: {{ .Values.config.deliveryLimit | int64 | toString | quote }}
RENDA_PREFETCH: {{ .Values.config.prefetch | int64 | toString | quote }}
PORT: {{ .Values.api.containerPort | int64 | toString | quote }}
RENDA_WORKER_PORT: {{ .Values.worker.metricsPort | int64 | toString | quote }}
WEB_CONCURRENCY: {{ .Values.config.webConcurrency | int64 | toString | quote }}
RENDA_VAR_DIR: {{ .Values.config.varDir | toString | quote }}
RENDA_SESSION_IDLE_SECONDS: {{ .Values.config.sessionIdleSeconds | int64 | toString | quote }}
RENDA_TRUSTED_PROXIES: {{ .Values.config.trustedProxies | toString | quote }}
RENDA_TRUSTED_PROXY_HOPS: {{ .Values.config.trustedProxyHops | int64 | toString | quote }}
{{- range $key, $value := .Values.config.extra }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/*
The APIs' own secrets: the key that signs QR codes (and console sessions, which every API
accepts) and the keys of constituents' contacts. Arg: (dict "root" $ "secretName" NAME).
*/}}
{{- define "renda.appSecretEnv" -}}
- name: RENDA_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ .root.Values.secrets.secretKeyKey }}
- name: RENDA_CONTACT_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ .root.Values.secrets.contactKeysKey }}
{{- end }}

{{/*
Environment of the secret settings, read from the Secret by key. Arg: (dict "root" $ "secretName" NAME).
*/}}
{{- define "renda.secretEnv" -}}
- name: RENDA_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ .root.Values.secrets.databaseUrlKey }}
{{- if .root.Values.rabbitmq.operator.enabled }}
{{- $cluster := include "renda.rabbitmqName" .root }}
{{- range $var, $key := dict "RENDA_RABBITMQ_USERNAME" "username" "RENDA_RABBITMQ_PASSWORD" "password" }}
- name: {{ $var }}
  valueFrom:
    secretKeyRef:
      name: {{ $cluster }}-default-user
      key: {{ $key }}
      {{- if $.optionalBroker }}
      # Created by the operator after this hook runs; migrations do not use the broker.
      optional: true
      {{- end }}
{{- end }}
# The operator's user and password are URL-safe base64; "%2F" is the vhost "/".
- name: RENDA_BROKER_URL
  value: {{ printf "amqp://$(RENDA_RABBITMQ_USERNAME):$(RENDA_RABBITMQ_PASSWORD)@%s.%s.svc:5672/%%2F" $cluster .root.Release.Namespace | quote }}
{{- else }}
- name: RENDA_BROKER_URL
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ .root.Values.secrets.brokerUrlKey }}
{{- end }}
{{- end }}

{{/*
Name of the RabbitmqCluster (rabbitmq.operator.enabled); the operator names its Service and
its "<name>-default-user" Secret after it.
*/}}
{{- define "renda.rabbitmqName" -}}
{{- printf "%s-rabbitmq" (include "renda.fullname" .) }}
{{- end }}

{{/*
Pod annotations shared by api, worker and console pods: config/secret checksums (so pods roll when
they change), Prometheus scrape annotations (with a metrics port: the console has none), and the
global and per-component extras. Arg: (dict "root" $ "cfg" $cfg "port" PORT), port optional.
*/}}
{{- define "renda.podAnnotations" -}}
checksum/config: {{ include (print .root.Template.BasePath "/configmap.yaml") .root | sha256sum }}
{{- if not .root.Values.secrets.existingSecret }}
checksum/secret: {{ include (print .root.Template.BasePath "/secret.yaml") .root | sha256sum }}
{{- end }}
{{- if and .root.Values.metrics.podAnnotations .port }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | int64 | toString | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- with .root.Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- with .cfg.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Topology spread constraints of a component. Arg: (dict "root" $ "cfg" $cfg "service" S "kind" K).
*/}}
{{- define "renda.topologySpread" -}}
{{- if .cfg.spreadAcrossNodes }}
- maxSkew: 1
  topologyKey: kubernetes.io/hostname
  whenUnsatisfiable: ScheduleAnyway
  labelSelector:
    matchLabels:
      {{- include "renda.componentSelectorLabels" . | nindent 6 }}
{{- end }}
{{- with .cfg.topologySpreadConstraints }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Volumes every pod has: a writable /tmp (the root filesystem is read-only) and the extras.
*/}}
{{- define "renda.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end }}

{{/*
The console (`renda api console`): its name, and the context the component helpers take
(labels app.kubernetes.io/component: console, renda/service: console).
*/}}
{{- define "renda.consoleName" -}}
{{- printf "%s-console" (include "renda.fullname" .) }}
{{- end }}

{{/*
RENDA_API_BASE_URL of the console: the api Services, by `{service}` when they share a port,
else as a "service=URL,..." list.
*/}}
{{- define "renda.consoleApiBaseUrl" -}}
{{- $ports := dict }}
{{- $urls := list }}
{{- range $service := splitList " " (include "renda.serviceNames" .) }}
{{- $cfg := dict }}
{{- $_ := include "renda.mergeComponent" (dict "root" $ "service" $service "kind" "api" "out" $cfg) }}
{{- $port := $cfg.service.port | int }}
{{- $_ := set $ports (toString $port) true }}
{{- $urls = append $urls (printf "%s=http://%s:%d" $service (include "renda.componentName" (dict "root" $ "service" $service "kind" "api")) $port) }}
{{- end }}
{{- if eq (len $ports) 1 }}
{{- printf "http://%s:%s" (include "renda.componentName" (dict "root" . "service" "{service}" "kind" "api")) (keys $ports | first) }}
{{- else }}
{{- join "," $urls }}
{{- end }}
{{- end }}

{{/*
The claim holding opinions' photos: the one given, or the chart's own.
*/}}
{{- define "renda.photosClaim" -}}
{{- .Values.photos.existingClaim | default (printf "%s-photos" (include "renda.fullname" .)) -}}
{{- end }}

{{/*
Where intake's api and worker keep opinions' photos: the bucket (photos.s3.*) or the mounted claim.
*/}}
{{- define "renda.photosEnv" -}}
{{- $s3 := .Values.photos.s3 -}}
{{- if $s3.bucketUrl }}
- name: RENDA_PHOTO_STORE
  value: {{ $s3.bucketUrl | quote }}
{{- with $s3.endpointUrl }}
- name: RENDA_S3_ENDPOINT_URL
  value: {{ . | quote }}
{{- end }}
{{- with $s3.region }}
- name: RENDA_S3_REGION
  value: {{ . | quote }}
{{- end }}
{{- with $s3.existingSecret }}
- name: RENDA_S3_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ . | quote }}
      key: {{ $s3.accessKeyIdKey | quote }}
- name: RENDA_S3_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ . | quote }}
      key: {{ $s3.secretAccessKeyKey | quote }}
{{- end }}
{{- else }}
- name: RENDA_PHOTO_DIR
  value: {{ .Values.photos.mountPath | quote }}
{{- end }}
{{- end }}
