#!/usr/bin/env bash
# The Debian base image of daftar's images, made from Debian's archive alone (issue 20 §1).
#
# Docker Hub is not reachable from Iran's networks (nor from our build machines), Debian's archive
# is. When the image "$BASE_IMAGE" is not present locally, this makes a minimal Debian root
# filesystem with debootstrap and imports it into Docker. Nothing else is downloaded.
#
#   deploy/image/make-base.sh                 # daftar-base:bookworm from deb.debian.org
#   DEBIAN_MIRROR=http://mirror.example.ir/debian deploy/image/make-base.sh
#   BASE_REBUILD=1 deploy/image/make-base.sh  # make it again (e.g. monthly, for security updates)
#
# Needs root, debootstrap and a running Docker engine (README «Docker from Debian's packages»).
set -euo pipefail

BASE_IMAGE="${BASE_IMAGE:-daftar-base:bookworm}"
SUITE="${DEBIAN_SUITE:-bookworm}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"

if [ "${BASE_REBUILD:-0}" != 1 ] && docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  echo "base image $BASE_IMAGE is present"
  exit 0
fi
command -v debootstrap >/dev/null || {
  echo "debootstrap is missing: apt-get install debootstrap (as root)" >&2
  exit 1
}

work="$(mktemp -d /var/tmp/daftar-base.XXXXXX)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
echo "debootstrap $SUITE from $MIRROR into $root"
debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$root" "$MIRROR" >"$work/debootstrap.log" 2>&1 || {
  tail -n 30 "$work/debootstrap.log" >&2
  exit 1
}

# Security updates and the main archive, as the images' apt sources.
cat >"$root/etc/apt/sources.list" <<SOURCES
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
SOURCES
# Small images: no documentation or caches kept by apt inside the layers.
cat >"$root/etc/dpkg/dpkg.cfg.d/01-daftar-nodoc" <<'NODOC'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
NODOC
cat >"$root/etc/apt/apt.conf.d/01-daftar-small" <<'SMALL'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
SMALL
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/tmp/* "$root"/var/tmp/*

tar --numeric-owner -C "$root" -c . | docker import \
  --change 'ENV LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive' \
  --change 'CMD ["/bin/bash"]' \
  --message "Debian $SUITE minbase from $MIRROR (debootstrap)" \
  - "$BASE_IMAGE"
echo "imported $BASE_IMAGE"
