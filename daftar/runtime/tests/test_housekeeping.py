"""Housekeeping (issue 20 §6): each purge deletes exactly the rows past their time, keeps the
fresh ones (and pending messages, however old), in bounded batches, logs its count, and can run
twice at once; ``manage.py housekeeping --dry-run`` only counts."""

from __future__ import annotations

import datetime as dt
import io
import threading
import uuid

import pytest
from captcha.models import CaptchaStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from daftar.accounts.models import OneTimeCode
from daftar.accounts.services import captchas_purge, otp_codes_purge
from daftar.accounts.tests.factories import UserFactory
from daftar.licences.models import VerificationLog
from daftar.licences.verification import verification_log_purge
from daftar.notifications.models import OutboxMessage, OutboxStatus
from daftar.notifications.services import outbox_purge
from daftar.runtime import housekeeping
from daftar.runtime.models import IdempotencyRecord
from daftar.runtime.tasks import housekeeping as housekeeping_task

pytestmark = pytest.mark.django_db
NOW = timezone.now()
DAY = dt.timedelta(days=1)


def _session(expires: dt.datetime) -> Session:
    return Session.objects.create(session_key=uuid.uuid4().hex, session_data="e30:", expire_date=expires)


def _captcha(expires: dt.datetime) -> CaptchaStore:
    return CaptchaStore.objects.create(challenge="12345", response="12345", expiration=expires)


def _idempotency(made: dt.datetime, user=None) -> IdempotencyRecord:
    return IdempotencyRecord.objects.create(
        user=user or UserFactory(),
        scope="applications.create",
        key=uuid.uuid4().hex,
        request_hash="0" * 64,
        status_code=201,
        body={},
        created_at=made,
    )


def _code(made: dt.datetime) -> OneTimeCode:
    return OneTimeCode.objects.create(
        mobile="09121234567", code_hash="0" * 64, created_at=made, expires_at=made + dt.timedelta(seconds=120)
    )


def _sms(made: dt.datetime, status: str) -> OutboxMessage:
    return OutboxMessage.objects.create(
        kind="otp", to="09121234567", text="x", status=status, created_at=made, next_attempt_at=made
    )


def _check(at: dt.datetime) -> VerificationLog:
    return VerificationLog.objects.create(number="TEH-1403-0001", at=at)


def _left(model) -> set[int]:
    return set(model.objects.values_list("pk", flat=True))


def _purged(lines: list[dict]) -> dict[str, dict]:
    return {line["purge"]: line for line in lines if line["event"] == "housekeeping_purged"}


def test_each_purge_deletes_exactly_the_rows_past_their_time_and_logs_its_count(settings, json_lines):
    settings.RETENTION_IDEMPOTENCY_HOURS = 48
    settings.OTP_RETENTION_DAYS = 30
    settings.RETENTION_OUTBOX_DAYS = 90
    settings.RETENTION_VERIFICATION_LOG_DAYS = 365
    user = UserFactory()
    expired_sessions = [_session(NOW - dt.timedelta(minutes=1)) for _ in range(2)]
    live_session = _session(NOW + dt.timedelta(hours=1))
    expired_captcha, live_captcha = _captcha(NOW - dt.timedelta(seconds=1)), _captcha(NOW + dt.timedelta(minutes=5))
    old_key = _idempotency(NOW - dt.timedelta(hours=49), user)
    young_key = _idempotency(NOW - dt.timedelta(hours=47), user)
    old_code, young_code = _code(NOW - 31 * DAY), _code(NOW - 29 * DAY)
    old_sent, old_failed = _sms(NOW - 91 * DAY, OutboxStatus.SENT), _sms(NOW - 91 * DAY, OutboxStatus.FAILED)
    old_pending = _sms(NOW - 400 * DAY, OutboxStatus.PENDING)  # never sent: never deleted
    young_sent = _sms(NOW - 89 * DAY, OutboxStatus.SENT)
    old_check, young_check = _check(NOW - 366 * DAY), _check(NOW - 364 * DAY)

    counts = housekeeping.run_all(now=NOW)

    assert counts == {
        "sessions": 2,
        "idempotency": 1,
        "captchas": 1,
        "one_time_codes": 1,
        "outbox": 2,
        "portal": 0,  # its own test: daftar/portal/tests/test_retention.py
        "verification_log": 1,
    }
    assert _left(Session) >= {live_session.pk} and not _left(Session) & {s.pk for s in expired_sessions}
    assert _left(CaptchaStore) == {live_captcha.pk} and expired_captcha.pk not in _left(CaptchaStore)
    assert _left(IdempotencyRecord) == {young_key.pk} and old_key.pk not in _left(IdempotencyRecord)
    assert _left(OneTimeCode) == {young_code.pk} and old_code.pk not in _left(OneTimeCode)
    assert _left(OutboxMessage) == {old_pending.pk, young_sent.pk}
    assert not _left(OutboxMessage) & {old_sent.pk, old_failed.pk}
    assert _left(VerificationLog) == {young_check.pk} and old_check.pk not in _left(VerificationLog)
    logged = _purged(json_lines())
    assert {name: line["count"] for name, line in logged.items()} == counts
    assert all(line["dry_run"] is False and line["level"] == "info" for line in logged.values())

    assert housekeeping.run_all(now=NOW) == dict.fromkeys(counts, 0)  # a second run finds nothing


