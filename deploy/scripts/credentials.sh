#!/usr/bin/env bash
# Generate the deployment's credentials once (kept on re-runs), all git-ignored:
#   deploy/secrets/   NATS users and permissions (auth.conf), <user>.env, postgres.env: one user per
#                     service (shopops.security: every installed service), operator, and one per
#                     client program (platform-connector, shop-demo, shopctl, bench, backoffice)
#   deploy/identity/  signing keys (keys/, owner-only) and trust.json (shopops identity init); apart
#                     from secrets/, which the NATS containers mount: private keys stay out of them
#   deploy/identity/backoffice/keys/  the back office's two keys (issuer.json, shop-setup.json),
#                     copies readable by the image's uid 10001 (compose secrets; issue 18)
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
# the back office signs the people who sign in (the person issuer's key) and grants the first
# administrator (shop-setup's key, IDN-7): copies for its container, refreshed from the keys (a
# rotation reaches it on the next run), owner-only and readable by the image's uid 10001
bo=deploy/identity/backoffice/keys
mkdir -p "$bo"
for key in issuer shop-setup; do
    install -m 0400 "deploy/identity/keys/$key.json" "$bo/$key.json"
    if [[ $(id -u) -eq 0 ]]; then
        chown 10001 "$bo/$key.json"
    elif command -v setfacl >/dev/null 2>&1; then
        setfacl -m u:10001:r "$bo/$key.json"
    else
        echo "note: $bo/$key.json must be readable by uid 10001 for compose (sudo chown 10001)" >&2
    fi
done
mkdir -p deploy/k8s/secrets
cp "$out"/*.env "$out/auth.conf" deploy/k8s/secrets/
cp deploy/identity/trust.json deploy/k8s/secrets/identity-trust.json
cp deploy/identity/keys/issuer.json deploy/k8s/secrets/backoffice-issuer.json
cp deploy/identity/keys/shop-setup.json deploy/k8s/secrets/backoffice-shop-setup.json
echo "credentials in $out/, deploy/.env and deploy/k8s/secrets/ (never commit them)"
