#!/bin/sh
# Point-in-time recovery: put a STOPPED cluster's data directory back to how it was at a given
# moment (or to the end of the archive), from the pgBackRest repository. When PostgreSQL is
# started afterwards it replays the archived WAL up to that moment, then opens for writes on a
# new timeline. Commits after the moment are not in the restored cluster (they stay in the
# repository, on the old timeline). docs/operations.md «Point-in-time recovery».
#
# usage: pitr-restore.sh --target 'TIME' [--pgdata DIR]
#        pitr-restore.sh --latest [--pgdata DIR]
#   --target TIME  e.g. '2026-12-06 14:30:00+03:30' or '2026-12-06 11:00:00 UTC'; without a
#                  zone it is the host's local time. Restores every commit up to TIME.
#   --latest       every commit that reached the archive (e.g. after the data disk was lost)
#   --pgdata DIR   the data directory to restore into (default: PGBACKREST_PG1_PATH, else
#                  pg1-path of the stanza in the configuration)
# Run as root or as the cluster's owner (postgres), with PostgreSQL stopped:
#   Debian host: pg_ctlcluster 15 main stop; compose: docker-compose stop postgres, then run
#   this in a one-off container of the same image with the same volumes.
set -eu
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/pitr-lib.sh"
need_pgbackrest
as_cluster_owner "$@"

TARGET=""
LATEST=0
PGDATA_DIR=""
while [ $# -gt 0 ]; do
    case "$1" in
        --target)
            [ $# -ge 2 ] || die "--target needs a time, e.g. --target '2026-12-06 14:30:00+03:30'"
            TARGET=$2
            shift 2
            ;;
        --target=*)
            TARGET=${1#--target=}
            shift
            ;;
        --latest)
            LATEST=1
            shift
            ;;
        --pgdata)
            [ $# -ge 2 ] || die "--pgdata needs a directory"
            PGDATA_DIR=$2
            shift 2
            ;;
        --pgdata=*)
            PGDATA_DIR=${1#--pgdata=}
            shift
            ;;
        *) die "unknown argument '$1' (see $ME --help)" ;;
    esac
done
if [ "$LATEST" -eq 1 ] && [ -n "$TARGET" ]; then
    die "give either --target TIME or --latest, not both"
fi
if [ "$LATEST" -eq 0 ] && [ -z "$TARGET" ]; then
    die "to which moment? give --target 'YYYY-MM-DD HH:MM:SS+ZZ' (or --latest for the end of the archive)"
fi


# --- the moment ------------------------------------------------------------------------------
NOW=$(date -u +%s)
if [ -n "$TARGET" ]; then
    TARGET_EPOCH=$(date -u -d "$TARGET" +%s 2>/dev/null) ||
        die "'$TARGET' is not a time; write it like '2026-12-06 14:30:00+03:30' (date, time, zone)"
    # One unambiguous form for pgBackRest and PostgreSQL alike: UTC, microseconds kept.
    TARGET_UTC=$(date -u -d "$TARGET" '+%Y-%m-%d %H:%M:%S.%6N+00')
    [ "$TARGET_EPOCH" -le "$NOW" ] ||
        die "$TARGET_UTC is in the future (now: $(utc "$NOW")); for everything archived use --latest"
fi

# --- the data directory, and PostgreSQL stopped -------------------------------------------------
# pgBackRest's own override of pg1-path, when set, comes before the configuration file.
[ -n "$PGDATA_DIR" ] || PGDATA_DIR=${PGBACKREST_PG1_PATH:-}
if [ -z "$PGDATA_DIR" ]; then
    CONF=${PGBACKREST_CONFIG:-/etc/pgbackrest/pgbackrest.conf}
    [ -r "$CONF" ] || CONF=/etc/pgbackrest.conf
    PGDATA_DIR=$(awk -v want="[$STANZA]" '
        /^[ \t]*\[/ { section = $0; gsub(/[ \t]/, "", section); next }
        section == want && /^[ \t]*pg1-path[ \t]*=/ { sub(/^[^=]*=[ \t]*/, ""); print; exit }
    ' "$CONF")
    [ -n "$PGDATA_DIR" ] || die "no pg1-path for stanza '$STANZA' in $CONF; give --pgdata DIR"
fi
if [ -f "$PGDATA_DIR/postmaster.pid" ]; then
    PID=$(head -n 1 "$PGDATA_DIR/postmaster.pid")
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
        die "PostgreSQL is running on $PGDATA_DIR (pid $PID): stop it first (pg_ctlcluster 15 main stop, or docker-compose stop postgres); nothing was changed"
    fi
    say "note: a stale postmaster.pid in $PGDATA_DIR (PostgreSQL was not shut down cleanly); the restore replaces it"
fi
if [ ! -d "$PGDATA_DIR" ]; then
    mkdir -p "$PGDATA_DIR" || die "cannot create $PGDATA_DIR"
    chmod 700 "$PGDATA_DIR"
fi

# --- a backup old enough ---------------------------------------------------------------------
STOPS=$(backup_stops) || die "cannot read the repository (pgbackrest info failed, see above)"
[ -n "$STOPS" ] || die "no backup of stanza '$STANZA' in the repository: nothing to restore from (run pitr-setup.sh on a running cluster first)"
OLDEST=$(echo "$STOPS" | head -n 1)
if [ -n "$TARGET" ] && [ "$TARGET_EPOCH" -lt "$OLDEST" ]; then
    die "cannot restore to $TARGET_UTC: the oldest backup in the repository ended at $(utc "$OLDEST"), and no moment before a backup's end can be rebuilt; choose a later time (pgbackrest --stanza=$STANZA info lists the backups); nothing was changed"
fi

# --- restore ---------------------------------------------------------------------------------
# --delta: files already right in the directory are kept (checksums), the rest rewritten.
if [ -n "$TARGET" ]; then
    say "restoring $PGDATA_DIR to $TARGET_UTC (every commit up to then, none after)"
    pgbr --pg1-path="$PGDATA_DIR" --delta --type=time --target="$TARGET_UTC" --target-action=promote restore ||
        die "pgbackrest restore failed (see above); $PGDATA_DIR may be incomplete: do not start PostgreSQL on it, fix the cause and run this again"
else
    say "restoring $PGDATA_DIR to the end of the archive"
    pgbr --pg1-path="$PGDATA_DIR" --delta restore ||
        die "pgbackrest restore failed (see above); $PGDATA_DIR may be incomplete: do not start PostgreSQL on it, fix the cause and run this again"
fi

say "restored. Now start PostgreSQL (pg_ctlcluster 15 main start, or docker-compose start postgres):"
say "  it replays the archive up to the moment, then opens for writes on a new timeline."
say "  If it stops with 'recovery ended before configured recovery target was reached', the archive"
say "  does not reach that moment: run this again with an earlier --target or --latest."
say "Once it is open: take a full backup at once (pitr-backup.sh full); until then the newest backup"
say "  belongs to the abandoned timeline, and a later restore with --latest fails."
say "Before starting the Celery workers, look at the SMS outbox: messages sent after the moment are"
say "  pending again and would go out a second time."
