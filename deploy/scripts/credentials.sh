#!/usr/bin/env bash
# Generate the deployment's credentials once (kept on re-runs), all git-ignored:
#   deploy/secrets/   NATS users and permissions (auth.conf), <user>.env, postgres.env
#   deploy/.env       POSTGRES_PASSWORD for compose's interpolation
#   deploy/k8s/secrets/  a copy for kustomize's secretGenerator
set -euo pipefail
cd "$(dirname "$0")/../.."
umask 077
out=deploy/secrets
.venv/bin/python -m shopops.security --out "$out" >/dev/null  # the workspace venv (make install)
if [[ ! -f "$out/postgres.env" ]]; then
    printf 'POSTGRES_PASSWORD=%s\n' "$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')" > "$out/postgres.env"
fi
cp "$out/postgres.env" deploy/.env
mkdir -p deploy/k8s/secrets
cp "$out"/*.env "$out/auth.conf" deploy/k8s/secrets/
echo "credentials in $out/, deploy/.env and deploy/k8s/secrets/ (never commit them)"
