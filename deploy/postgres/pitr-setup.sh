#!/bin/sh
# Point-in-time recovery, once per cluster: create the pgBackRest stanza, prove that WAL
# archiving works, and take the first full backup. Safe to run again (each step is skipped or
# re-checked when already done). Run it after PostgreSQL is up with
# postgresql.conf.d/archiving.conf (docs/operations.md «Point-in-time recovery»).
#
# usage: pitr-setup.sh            (as root or as the cluster's owner, postgres)
set -eu
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/pitr-lib.sh"

case "${1:-}" in
    "") ;;
    *) die "unexpected argument '$1' (usage: $ME)" ;;
esac

need_pgbackrest
as_cluster_owner "$@"

# stanza-create is idempotent: on an existing stanza of the same cluster it only checks it.
say "creating (or checking) stanza '$STANZA'"
pgbr stanza-create ||
    die "stanza-create failed: is PostgreSQL running, and do pg1-path/pg1-port/pg1-socket-path in the configuration match it?"

# check: the configuration matches the running server and archive_command delivers a WAL
# segment into the repository (it switches a segment and waits for it).
say "checking that WAL archiving reaches the repository"
pgbr check ||
    die "archiving does not work: is archive_mode=on and archive_command='pgbackrest --stanza=$STANZA archive-push %p' (postgresql.conf.d/archiving.conf), and was PostgreSQL restarted after setting them?"

if [ -n "$(backup_stops)" ]; then
    say "a backup exists already (newest ended $(utc "$(backup_stops | tail -n 1)")); no new full backup taken"
else
    say "taking the first full backup"
    pgbr --type=full backup || die "the first full backup failed (see above)"
fi
pgbr info
say "done: WAL is archived continuously; schedule pitr-backup.sh (full weekly, diff daily)"
