#!/usr/bin/env bash
# Starts Debian's Docker engine where it is installed but not running: with systemd when the
# machine has it, else dockerd in the background (a container or a minimal VM without an init
# system, like our build machines). Waits until `docker info` answers.
set -euo pipefail
if docker info >/dev/null 2>&1; then exit 0; fi
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  systemctl enable --now docker
else
  mkdir -p /var/log
  nohup dockerd >/var/log/dockerd.log 2>&1 &
fi
for _ in $(seq 1 60); do
  docker info >/dev/null 2>&1 && { echo "Docker engine running"; exit 0; }
  sleep 1
done
echo "the Docker engine did not start (see /var/log/dockerd.log or journalctl -u docker)" >&2
exit 1
