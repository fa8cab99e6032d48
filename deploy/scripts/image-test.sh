#!/usr/bin/env bash
# `make image-test`: build deploy/Dockerfile's images with buildah and run them (issue 15).
# 1. buildah and debootstrap (Debian packages; installed with apt-get when missing, as root);
# 2. the Dockerfile's base image (deploy/scripts/image-base.sh: made with debootstrap when no
#    registry can be reached, cached under .tools/image-base/);
# 3. every target (provision, orders, fulfilment, aftersales, hr, identity, catalog, kpi,
#    backoffice) built with `--isolation chroot --format docker` (docker format keeps
#    HEALTHCHECK), layers cached;
# 4. deploy/scripts/image_check.py runs provisioning and every service from the built images
#    against a local nats-server on loopback: Health, /healthz (the image's HEALTHCHECK), a command
#    (the catalogue lists the SKU orders sell, CAT-7); then the back office: its first start's
#    link, HEALTHCHECK, /readyz and the sign-in page.
# Prints the seconds each step took. Needs root (buildah's storage; CI runs as root).
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$SECONDS

if ! command -v buildah >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "make image-test needs buildah and debootstrap: apt-get install -y buildah debootstrap (as root)" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q buildah debootstrap >/dev/null \
        || { apt-get update -q >/dev/null && apt-get install -y -q buildah debootstrap >/dev/null; }
    echo "[image-test] installed buildah and debootstrap ($((SECONDS - started))s)"
fi
if [[ $(id -u) -ne 0 ]]; then
    echo "make image-test runs buildah as root (its storage and chroot isolation)" >&2
    exit 1
fi

step=$SECONDS
bash deploy/scripts/image-base.sh
echo "[image-test] base image ready ($((SECONDS - step))s)"

# one snapshot of the work tree (tracked and new files, nothing git ignores) for every target, so
# all images hold the same code and the build stage is built once
step=$SECONDS
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"' \
    | tar --null -T - -cf - | tar -C "$context" -xf -
for target in provision orders fulfilment aftersales hr identity catalog kpi backoffice; do
    buildah bud --quiet --isolation chroot --format docker --layers --pull=never --force-rm \
        --ignorefile deploy/Dockerfile.dockerignore -f deploy/Dockerfile --target "$target" \
        -t "shop/$target" "$context" >"$context.$target.log" 2>&1 \
        || { tail -n 40 "$context.$target.log" >&2; echo "building shop/$target failed" >&2; exit 1; }
    rm -f "$context.$target.log"
    echo "[image-test] built shop/$target"
done
echo "[image-test] images built ($((SECONDS - step))s)"

step=$SECONDS
.venv/bin/python deploy/scripts/image_check.py
echo "[image-test] images checked ($((SECONDS - step))s); make image-test took $((SECONDS - started))s"
