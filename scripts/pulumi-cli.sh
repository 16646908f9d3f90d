#!/usr/bin/env bash
# Provides the real Pulumi CLI for the end-to-end tests, the demo and the engine benchmarks. The CLI cannot be
# downloaded here, but it is a Go module: this builds it from the Go module proxy, at the version of
# @pulumi/pulumi that package-lock.json pins, into a cache folder outside the work tree, and reuses that build.
#
#   bash scripts/pulumi-cli.sh           build or reuse; the last line of stdout is the folder holding `pulumi`
#   bash scripts/pulumi-cli.sh --check   print that folder if a usable build is cached, exit 1 otherwise
#
# Next to `pulumi` it puts the Node.js language host (`pulumi-language-nodejs`), which runs a program from its
# Pulumi.yaml as `pulumi up` does for every user. Since sdk/v3.69.0 that host is a module of its own
# (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) with no version tags, which the proxy does not
# serve (403, at v3.276.0 too, and by commit); up to sdk/v3.68.0 it is a package of the tagged
# github.com/pulumi/pulumi/sdk/v3 module, so that is the one built (CONTRIBUTING.md says what this older host
# lacks). The dynamic-provider launcher (`pulumi-resource-pulumi-nodejs`) ships inside the @pulumi/pulumi npm
# package and is copied in.
#
# Environment: PULUMI_CLI_VERSION (default: the pinned @pulumi/pulumi), PULUMI_LOGZIO_SIEM_CACHE (default
# ${XDG_CACHE_HOME:-~/.cache}/pulumi-logzio-siem), PULUMI_LANGUAGE_NODEJS_SDK (the sdk/v3 version whose language
# host is built; default v3.68.0, the last one that carries it).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
log() { printf '%s\n' "pulumi-cli: $*" >&2; }

pinned=$(node -p 'require(process.argv[1]).packages["node_modules/@pulumi/pulumi"].version' "$root/package-lock.json")
version=${PULUMI_CLI_VERSION:-$pinned}
cache=${PULUMI_LOGZIO_SIEM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-logzio-siem}
dir="$cache/pulumi-cli/v$version"
bin="$dir/bin"

lang_sdk=${PULUMI_LANGUAGE_NODEJS_SDK:-v3.68.0}

cli_ok() { [ -x "$bin/pulumi" ] && [ "$("$bin/pulumi" version 2>/dev/null)" = "v$version" ]; }
host_ok() { [ -x "$bin/pulumi-language-nodejs" ]; }

if [ "${1:-}" = "--check" ]; then
    cli_ok && host_ok && { echo "$bin"; exit 0; }
    exit 1
fi

# The dynamic-provider launcher ships with @pulumi/pulumi on npm; a Pulumi install keeps it next to `pulumi`.
launcher="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
provide_launcher() {
    if [ -f "$launcher" ]; then
        cp "$launcher" "$bin/pulumi-resource-pulumi-nodejs" && chmod +x "$bin/pulumi-resource-pulumi-nodejs"
    else
        log "run npm ci first: $launcher is missing, so dynamic providers cannot start"
        return 1
    fi
}

if cli_ok && host_ok; then
    provide_launcher
    log "reusing the Pulumi CLI v$version and its Node.js language host in $bin"
    echo "$bin"
    exit 0
fi

command -v go >/dev/null || { log "Go is not installed: cannot build the Pulumi CLI"; exit 3; }
start=$(date +%s)
mkdir -p "$bin" "$dir/cli" "$dir/lang"
flags=(-trimpath -tags osusergo,grpcnotrace)
# The version is a link-time variable; left empty, `pulumi version` prints nothing.
ldflags() { printf -- '-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=%s' "$1"; }

# Both modules have replace directives, so `go install module@version` refuses them; a scratch module that
# requires one builds it (a dependency's replace directives are ignored, and none matters off Windows).
# build <folder> <what> <module@version> <package> <output> <version it reports>
build() {
    local log_file="$dir/$1.log"
    cd "$dir/$1"
    [ -f go.mod ] || printf 'module pulumi-logzio-siem.invalid/%s\n\ngo 1.25\n' "$1" >go.mod
    log "building $2 from the Go module proxy"
    if ! { go get "$3" && CGO_ENABLED=0 go build "${flags[@]}" -ldflags "$(ldflags "$6")" -o "$5.tmp" "$4" && mv "$5.tmp" "$5"; } >"$log_file" 2>&1; then
        tail -n 20 "$log_file" >&2
        log "building $2 failed (whole log: $log_file)"
        exit 1
    fi
}

cli_ok || build cli "the Pulumi CLI v$version (first build: a few minutes)" \
    "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$version" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$bin/pulumi" "v$version"
# `go get` of the package (not just the module) records the go.sum entries of its own imports.
host_ok || build lang "the Node.js language host of sdk/$lang_sdk" \
    "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs@$lang_sdk" \
    github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs "$bin/pulumi-language-nodejs" "$lang_sdk"
rm -f "$bin/language-host-unavailable"

provide_launcher
cli_ok || { log "the built CLI does not report v$version"; exit 1; }
log "Pulumi CLI v$version and the Node.js language host of sdk/$lang_sdk ready in $(($(date +%s) - start)) s: $bin"
echo "$bin"
