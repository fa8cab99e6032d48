#!/usr/bin/env bash
# Validate deploy/ without a container engine or a Kubernetes cluster (CI: make deploy-check):
# the compose file (Debian's docker-compose v1, `config -q`), the Kubernetes manifests (render and
# schema check, deploy/scripts/check_manifests.py) and the nats-server configuration (`-t`).
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v docker-compose >/dev/null 2>&1 || ! /usr/bin/python3 -c "import yaml, jsonschema" 2>/dev/null; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "needs docker-compose, python3-yaml and python3-jsonschema: apt-get install -y docker-compose (as root)" >&2
        exit 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-compose python3-yaml python3-jsonschema >/dev/null \
        || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-compose python3-yaml python3-jsonschema >/dev/null; }
fi

# the credentials compose and kustomize read (git-ignored; kept when they exist)
bash deploy/scripts/credentials.sh >/dev/null

docker-compose -f deploy/compose.yaml config -q
echo "deploy/compose.yaml is valid"

/usr/bin/python3 deploy/scripts/check_manifests.py deploy/k8s

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/secrets"
cp deploy/nats/nats.conf "$tmp/"
cp deploy/secrets/auth.conf "$tmp/secrets/"
SERVER_NAME=nats-1 .venv/bin/nats-server -t -c "$tmp/nats.conf" >/dev/null 2>&1 || SERVER_NAME=nats-1 .venv/bin/nats-server -t -c "$tmp/nats.conf"
echo "deploy/nats/nats.conf is valid"
