{{/*
Verity's chart helpers. The templates use a small subset of Helm's template language on purpose: there is no helm
binary where Verity is built, so tests/Verity.Tests/Install/ renders this chart with its own interpreter of that subset
and compares the result with "verity manifests" (docs/decisions/0016-install-chart-and-manifests.md). Functions used:
include define if/else/range/with, default dict list get set hasKey dig kindIs toString lower printf quote toYaml fromYaml
nindent b64enc b64dec eq ne and or not hasPrefix trimPrefix splitList index append uniq sortAlpha has fail lookup
genCA genSignedCert randAlphaNum sha256sum.
*/}}

{{- define "verity.name" -}}
{{ .Chart.Name }}
{{- end -}}

{{- define "verity.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{ include "verity.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.kubernetes.additionalLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "verity.selectorLabels" -}}
app.kubernetes.io/name: {{ include "verity.name" . }}
app.kubernetes.io/instance: {{ include "verity.name" . }}
{{- with .Values.kubernetes.deployment.podLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "verity.serviceName" -}}
{{ include "verity.name" . }}-svc
{{- end -}}

{{- define "verity.serviceAccountName" -}}
{{ include "verity.name" . }}-serviceaccount
{{- end -}}

{{- define "verity.tlsName" -}}
{{ include "verity.name" . }}-tls
{{- end -}}

{{/* Connaisseur's image in a Connaisseur values.yaml means "the chart's image": Verity cannot run Connaisseur's binary. */}}
{{- define "verity.image" -}}
{{- $image := .Values.kubernetes.deployment.image | default dict -}}
{{- $repo := get $image "repository" | default "ghcr.io/verity-dev/verity" -}}
{{- $tag := get $image "tag" -}}
{{- $digest := get $image "digest" -}}
{{- if has $repo (list "docker.io/securesystemsengineering/connaisseur" "securesystemsengineering/connaisseur" "index.docker.io/securesystemsengineering/connaisseur") -}}
{{- $repo = "ghcr.io/verity-dev/verity" -}}
{{- $tag = "" -}}
{{- $digest = "" -}}
{{- end -}}
{{- if $digest -}}
{{- $d := toString $digest -}}
{{- if not (hasPrefix "sha256:" $d) -}}{{- $d = printf "sha256:%s" $d -}}{{- end -}}
{{ printf "%s@%s" $repo $d }}
{{- else -}}
{{ printf "%s:%s" $repo (toString ($tag | default (printf "v%s" .Chart.AppVersion))) }}
{{- end -}}
{{- end -}}

{{/* "true" or "false": a feature toggle as Verity reads it (a mapping is on unless enabled: false). Input: dict value default. */}}
{{- define "verity.toggle" -}}
{{- $v := .value -}}
{{- if kindIs "map" $v -}}
{{ ne (toString (get $v "enabled")) "false" }}
{{- else if kindIs "invalid" $v -}}
{{ .default }}
{{- else -}}
{{ eq (lower (toString $v)) "true" }}
{{- end -}}
{{- end -}}

{{- define "verity.features" -}}
{{ .Values.application.features | default dict | toYaml }}
{{- end -}}

{{/* "true" when automatic child approval reads owners through the API server (off with resourceValidationMode: podsOnly). */}}
{{- define "verity.childApproval" -}}
{{- $f := include "verity.features" . | fromYaml -}}
{{- $on := include "verity.toggle" (dict "value" (get $f "automaticChildApproval") "default" true) -}}
{{- if and (eq $on "true") (ne (lower (toString (get $f "resourceValidationMode"))) "podsonly") -}}
true
{{- end -}}
{{- end -}}

{{/* "", "ignore" or "validate". */}}
{{- define "verity.namespacedValidation" -}}
{{- $f := include "verity.features" . | fromYaml -}}
{{- $v := get $f "namespacedValidation" -}}
{{- if kindIs "map" $v -}}
{{- if ne (toString (get $v "enabled")) "false" -}}
{{ get $v "mode" | default "ignore" }}
{{- end -}}
{{- else if eq (lower (toString $v)) "true" -}}
ignore
{{- end -}}
{{- end -}}

