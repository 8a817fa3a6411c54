#!/usr/bin/env bash
# Measures the cold path of the offline image build: removes every fabkind.local image and
# fabkind's binary cache, then runs `make images` with an empty Go build cache (a fresh GOCACHE,
# so the user's own cache is left alone) and prints the wall time. Then runs it again, which must
# rebuild nothing. The Go module cache is kept: it only saves downloads.
set -euo pipefail
cd "$(dirname "$0")/.."
hack/ensure-docker.sh
cache=${FABKIND_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fabkind}

echo "cold-build: removing fabkind.local images and $cache/bin"
docker images --format '{{.Repository}}:{{.Tag}}' | grep '^fabkind\.local/' | xargs -r docker rmi -f >/dev/null
rm -rf "$cache/bin"
gocache=$(mktemp -d /tmp/fabkind-cold-gocache.XXXXXX)
trap 'rm -rf "$gocache"' EXIT

start=$(date +%s)
GOCACHE=$gocache make images
cold=$(( $(date +%s) - start ))

start=$(date +%s)
make images
warm=$(( $(date +%s) - start ))
echo "cold-build: cold make images ${cold}s; second run ${warm}s"
