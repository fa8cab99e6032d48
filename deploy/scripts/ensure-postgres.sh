#!/usr/bin/env bash
# Make sure PostgreSQL's server binaries are on this machine; print their directory.
# Idempotent and quiet when they are there already. Installs the Debian package otherwise
# (as root: apt-get; as another user: with sudo when it is available), and fails with a clear
# message when it cannot. Used by `make cluster` and the cluster tests (tests/cluster).
set -euo pipefail

find_bin() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

if bin=$(find_bin); then
    echo "$bin"
    exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    echo "PostgreSQL is not installed and this user cannot install it: run 'apt-get install -y postgresql' as root" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL is not installed and there is no apt-get: install PostgreSQL 13+ (initdb, pg_ctl) by hand" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get install -y -q postgresql >&2 || {
    "${SUDO[@]}" apt-get update -q >&2
    "${SUDO[@]}" apt-get install -y -q postgresql >&2
}
find_bin || { echo "PostgreSQL was installed but no initdb/pg_ctl found under /usr/lib/postgresql" >&2; exit 1; }