{{/* "true" when Verity reads namespace labels: namespaced validation, or a detection mode override with a namespaceSelector. */}}
{{- define "verity.readsNamespaces" -}}
{{- $f := include "verity.features" . | fromYaml -}}
{{- $reads := include "verity.namespacedValidation" . -}}
{{- range (get $f "detectionModeOverrides" | default list) -}}
{{- if hasKey . "namespaceSelector" -}}{{- $reads = "true" -}}{{- end -}}
{{- end -}}
{{- if $reads -}}
true
{{- end -}}
{{- end -}}

{{- define "verity.policyReports" -}}
{{- $f := include "verity.features" . | fromYaml -}}
{{- if eq (include "verity.toggle" (dict "value" (get $f "policyReports") "default" false)) "true" -}}
true
{{- end -}}
{{- end -}}

{{/* The k8s://<namespace>/<secret> trust-root keys, as a mapping namespace -> sorted secret names. */}}
{{- define "verity.keySecrets" -}}
{{- $byNamespace := dict -}}
{{- range .Values.application.validators -}}
{{- range (get . "trustRoots" | default list) -}}
{{- $key := toString (get . "key") -}}
{{- if hasPrefix "k8s://" $key -}}
{{- $parts := splitList "/" (trimPrefix "k8s://" $key) -}}
{{- $ns := index $parts 0 -}}
{{- $_ := set $byNamespace $ns (append (get $byNamespace $ns | default list) (index $parts 1)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $result := dict -}}
{{- range $ns, $names := $byNamespace -}}
{{- $_ := set $result $ns (uniq $names | sortAlpha) -}}
{{- end -}}
{{ toYaml $result }}
{{- end -}}

{{/* Inline credentials go into a Secret "<validator>-auth" (Connaisseur's secret.yaml), and the configuration names it. */}}
{{- define "verity.hasInlineAuth" -}}
{{- $auth := get . "auth" | default dict -}}
{{- if and (hasKey $auth "username") (hasKey $auth "password") -}}
true
{{- end -}}
{{- end -}}

{{/* Every secret mounted at /app/secrets/<name>: auth.secretName, or "<validator>-auth" for inline credentials. Sorted, unique. */}}
{{- define "verity.authSecrets" -}}
{{- $names := list -}}
{{- range .Values.application.validators -}}
{{- $auth := get . "auth" | default dict -}}
{{- if hasKey $auth "secretName" -}}
{{- $names = append $names (get $auth "secretName") -}}
{{- else if include "verity.hasInlineAuth" . -}}
{{- $names = append $names (printf "%s-auth" (get . "name")) -}}
{{- end -}}
{{- end -}}
{{ toYaml (dict "list" (uniq $names | sortAlpha)) }}
{{- end -}}

{{/*
TLS material, as a mapping cert/key/ca (PEM): the user's (.tls: cert, key, caBundle), else the one an earlier release
left in the Secret .secret, else a new CA (.caName) and a certificate it signs for the Service .svc's DNS names.
Input: dict tls path secret svc namespace caName.
*/}}
{{- define "verity.certificate" -}}
{{- $tls := .tls | default dict -}}
{{- if and (hasKey $tls "cert") (not (hasKey $tls "key")) -}}
{{- fail (printf "%s has a cert but no key" .path) -}}
{{- end -}}
{{- if and (hasKey $tls "key") (not (hasKey $tls "cert")) -}}
{{- fail (printf "%s has a key but no cert" .path) -}}
{{- end -}}
{{- if hasKey $tls "cert" -}}
{{ toYaml (dict "cert" (get $tls "cert") "key" (get $tls "key") "ca" (get $tls "caBundle" | default (get $tls "cert"))) }}
{{- else -}}
{{- $existing := lookup "v1" "Secret" .namespace .secret | default dict -}}
{{- $oldCa := dig "data" "ca.crt" "" $existing -}}
{{- if $oldCa -}}
{{ toYaml (dict "cert" (b64dec (dig "data" "tls.crt" "" $existing)) "key" (b64dec (dig "data" "tls.key" "" $existing)) "ca" (b64dec $oldCa)) }}
{{- else -}}
{{- $altNames := list .svc (printf "%s.%s" .svc .namespace) (printf "%s.%s.svc" .svc .namespace) (printf "%s.%s.svc.cluster.local" .svc .namespace) -}}
{{- $ca := genCA .caName 3650 -}}
{{- $cert := genSignedCert (printf "%s.%s.svc" .svc .namespace) nil $altNames 3650 $ca -}}
{{ toYaml (dict "cert" $cert.Cert "key" $cert.Key "ca" $ca.Cert) }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* "true" when cert-manager issues the webhook's certificate (kubernetes.deployment.tls.certManager.enabled). */}}
{{- define "verity.certManager" -}}
{{- $tls := .Values.kubernetes.deployment.tls | default dict -}}
{{- if eq (toString (dig "certManager" "enabled" false $tls)) "true" -}}
{{- if or (hasKey $tls "cert") (hasKey $tls "key") -}}
{{- fail "kubernetes.deployment.tls: cert/key and certManager.enabled exclude each other" -}}
{{- end -}}
true
{{- end -}}
{{- end -}}

{{/* The webhook's TLS material (see verity.certificate); not used with cert-manager. */}}
{{- define "verity.tls" -}}
{{- include "verity.certificate" (dict "tls" .Values.kubernetes.deployment.tls "path" "kubernetes.deployment.tls" "secret" (include "verity.tlsName" .) "svc" (include "verity.serviceName" .) "namespace" .Release.Namespace "caName" (printf "%s-ca" (include "verity.name" .))) -}}
{{- end -}}

{{/* "true" when the chart deploys Redis as the shared cache (kubernetes.redis.enabled). */}}
{{- define "verity.redis" -}}
{{- if eq (toString (get (.Values.kubernetes.redis | default dict) "enabled")) "true" -}}
true
{{- end -}}
{{- end -}}

{{- define "verity.redisName" -}}
{{ include "verity.name" . }}-redis
{{- end -}}

{{- define "verity.redisServiceName" -}}
{{ include "verity.redisName" . }}-svc
{{- end -}}

{{- define "verity.redisSecretName" -}}
{{ include "verity.redisName" . }}-secret
{{- end -}}

{{- define "verity.redisTlsName" -}}
{{ include "verity.redisName" . }}-tls
{{- end -}}

{{/* Redis's pods: labels no selector of Verity's own matches. */}}
{{- define "verity.redisSelectorLabels" -}}
app.kubernetes.io/name: {{ include "verity.redisName" . }}
app.kubernetes.io/instance: {{ include "verity.redisName" . }}
{{- end -}}

{{/* Redis's TLS material (see verity.certificate). */}}
{{- define "verity.redisTls" -}}
{{- $redis := .Values.kubernetes.redis | default dict -}}
{{- include "verity.certificate" (dict "tls" (get $redis "tls") "path" "kubernetes.redis.tls" "secret" (include "verity.redisTlsName" .) "svc" (include "verity.redisServiceName" .) "namespace" .Release.Namespace "caName" (printf "%s-ca" (include "verity.redisName" .))) -}}
{{- end -}}

{{/* Redis's password, base64: the one an earlier release left in the Secret, else 32 new random letters and digits. */}}
{{- define "verity.redisPassword" -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "verity.redisSecretName" .) | default dict -}}
{{ dig "data" "REDIS_PASSWORD" "" $existing | default (randAlphaNum 32 | b64enc) }}
{{- end -}}

{{/* An image reference from repository, tag (default .defaultTag) and digest (supersedes the tag). Input: dict image defaultTag. */}}
{{- define "verity.imageReference" -}}
{{- $repo := get .image "repository" -}}
{{- $digest := get .image "digest" -}}
{{- if $digest -}}
{{- $d := toString $digest -}}
{{- if not (hasPrefix "sha256:" $d) -}}{{- $d = printf "sha256:%s" $d -}}{{- end -}}
{{ printf "%s@%s" $repo $d }}
{{- else -}}
{{ printf "%s:%s" $repo (toString (get .image "tag" | default .defaultTag)) }}
{{- end -}}
{{- end -}}
