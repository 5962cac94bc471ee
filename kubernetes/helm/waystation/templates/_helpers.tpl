{{/* One image reference per component: <registry>/<group>/<name>:<tag>. */}}
{{- define "waystation.image" -}}
{{- $tag := .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- printf "%s/%s/%s:%s" .root.Values.image.registry .root.Values.image.group .name $tag -}}
{{- end -}}

{{- define "waystation.labels" -}}
app.kubernetes.io/name: waystation-operator
{{- end -}}
