# Sourced by cluster_test.sh (after lib.sh): real secrets planted in a live
# cluster never reach dump64's output; with --no-redact they do (the check
# can fail). Needs the cluster in context $1 with $BUSYBOX loaded.
planted_secrets_check() {
  local ctx=$1 w; w=$(mktemp -d)
  openssl genrsa -out "$w/key.pem" 2048 2>/dev/null
  local key_line db_password api_token bootstrap
  key_line=$(sed -n 5p "$w/key.pem")
  db_password="pw-$(openssl rand -hex 12)"
  api_token="tok-$(openssl rand -hex 16)"
  bootstrap="$(openssl rand -hex 3).$(openssl rand -hex 8)"
  "$K" --context "$ctx" create secret generic planted --from-file=tls.key="$w/key.pem" --from-literal=api-token="$api_token" >/dev/null
  "$K" --context "$ctx" create configmap planted-pem --from-file=key.pem="$w/key.pem" >/dev/null
  # the pod prints all of it, as a careless workload would: env, the mounted
  # Secret and ConfigMap, a kubeadm join line
  "$K" --context "$ctx" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: planted}
spec:
  restartPolicy: Never
  containers:
  - name: leak
    image: docker.io/library/$BUSYBOX
    imagePullPolicy: Never
    command: [sh, -c, 'env; cat /s/tls.key /c/key.pem; echo "kubeadm join 10.0.0.1:6443 --token $bootstrap"; sleep 3600']
    env:
    - {name: DB_PASSWORD, value: "$db_password"}
    - name: API_TOKEN
      valueFrom: {secretKeyRef: {name: planted, key: api-token}}
    volumeMounts: [{name: s, mountPath: /s}, {name: c, mountPath: /c}]
  volumes:
  - {name: s, secret: {secretName: planted}}
  - {name: c, configMap: {name: planted-pem}}
YAML
  wait_pod planted "$ctx"
  for i in $(seq 20); do "$K" --context "$ctx" logs planted 2>/dev/null | grep -q -- "--token" && break; sleep 1; done
  leaked() { # leaked DIR: which planted secret is in the restored files
    local what found=""
    for what in "$key_line" "$db_password" "$api_token" "$bootstrap"; do
      grep -rqF -- "$what" "$1" && found="$found ${what:0:12}..."
    done
    echo "$found"
  }
  "$KD" dump64 > "$w/redacted.txt"
  "$KD" split64 -o "$w/redacted" < "$w/redacted.txt" 2>/dev/null
  "$KD" dump64 --no-redact > "$w/raw.txt"
  "$KD" split64 -o "$w/raw" < "$w/raw.txt" 2>/dev/null
  local in_raw in_redacted
  in_raw=$(leaked "$w/raw"); in_redacted=$(leaked "$w/redacted")
  check "with --no-redact the planted key, password, token and bootstrap token are all in the dump (the check can fail)" \
    test "$(wc -w <<< "$in_raw")" = 4
  check "dump64 carries none of the planted secrets (found:${in_redacted:- none})" test -z "$in_redacted"
  check "the planted pod's log is in the dump, redacted" grep -rq 'DB_PASSWORD=\[redacted\]' "$w/redacted/pods/default/planted"
  "$K" --context "$ctx" delete pod planted --grace-period=0 --force >/dev/null 2>&1 || true
  "$K" --context "$ctx" delete secret planted >/dev/null; "$K" --context "$ctx" delete configmap planted-pem >/dev/null
  rm -rf "$w"
}
