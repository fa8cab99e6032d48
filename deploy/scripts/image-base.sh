#!/usr/bin/env bash
# The Dockerfile's base image (FROM python:3.11-slim) in buildah's local storage, for machines that
# reach no container registry (`make image-test`). When an image of that name is there already
# (pulled or made before), nothing is done. Otherwise a Debian bookworm file system with python3 and
# pip is made with debootstrap (cached as a tarball under .tools/image-base/, git-ignored) and
# committed under the name the Dockerfile's FROM asks for. Like the official image it has
# `python`, `pip` and installs into /usr/local (pip's "externally managed" marker is removed); it
# trusts the certificate authorities of this machine (/usr/local/share/ca-certificates).
# Needs root, buildah and debootstrap (deploy/scripts/image-test.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/../.."

base=$(sed -n 's/^FROM \([^ ]*\) AS build$/\1/p' deploy/Dockerfile)
[[ -n "$base" ]] || { echo "deploy/Dockerfile has no 'FROM <image> AS build' line" >&2; exit 1; }
if buildah inspect --type image "$base" >/dev/null 2>&1; then
    echo "base image $base present"
    exit 0
fi

cache=.tools/image-base
tarball="$cache/bookworm-python3.tar"
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
if [[ ! -s "$tarball" ]]; then
    mkdir -p "$cache"
    root=$(mktemp -d "$cache/root.XXXXXX")
    trap 'rm -rf "$root"' EXIT
    started=$SECONDS
    echo "debootstrap bookworm + python3 into $root (from $mirror)"
    debootstrap --variant=minbase --include=python3,python3-pip,ca-certificates \
        bookworm "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 \
        || { tail -n 20 "$cache/debootstrap.log" >&2; echo "debootstrap failed; log: $cache/debootstrap.log" >&2; exit 1; }
    rm -f "$root"/usr/lib/python3*/EXTERNALLY-MANAGED
    ln -sf python3 "$root/usr/bin/python"
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    echo "base file system made in $((SECONDS - started))s; cached in $tarball"
fi

ctr=$(buildah from scratch)
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
buildah add --quiet "$ctr" "$tarball" / >/dev/null
# trust the certificate authorities this machine trusts (a TLS-inspecting proxy to the package index)
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    buildah copy --quiet "$ctr" /usr/local/share/ca-certificates/ /usr/local/share/ca-certificates/ >/dev/null
    buildah run --isolation chroot "$ctr" -- sh -c 'update-ca-certificates 2>&1 | grep -v "^rehash: warning" || true' >/dev/null
fi
buildah config --env PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env LANG=C.UTF-8 --cmd python3 "$ctr"
buildah commit --quiet --format docker "$ctr" "$base" >/dev/null
echo "base image $base made from $tarball"
