#!/usr/bin/env bash
# Provides the real Pulumi CLI for the end-to-end tests. The CLI cannot be downloaded here, but it is a Go
# module: this builds it from the Go module proxy, at the version of @pulumi/pulumi that package-lock.json
# pins, into a cache folder outside the work tree, and reuses that build on later runs.
#
#   bash scripts/pulumi-cli.sh           build or reuse; the last line of stdout is the folder holding `pulumi`
#   bash scripts/pulumi-cli.sh --check   print that folder if a usable build is cached, exit 1 otherwise
#
# It also tries to build the Node.js language host (`pulumi-language-nodejs`), which `pulumi up` needs to run a
# program from its Pulumi.yaml. That module has no version tags and the proxy may refuse it; then the folder
# holds a file `language-host-unavailable` with the reason, and the tests run programs through the Automation
# API's inline programs instead (the engine then talks to the test's own language server). The
# dynamic-provider launcher (`pulumi-resource-pulumi-nodejs`) ships inside the @pulumi/pulumi npm package.
#
# Environment: PULUMI_CLI_VERSION (default: the pinned @pulumi/pulumi), PULUMI_LOGZIO_SIEM_CACHE (default
# ${XDG_CACHE_HOME:-~/.cache}/pulumi-logzio-siem), PULUMI_LANGUAGE_NODEJS_REF (the pulumi/pulumi commit of the
# language host; known for 3.248.0).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
log() { printf '%s\n' "pulumi-cli: $*" >&2; }

pinned=$(node -p 'require(process.argv[1]).packages["node_modules/@pulumi/pulumi"].version' "$root/package-lock.json")
version=${PULUMI_CLI_VERSION:-$pinned}
cache=${PULUMI_LOGZIO_SIEM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-logzio-siem}
dir="$cache/pulumi-cli/v$version"
bin="$dir/bin"

# Commits of the pulumi/pulumi release tags whose language host we know how to ask for.
case "$version" in
    3.248.0) lang_ref_default=dc7edd58bc13179f81b80983aab4eb7f74a01b41 ;;
    *) lang_ref_default="" ;;
esac
lang_ref=${PULUMI_LANGUAGE_NODEJS_REF:-$lang_ref_default}

usable() { [ -x "$bin/pulumi" ] && [ "$("$bin/pulumi" version 2>/dev/null)" = "v$version" ]; }

if [ "${1:-}" = "--check" ]; then
    usable && { echo "$bin"; exit 0; }
    exit 1
fi

# The dynamic-provider launcher ships with @pulumi/pulumi on npm; a Pulumi install keeps it next to `pulumi`.
launcher="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
provide_launcher() {
    if [ -f "$launcher" ]; then
        cp "$launcher" "$bin/pulumi-resource-pulumi-nodejs" && chmod +x "$bin/pulumi-resource-pulumi-nodejs"
    else
        log "run npm ci first: $launcher is missing, so dynamic providers cannot start"
    fi
}

if usable; then
    provide_launcher
    log "reusing the Pulumi CLI v$version in $bin"
    [ -f "$bin/language-host-unavailable" ] && log "language host: $(cat "$bin/language-host-unavailable")"
    echo "$bin"
    exit 0
fi

command -v go >/dev/null || { log "Go is not installed: cannot build the Pulumi CLI"; exit 3; }
start=$(date +%s)
mkdir -p "$bin" "$dir/cli" "$dir/lang"
flags=(-trimpath -tags osusergo,grpcnotrace)
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version"

# The CLI's module has replace directives, so `go install module@version` refuses it; a scratch module that
# requires it builds it (a dependency's replace directives are ignored, and none matters off Windows).
cd "$dir/cli"
[ -f go.mod ] || printf 'module pulumi-logzio-siem.invalid/pulumi-cli\n\ngo 1.25\n' >go.mod
log "building the Pulumi CLI v$version from the Go module proxy (first build: a few minutes)"
buildlog="$dir/build.log"
if ! { go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$version" &&
    CGO_ENABLED=0 go build "${flags[@]}" -ldflags "$ldflags" -o "$bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi; } >"$buildlog" 2>&1; then
    tail -n 20 "$buildlog" >&2
    log "building the Pulumi CLI failed (whole log: $buildlog)"
    exit 1
fi

rm -f "$bin/language-host-unavailable"
cd "$dir/lang"
[ -f go.mod ] || printf 'module pulumi-logzio-siem.invalid/pulumi-language-nodejs\n\ngo 1.25\n' >go.mod
lang_module=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
if [ -z "$lang_ref" ]; then
    echo "no known pulumi/pulumi commit for v$version (set PULUMI_LANGUAGE_NODEJS_REF)" >"$bin/language-host-unavailable"
elif out=$(go get "$lang_module@$lang_ref" 2>&1) &&
    out=$(CGO_ENABLED=0 go build "${flags[@]}" -ldflags "$ldflags" -o "$bin/pulumi-language-nodejs" "$lang_module" 2>&1); then
    log "built the Node.js language host at $lang_ref"
else
    # The end of Go's first line says why: the proxy refused the module (e.g. "403 Forbidden") or the build failed.
    printf 'the Go module proxy does not provide %s at %s (%s)\n' "$lang_module" "${lang_ref:0:12}" \
        "$(printf '%s' "$out" | head -n 1 | sed 's/.*: //')" >"$bin/language-host-unavailable"
fi
[ -f "$bin/language-host-unavailable" ] && log "language host: $(cat "$bin/language-host-unavailable")"

mv "$bin/pulumi.tmp" "$bin/pulumi"
provide_launcher
usable || { log "the built CLI does not report v$version"; exit 1; }
log "Pulumi CLI v$version built in $(($(date +%s) - start)) s: $bin"
echo "$bin"
