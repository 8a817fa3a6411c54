#!/usr/bin/env bash
# Makes sure a Docker engine answers that can run privileged containers.
#  - A daemon already answers and can run privileged containers here: nothing to do.
#  - None answers: install Debian's docker.io if dockerd is missing, start dockerd in the
#    background (log: $FABKIND_DOCKERD_LOG) and wait until it answers.
#  - This host's capability bounding set lacks a capability that the engine grants to
#    privileged containers (Docker 20.10, moby issue 42906): dockerd is started with the
#    runc-capfilter runtime (hack/runc-capfilter) as its default runtime, so privileged
#    containers (kind nodes, DinD) still run. Hosts with a full bounding set are untouched.
# Also installs the host tools the offline image factory uses (mmdebstrap, libseccomp-dev).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
log=${FABKIND_DOCKERD_LOG:-/var/log/fabkind-dockerd.log}
shim=/usr/local/libexec/fabkind/runc-capfilter
runtime_name=fabkind-runc

say() { printf 'ensure-docker: %s\n' "$*" >&2; }
sudo_() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]} (apt)"
  sudo_ apt-get update -qq
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# bounding_set_incomplete: true when some capability the kernel knows is missing from CapBnd.
bounding_set_incomplete() {
  local bnd last want
  bnd=$((16#$(awk '/^CapBnd:/ {print $2}' /proc/self/status)))
  last=$(cat /proc/sys/kernel/cap_last_cap)
  want=$(( (1 << (last + 1)) - 1 ))
  [ $((bnd & want)) -ne $want ]
}

answers() { docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }

apt_install mmdebstrap libseccomp-dev ca-certificates

if answers; then
  if bounding_set_incomplete && [ "$(docker info --format '{{.DefaultRuntime}}')" != "$runtime_name" ]; then
    if docker info --format '{{.ServerVersion}}' | grep -q '^20\.'; then
      say "a Docker $(docker info --format '{{.ServerVersion}}') daemon answers, but this host's capability"
      say "bounding set is incomplete and that engine grants every capability to privileged containers:"
      say "privileged containers (kind nodes) will fail with 'unable to apply caps'."
      say "Fix: stop that daemon and rerun $0, which starts it with the $runtime_name runtime."
      exit 1
    fi
  fi
  say "Docker $(docker info --format '{{.ServerVersion}}') answers; nothing to do"
  exit 0
fi

command -v dockerd >/dev/null 2>&1 || apt_install docker.io
# The CLI may be newer than the engine; let it negotiate down.
args=(--host unix:///var/run/docker.sock)
if bounding_set_incomplete; then
  say "capability bounding set is incomplete: building the $runtime_name runtime shim"
  sudo_ mkdir -p "$(dirname "$shim")"
  tmp=$(mktemp -d)
  (cd "$here/.." && CGO_ENABLED=0 go build -o "$tmp/runc-capfilter" \
     -ldflags "-X main.realRunc=$(command -v runc)" ./hack/runc-capfilter)
  sudo_ install -m 0755 "$tmp/runc-capfilter" "$shim"
  rm -rf "$tmp"
  args+=(--add-runtime "$runtime_name=$shim" --default-runtime "$runtime_name")
fi

say "starting dockerd ${args[*]} (log: $log)"
sudo_ sh -c "nohup setsid dockerd $(printf '%q ' "${args[@]}") >>'$log' 2>&1 &"
for _ in $(seq 1 120); do
  if answers; then
    say "Docker $(docker info --format '{{.ServerVersion}}') answers"
    exit 0
  fi
  sleep 0.5
done
say "dockerd did not answer within 60 s; last lines of $log:"
tail -n 20 "$log" >&2 || true
exit 1
