#!/usr/bin/env bash
# Measures the figures the issues name, on this machine (benchmarks measure, tests assert):
#   make images with nothing to do, fabkind up of the default topology from nothing (local
#   images), up again (converge), status, down. Results go to stdout and _artifacts/bench.txt.
# The cold image build is destructive (it removes the images): make bench-cold.
set -euo pipefail
cd "$(dirname "$0")/.."
topology=${TOPOLOGY:-fixtures/topology.yaml}
out=_artifacts/bench.txt
mkdir -p _artifacts
: > "$out"
measure() {
  local what=$1; shift
  local start end
  start=$(date +%s.%N)
  "$@" > "_artifacts/bench-$(echo "$what" | tr ' ' '-').log" 2>&1
  end=$(date +%s.%N)
  printf '%-40s %7.1f s\n' "$what" "$(echo "$end - $start" | bc)" | tee -a "$out"
}
measure "make images (nothing to build)" make images
if bin/fabkind status -f "$topology" >/dev/null 2>&1; then
  echo "bench: a network of $topology is up already; run fabkind down -f $topology first" >&2
  exit 1
fi
measure "fabkind up (from nothing)" bin/fabkind up -f "$topology"
measure "fabkind up (again: converge)" bin/fabkind up -f "$topology"
measure "fabkind status" bin/fabkind status -f "$topology"
measure "fabkind down" bin/fabkind down -f "$topology"
echo "bench: results in $out"
