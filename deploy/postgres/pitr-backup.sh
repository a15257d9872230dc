#!/bin/sh
# Point-in-time recovery: one scheduled pgBackRest backup, then expiry per the retention
# settings (pgBackRest expires after every backup). Example schedule (docs/operations.md
# «Point-in-time recovery»): full on Sundays, diff on the other days.
#
# usage: pitr-backup.sh full|diff|incr     (as root or as the cluster's owner, postgres)
#   full  a copy of the whole cluster
#   diff  what changed since the last full (a restore needs the full + this)
#   incr  what changed since the last backup of any type
# A diff or incr with no full before it becomes a full (pgBackRest does so and says so).
set -eu
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/pitr-lib.sh"

case "${1:-}" in
    full | diff | incr) TYPE=$1 ;;
    "") die "which backup? usage: $ME full|diff|incr" ;;
    *) die "unknown backup type '$1': use full, diff or incr" ;;
esac
[ $# -eq 1 ] || die "one argument only (usage: $ME full|diff|incr)"

need_pgbackrest
as_cluster_owner "$@"

say "taking a $TYPE backup of stanza '$STANZA'"
pgbr --type="$TYPE" backup || die "the $TYPE backup failed (see above); the previous backups are untouched"
say "done; backups now in the repository:"
pgbr info
