#!/usr/bin/env bash
# Validates the Kubernetes deployment without a cluster (run by `npm test`, test/run.js):
#   1. every chart with every organisation's values: `helm lint --strict`;
#   2. `helm template` rendered and checked by kubeconform -strict against the Kubernetes API
#      schemas of the oldest and newest supported Kubernetes (deploy/tools.sh);
#   3. a deliberately broken manifest must be rejected (the check is not vacuous);
#   4. the chart's copy of the ccaas builder is the network's (network/builders/ccaas);
#   5. the Dockerfiles are multi-stage, end as a non-root user, and run a Node the project is
#      tested on (tools/node/versions.json). Images are not built here:
#      this machine has no container engine and no container registry (deploy/README.md).
set -euo pipefail
DEPLOY="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$DEPLOY/.." && pwd)"
step() { echo "==> $*"; }
die() {
    echo "ERROR: $*" >&2
    exit 1
}

eval "$(bash "$DEPLOY/tools.sh")"
step "helm $("$HELM" version --template "{{ .Version }}"), kubeconform ${KUBECONFORM##*-}, schemas for Kubernetes $SCHEMA_VERSIONS"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

kubeconform() {
    local version="$1"
    shift
    "$KUBECONFORM" -strict -summary -kubernetes-version "${version#v}" \
        -schema-location "$SCHEMAS/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" "$@"
}

checked=0
check_chart() {
    local chart="$1" values="$2" release out
    release="$(basename "$values" .yaml)"
    "$HELM" lint --strict "$DEPLOY/charts/$chart" -f "$values" >"$work/lint.txt" 2>&1 ||
        die "helm lint --strict $chart -f ${values#"$ROOT"/}: $(cat "$work/lint.txt")"
    "$HELM" template "$release" "$DEPLOY/charts/$chart" -f "$values" --namespace "careledger-$release" >"$work/$release.yaml" ||
        die "helm template $chart -f ${values#"$ROOT"/} failed"
    local version
    for version in $SCHEMA_VERSIONS; do
        out="$(kubeconform "$version" "$work/$release.yaml" 2>&1)" ||
            die "kubeconform (Kubernetes $version) rejected $chart with ${values#"$ROOT"/}:
$out"
        grep -q 'Invalid: 0, Errors: 0, Skipped: 0' <<<"$out" || die "kubeconform did not validate every resource: $out"
        echo "    $chart ${values#"$ROOT"/} on Kubernetes $version: ${out##*Summary: }"
    done
    checked=$((checked + 1))
}

step "helm lint --strict and kubeconform -strict, each organisation's release"
check_chart careledger-ordering "$DEPLOY/values/orderer.yaml"
for values in "$DEPLOY"/values/*.yaml; do
    [[ "$(basename "$values")" == orderer.yaml ]] && continue
    check_chart careledger-org "$values"
done

step "a broken manifest is rejected (the schema check is real)"
sed -E '0,/^  replicas: [0-9]+$/s//  replicas: "two"\n  surplusField: 1/' "$work/hospital.yaml" >"$work/broken.yaml"
if out="$(kubeconform "${SCHEMA_VERSIONS%% *}" "$work/broken.yaml" 2>&1)"; then
    die "kubeconform accepted a manifest with a string replica count and an unknown field: $out"
fi
grep -q "additional properties 'surplusField' not allowed" <<<"$out" || die "kubeconform failed for another reason: $out"
echo "    rejected: ${out##*Summary: }"

step "the chart's ccaas builder is network/builders/ccaas"
for file in build detect release; do
    cmp -s "$ROOT/network/builders/ccaas/bin/$file" "$DEPLOY/charts/careledger-org/files/builders/$file" ||
        die "deploy/charts/careledger-org/files/builders/$file differs from network/builders/ccaas/bin/$file: copy it"
done

step "Dockerfiles: multi-stage, non-root, on a tested Node (not built: no container engine here)"
for dockerfile in "$DEPLOY"/docker/*.Dockerfile; do
    node - "$dockerfile" "$ROOT/tools/node/versions.json" <<'JS' || die "$dockerfile is not multi-stage, non-root, on a tested Node"
const text = require('fs').readFileSync(process.argv[2], 'utf8');
const stages = text.split('\n').filter((l) => /^FROM\s/i.test(l));
const last = text.slice(text.lastIndexOf('\nFROM '));
const user = [...last.matchAll(/^USER\s+(\S+)/gim)].pop();
const problems = [];
if (stages.length < 2) problems.push('one stage only');
if (!user || /^(0|root)(:|$)/.test(user[1])) problems.push('final stage runs as root');
if (/^ADD\s+https?:/im.test(text)) problems.push('ADD from a URL');
// The image's Node is a supported release the project is tested on (tools/node/versions.json, npm run test:node-matrix); Node 20 is end of life.
const tested = Object.keys(require(process.argv[3]).releases);
for (const [, major] of text.matchAll(/^FROM\s+node:(\d+)/gim)) {
    if (!tested.includes(major)) problems.push(`node:${major} is not a release of tools/node/versions.json (${tested.join(", ")})`);
}
if (problems.length) { console.error(problems.join('; ')); process.exit(1); }
console.log(`    ${require('path').basename(process.argv[2])}: ${stages.length} stages, runs as ${user[1]}, ${stages.map((l) => l.split(/\s+/)[1]).join(' → ')}`);
JS
done
echo "deploy: $checked releases valid"
