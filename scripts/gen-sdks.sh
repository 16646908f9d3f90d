#!/usr/bin/env bash
# Generates the logzio-siem package's SDKs (Python, Go, .NET, Node.js) under sdk/ from its Pulumi schema, with
# Pulumi's own code generators (scripts/sdkgen, a Go program built from the Go module proxy into a cache folder
# outside the work tree, and reused). The SDKs are committed: users install them from the repository
# (`pip install ./sdk/python`; the Go module in sdk/go).
#
#   bash scripts/gen-sdks.sh           regenerate sdk/{python,go,dotnet,nodejs}
#   bash scripts/gen-sdks.sh --check   regenerate into a temporary folder and fail if sdk/ differs (CI)
#
# Environment: LOGZIO_SIEM_SCHEMA (default: schema.json at the repository's root), PULUMI_GO_SDK_VERSION (the
# github.com/pulumi/pulumi/sdk/v3 the Go SDK requires; default the generators' own, from scripts/sdkgen/go.mod: a
# minimum that Go's version selection raises in a user's module, and that moving the CLI leaves alone),
# PULUMI_LOGZIO_SIEM_CACHE.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
log() { printf '%s\n' "gen-sdks: $*" >&2; }

schema=${LOGZIO_SIEM_SCHEMA:-$root/schema.json}
go_sdk=${PULUMI_GO_SDK_VERSION:-$(awk '$1 == "github.com/pulumi/pulumi/sdk/v3" { print $2 }' "$root/scripts/sdkgen/go.mod")}
cache=${PULUMI_LOGZIO_SIEM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-logzio-siem}
languages=(python go dotnet nodejs)

command -v go >/dev/null || { log "Go is not installed: cannot build the SDK generator"; exit 3; }
[ -f "$schema" ] || { log "no schema at $schema"; exit 1; }
case "$go_sdk" in v3.*) ;; *) log "no github.com/pulumi/pulumi/sdk/v3 version for the Go SDK (scripts/sdkgen/go.mod names none)"; exit 1 ;; esac

# The generator's build is keyed by its sources: a change to them builds a new one.
src="$root/scripts/sdkgen"
key=$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go | sha256sum | cut -c1-16)
gen="$cache/sdkgen/$key/sdkgen"
if [ ! -x "$gen" ]; then
    start=$(date +%s)
    log "building the SDK generator (Pulumi's codegen from the Go module proxy; a minute or two the first time)"
    mkdir -p "$(dirname "$gen")"
    (cd "$src" && CGO_ENABLED=0 go build -trimpath -o "$gen.tmp" .) && mv "$gen.tmp" "$gen"
    log "built the SDK generator in $(($(date +%s) - start)) s: $gen"
fi

# generate <folder>: the four SDKs under it, the Go SDK's go.mod completed (go.sum) against the module proxy.
generate() {
    "$gen" -schema "$schema" -out "$1" -go-sdk "$go_sdk" -languages "$(IFS=,; echo "${languages[*]}")"
    (cd "$1/go" && go mod tidy >/dev/null 2>&1) || { log "go mod tidy failed in $1/go"; (cd "$1/go" && go mod tidy); exit 1; }
}

if [ "${1:-}" = "--check" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    generate "$tmp"
    stale=0
    # What is committed (or staged) under sdk/<lang>, not what a build left there (pip's build/, *.egg-info).
    for lang in "${languages[@]}"; do
        committed=$(cd "$root" && git ls-files --cached --others --exclude-standard "sdk/$lang" | sed "s|^sdk/$lang/||" | sort)
        generated=$(cd "$tmp/$lang" && find . -type f | sed 's|^\./||' | sort)
        if [ "$committed" != "$generated" ]; then
            stale=1
            diff <(echo "$committed") <(echo "$generated") | sed "s|^<|  only in sdk/$lang:|; s|^>|  not in sdk/$lang:|" | grep '^  ' >&2 || true
        fi
        while IFS= read -r f; do
            [ -f "$root/sdk/$lang/$f" ] || continue
            if ! cmp -s "$tmp/$lang/$f" "$root/sdk/$lang/$f"; then
                stale=1
                diff -u "$root/sdk/$lang/$f" "$tmp/$lang/$f" | head -n 30 >&2 || true
            fi
        done <<<"$generated"
    done
    if [ "$stale" = 1 ]; then
        log "the committed SDKs under sdk/ are not what $(basename "$schema") generates"
        log "run bash scripts/gen-sdks.sh and commit sdk/"
        exit 1
    fi
    log "sdk/ is what $(basename "$schema") generates"
    exit 0
fi

generate "$root/sdk"
log "generated ${languages[*]} SDKs under sdk/ from $schema"
