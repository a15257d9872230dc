# Shared by pitr-setup.sh, pitr-backup.sh and pitr-restore.sh (sourced, not run).
# POSIX sh. Settings from the environment (all optional):
#   PGBACKREST_CONFIG  the pgBackRest configuration (default /etc/pgbackrest/pgbackrest.conf;
#                      pgBackRest itself reads this variable too)
#   PGBACKREST_STANZA  the stanza (default daftar)
#   PITR_OS_USER       the OS user owning the cluster (default postgres); when run as root the
#                      scripts run themselves again as that user

STANZA=${PGBACKREST_STANZA:-daftar}
PITR_OS_USER=${PITR_OS_USER:-postgres}
ME=$(basename "$0")

die() {
    echo "$ME: error: $*" >&2
    exit 1
}

# The script's header comment (its lines 2.. up to the first line that is not a comment).
help_text() {
    awk 'NR == 1 { next } !/^#/ { exit } { sub(/^# ?/, ""); print }' "$0"
}

case "${1:-}" in
    -h | --help)
        help_text
        exit 0
        ;;
esac

say() {
    echo "$ME: $*"
}

need_pgbackrest() {
    command -v pgbackrest >/dev/null 2>&1 ||
        die "pgbackrest is not installed or not on PATH (Debian: apt-get install pgbackrest)"
    if [ -n "${PGBACKREST_CONFIG:-}" ]; then
        [ -r "$PGBACKREST_CONFIG" ] || die "PGBACKREST_CONFIG=$PGBACKREST_CONFIG: no such readable file"
    elif [ ! -r /etc/pgbackrest/pgbackrest.conf ] && [ ! -r /etc/pgbackrest.conf ]; then
        die "no pgBackRest configuration: copy deploy/postgres/pgbackrest.conf to /etc/pgbackrest/pgbackrest.conf or set PGBACKREST_CONFIG"
    fi
}

# Root runs the script again as the cluster's owner: files a root pgBackRest wrote into the
# repository or the data directory would be unreadable to the PostgreSQL server.
as_cluster_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        command -v runuser >/dev/null 2>&1 || die "run this as the $PITR_OS_USER user (runuser is missing)"
        id "$PITR_OS_USER" >/dev/null 2>&1 || die "no OS user '$PITR_OS_USER' (set PITR_OS_USER)"
        exec runuser -u "$PITR_OS_USER" -- "$0" "$@"
    fi
}

pgbr() {
    pgbackrest --stanza="$STANZA" "$@"
}

# The stop times (UNIX seconds) of the stanza's backups, one a line, oldest first; nothing when
# there is none. Only backups carry "timestamp" in `info --output=json` (no jq needed).
backup_stops() {
    info=$(pgbr --output=json info) || return 1
    printf '%s' "$info" |
        tr -d '\n' |
        grep -o '"timestamp":{"start":[0-9]*,"stop":[0-9]*}' |
        sed 's/.*"stop":\([0-9]*\)}/\1/' |
        sort -n
}

utc() {
    date -u -d "@$1" '+%Y-%m-%d %H:%M:%S UTC'
}
