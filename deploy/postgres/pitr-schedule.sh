#!/bin/sh
# The stack's backup schedule for pgBackRest (service `pgbackup` of deploy/compose.yaml; a
# container has no cron): every day at PITR_BACKUP_TIME (default 02:30, the container's time
# zone, Asia/Tehran) a differential backup, and a full one on PITR_FULL_WEEKDAY (date +%u,
# default 5 = Friday). Each run is logged; a failed one is retried at the next slot, and the
# readiness and metrics of the app do not depend on it (pgbackrest info shows the last backup).
set -eu
at="${PITR_BACKUP_TIME:-02:30}"
full_day="${PITR_FULL_WEEKDAY:-5}"
here="$(dirname "$0")"
while :; do
    now=$(date +%s)
    next=$(date -d "today $at" +%s)
    [ "$next" -le "$now" ] && next=$(date -d "tomorrow $at" +%s)
    echo "pitr-schedule: next backup at $(date -d "@$next" '+%Y-%m-%d %H:%M %Z')"
    sleep $((next - now))
    if [ "$(date +%u)" = "$full_day" ]; then kind=full; else kind=diff; fi
    "$here/pitr-backup.sh" "$kind" || echo "pitr-schedule: the $kind backup failed; next try at the next slot" >&2
done
