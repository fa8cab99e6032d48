#!/usr/bin/env bash
# Generate the deployment's credentials once (kept on re-runs), all git-ignored:
#   deploy/secrets/   NATS users and permissions (auth.conf), <user>.env, postgres.env
#   deploy/identity/  signing keys (keys/, owner-only) and trust.json (shopops identity init); apart
#                     from secrets/, which the NATS containers mount: private keys stay out of them
#   deploy/.env       POSTGRES_PASSWORD for compose's interpolation
#   deploy/k8s/secrets/  a copy for kustomize's secretGenerator
set -euo pipefail
cd "$(dirname "$0")/../.."
umask 077
out=deploy/secrets
.venv/bin/python -m shopops.security --out "$out" >/dev/null  # the workspace venv (make install)
# identity keys (issue 17): the person issuer's and each program's signing key, and the trust file
# the services verify against (existing keys kept: shopops identity init)
.venv/bin/python -m shopops.identity init --dir deploy/identity >/dev/null
if [[ ! -f "$out/postgres.env" ]]; then
    printf 'POSTGRES_PASSWORD=%s\n' "$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')" > "$out/postgres.env"
fi
cp "$out/postgres.env" deploy/.env
mkdir -p deploy/k8s/secrets
cp "$out"/*.env "$out/auth.conf" deploy/k8s/secrets/
cp deploy/identity/trust.json deploy/k8s/secrets/identity-trust.json
echo "credentials in $out/, deploy/.env and deploy/k8s/secrets/ (never commit them)"
