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
# The YAML and Python language hosts go beside them, for the programs that use the resource provider plugin
# (pulumi-resource-logzio-siem). YAML's host is its own module, github.com/pulumi/pulumi-yaml, at the newest version
# the proxy serves. Python's host is looked for, in order, where it lives for the CLI's version: in the
# github.com/pulumi/pulumi/sdk/v3 module itself (up to v3.68.0), in its own module
# github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3 (later; untagged, so the proxy may refuse it),
# else sdk/v3's v3.68.0. The v3.68 Python host ignores `runtime.options.virtualenv`: put the venv's bin first on
# PATH. Its `pulumi-language-python-exec` script is copied from the same version.
#
# Environment: PULUMI_CLI_VERSION (default: the pinned @pulumi/pulumi), PULUMI_LOGZIO_SIEM_CACHE (default
# ${XDG_CACHE_HOME:-~/.cache}/pulumi-logzio-siem), PULUMI_LANGUAGE_NODEJS_SDK (the sdk/v3 version whose language
# host is built; default v3.68.0, the last one that carries it), PULUMI_LANGUAGE_YAML_VERSION (default: the newest
# pulumi-yaml the proxy serves), PULUMI_LANGUAGE_PYTHON_FALLBACK (the sdk/v3 version whose Python host is built
# when the CLI's own is not served; default v3.68.0).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
log() { printf '%s\n' "pulumi-cli: $*" >&2; }

pinned=$(node -p 'require(process.argv[1]).packages["node_modules/@pulumi/pulumi"].version' "$root/package-lock.json")
version=${PULUMI_CLI_VERSION:-$pinned}
cache=${PULUMI_LOGZIO_SIEM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-logzio-siem}
dir="$cache/pulumi-cli/v$version"
bin="$dir/bin"

lang_sdk=${PULUMI_LANGUAGE_NODEJS_SDK:-v3.68.0}
python_fallback=${PULUMI_LANGUAGE_PYTHON_FALLBACK:-v3.68.0}

cli_ok() { [ -x "$bin/pulumi" ] && [ "$("$bin/pulumi" version 2>/dev/null)" = "v$version" ]; }
host_ok() { [ -x "$bin/pulumi-language-nodejs" ]; }
yaml_ok() { [ -x "$bin/pulumi-language-yaml" ]; }
python_ok() { [ -x "$bin/pulumi-language-python" ] && [ -x "$bin/pulumi-language-python-exec" ]; }
all_ok() { cli_ok && host_ok && yaml_ok && python_ok; }

if [ "${1:-}" = "--check" ]; then
    all_ok && { echo "$bin"; exit 0; }
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

if all_ok; then
    provide_launcher
    log "reusing the Pulumi CLI v$version and its Node.js, YAML and Python language hosts in $bin"
    echo "$bin"
    exit 0
fi

command -v go >/dev/null || { log "Go is not installed: cannot build the Pulumi CLI"; exit 3; }
start=$(date +%s)
mkdir -p "$bin" "$dir/cli" "$dir/lang" "$dir/yaml" "$dir/python"
flags=(-trimpath -tags osusergo,grpcnotrace)
# The version is a link-time variable; left empty, `pulumi version` prints nothing. The YAML host has its own.
sdk_version_var=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version
ldflags() { printf -- '-s -w -X %s=%s' "${2:-$sdk_version_var}" "$1"; }

# Both modules have replace directives, so `go install module@version` refuses them; a scratch module that
# requires one builds it (a dependency's replace directives are ignored, and none matters off Windows).
# build <folder> <what> <module@version> <package> <output> <version it reports> [<its version variable>]
build() {
    local log_file="$dir/$1.log"
    cd "$dir/$1"
    [ -f go.mod ] || printf 'module pulumi-logzio-siem.invalid/%s\n\ngo 1.25\n' "$1" >go.mod
    local t0; t0=$(date +%s)
    log "building $2 from the Go module proxy"
    if ! { go get "$3" && CGO_ENABLED=0 go build "${flags[@]}" -ldflags "$(ldflags "$6" "${7:-}")" -o "$5.tmp" "$4" && mv "$5.tmp" "$5"; } >"$log_file" 2>&1; then
        tail -n 20 "$log_file" >&2
        log "building $2 failed (whole log: $log_file)"
        exit 1
    fi
    log "built $2 in $(($(date +%s) - t0)) s"
}