def test_each_app_purge_alone_keeps_what_is_fresh(settings):
    settings.RETENTION_OUTBOX_DAYS = 10
    _sms(NOW - 11 * DAY, OutboxStatus.SENT)
    pending = _sms(NOW - 11 * DAY, OutboxStatus.PENDING)
    _check(NOW - 400 * DAY)
    _captcha(NOW - DAY)
    _code(NOW - 60 * DAY)

    assert outbox_purge(now=NOW) == 1 and _left(OutboxMessage) == {pending.pk}
    assert verification_log_purge(now=NOW) == 1 and not VerificationLog.objects.exists()
    assert captchas_purge(now=NOW) == 1 and not CaptchaStore.objects.exists()
    assert otp_codes_purge(now=NOW) == 1 and not OneTimeCode.objects.exists()


def test_a_purge_deletes_in_bounded_batches(settings):
    settings.RETENTION_BATCH_SIZE = 2
    for _ in range(5):
        _check(NOW - 400 * DAY)
    young = _check(NOW)

    with CaptureQueriesContext(connection) as queries:
        assert verification_log_purge(now=NOW) == 5

    deletes = [q["sql"] for q in queries.captured_queries if q["sql"].upper().startswith("DELETE")]
    assert len(deletes) == 3  # 2 + 2 + 1 rows, never one statement over all of them
    assert _left(VerificationLog) == {young.pk}


def test_the_dry_run_prints_the_counts_and_deletes_nothing(json_lines):
    for _ in range(3):
        _check(NOW - 400 * DAY)
    _sms(NOW - 400 * DAY, OutboxStatus.SENT)
    out = io.StringIO()

    call_command("housekeeping", "--dry-run", stdout=out)

    printed = out.getvalue()
    assert "verification_log: would delete 3" in printed and "outbox: would delete 1" in printed
    assert VerificationLog.objects.count() == 3 and OutboxMessage.objects.count() == 1
    logged = _purged(json_lines())["verification_log"]
    assert logged["dry_run"] is True and logged["count"] == 3

    out = io.StringIO()
    call_command("housekeeping", "--only", "verification_log", stdout=out)
    assert out.getvalue().strip() == "verification_log: deleted 3"
    assert OutboxMessage.objects.count() == 1


def test_an_unknown_purge_name_is_refused():
    with pytest.raises(CommandError, match="unknown purge"):
        call_command("housekeeping", "--only", "everything")


def test_a_failing_purge_does_not_stop_the_others(monkeypatch, json_lines):
    _check(NOW - 400 * DAY)

    def broken(*, now, dry_run=False):
        raise OSError("disk on fire")

    monkeypatch.setitem(housekeeping._PURGES, "captchas", housekeeping.Purge("captchas", broken, "broken"))
    with pytest.raises(RuntimeError, match="captchas"):
        housekeeping.run_all(now=NOW)
    assert not VerificationLog.objects.exists()
    assert any(line["event"] == "housekeeping_failed" and line["purge"] == "captchas" for line in json_lines())


def test_the_beat_runs_housekeeping_hourly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["housekeeping"]
    assert entry["task"] == housekeeping_task.name == "daftar.runtime.tasks.housekeeping"
    assert entry["schedule"] == 3600.0
    assert "purge-codes" not in settings.CELERY_BEAT_SCHEDULE  # folded into housekeeping


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_share_the_rows_without_error(settings):
    settings.RETENTION_BATCH_SIZE = 10
    VerificationLog.objects.bulk_create([VerificationLog(number=f"N{i}", at=NOW - 400 * DAY) for i in range(300)])
    counts: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait()
            counts.append(verification_log_purge(now=NOW))
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sum(counts) == 300 and not VerificationLog.objects.exists()