# Where a module version lies in the module cache (downloading it), or nothing if the proxy does not serve it.
module_dir() {
    local json
    json=$( (cd "$dir/python" && GOFLAGS=-mod=mod go mod download -json "$1") 2>/dev/null || true)
    printf '%s\n' "$json" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p'
}

# The Python host for this CLI: sdk/v3 at the CLI's version if it still carries it, else the host's own module at
# that version, else sdk/v3 at the fallback version. Sets py_mod (module@version), py_pkg and py_exec (the exec script).
python_host_source() {
    local sdk own
    sdk=$(module_dir "github.com/pulumi/pulumi/sdk/v3@v$version")
    if [ -n "$sdk" ] && [ -d "$sdk/python/cmd/pulumi-language-python" ]; then
        py_mod="github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python@v$version"
        py_pkg=github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python py_ver="v$version"
        py_exec="$sdk/python/cmd/pulumi-language-python-exec"
        return
    fi
    own=$(module_dir "github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3@v$version")
    if [ -n "$own" ] && [ -n "$sdk" ]; then
        py_mod="github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3@v$version"
        py_pkg=github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3 py_ver="v$version"
        py_exec="$sdk/python/cmd/pulumi-language-python-exec"
        return
    fi
    sdk=$(module_dir "github.com/pulumi/pulumi/sdk/v3@$python_fallback")
    [ -n "$sdk" ] || { log "the Go module proxy serves no Python language host (tried v$version and $python_fallback)"; exit 1; }
    log "the Python language host of v$version is not served; building sdk/$python_fallback's"
    py_mod="github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python@$python_fallback"
    py_pkg=github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python py_ver=$python_fallback
    py_exec="$sdk/python/cmd/pulumi-language-python-exec"
}

cli_ok || build cli "the Pulumi CLI v$version (first build: a few minutes)" \
    "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$version" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$bin/pulumi" "v$version"
# `go get` of the package (not just the module) records the go.sum entries of its own imports.
host_ok || build lang "the Node.js language host of sdk/$lang_sdk" \
    "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs@$lang_sdk" \
    github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs "$bin/pulumi-language-nodejs" "$lang_sdk"
rm -f "$bin/language-host-unavailable"
if ! yaml_ok; then
    yaml_version=${PULUMI_LANGUAGE_YAML_VERSION:-$(cd "$dir/yaml" && go list -m -versions github.com/pulumi/pulumi-yaml 2>/dev/null | awk '{ print $NF }')}
    case "$yaml_version" in v*) ;; *) log "the Go module proxy lists no version of github.com/pulumi/pulumi-yaml"; exit 1 ;; esac
    build yaml "the YAML language host $yaml_version" "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@$yaml_version" \
        github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml "$bin/pulumi-language-yaml" "$yaml_version" \
        github.com/pulumi/pulumi-yaml/pkg/version.Version
fi
if ! python_ok; then
    [ -f "$dir/python/go.mod" ] || printf 'module pulumi-logzio-siem.invalid/python\n\ngo 1.25\n' >"$dir/python/go.mod"
    python_host_source
    build python "the Python language host $py_ver" "$py_mod" "$py_pkg" "$bin/pulumi-language-python" "$py_ver"
    install -m 755 "$py_exec" "$bin/pulumi-language-python-exec"
fi

provide_launcher
cli_ok || { log "the built CLI does not report v$version"; exit 1; }
log "Pulumi CLI v$version and its Node.js (sdk/$lang_sdk), YAML and Python language hosts ready in $(($(date +%s) - start)) s: $bin"
echo "$bin"
