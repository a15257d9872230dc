"""The licence's declared table (``workflow.LICENCE``) through the real API and sweep: every move
the table does not allow from a state is refused (409) and changes nothing, and what the API
offers a person is what the table and the policy allow them now."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from daftar.accounts.models import User
from daftar.applications.tests.helpers import client_for
from daftar.audit.models import AuditEntry
from daftar.kernel.lifecycle import SYSTEM
from daftar.licences import messages as msg
from daftar.licences.models import Licence, LicenceEvent, LicenceStatus
from daftar.licences.moves import licences_sweep
from daftar.licences.tests.factories import authority
from daftar.licences.workflow import ACTIONS, LICENCE
from daftar.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

REASON = "بررسی وضعیت مجوز پس از گزارش ناظر"
REVIEWER = "09120000002"
PERSON_ILLEGAL = [(state, m.action) for state, m in LICENCE.illegal() if SYSTEM not in m.roles]
SYSTEM_ILLEGAL = [(state, m.action) for state, m in LICENCE.illegal() if SYSTEM in m.roles]


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def in_state(make_licence: Any, state: str) -> Licence:
    """A licence in ``state`` that every other condition would let move: inside its renewal
    window, a suspension ending in the future, no dates past."""
    extra: dict[str, Any] = {"suspended_until": days(30)} if state == LicenceStatus.SUSPENDED else {}
    return make_licence(status=state, valid_until=days(20), **extra)


def snapshot(licence: Licence) -> tuple[Any, ...]:
    row = Licence.objects.filter(pk=licence.pk).values().get()
    return row, LicenceEvent.objects.count(), AuditEntry.objects.count(), OutboxMessage.objects.count()


def post(actor: User, licence: Licence, action: str) -> Any:
    body = {"action": action, "reason": REASON, "until": days(30).isoformat()}
    return client_for(actor).post(f"/api/v1/licences/{licence.number}/actions", body, format="json")


def test_the_table_has_illegal_moves_for_people_and_for_the_sweep():
    assert {a for _, a in PERSON_ILLEGAL} == set(ACTIONS)
    assert {a for _, a in SYSTEM_ILLEGAL} == {"suspension_end", "expire"}


@pytest.mark.parametrize(("state", "action"), PERSON_ILLEGAL, ids=[f"{s}-{a}" for s, a in PERSON_ILLEGAL])
def test_every_illegal_move_through_the_api_is_refused_and_changes_nothing(make_licence, state, action):
    licence = in_state(make_licence, state)
    before = snapshot(licence)
    response = post(authority(), licence, action)
    assert response.status_code == 409, response.content
    label = LicenceStatus(state).label
    assert response.json() == {"code": "illegal_move", "detail": msg.ILLEGAL_MOVE.format(status=label), "fields": {}}
    assert snapshot(licence) == before


@pytest.mark.parametrize(("state", "action"), SYSTEM_ILLEGAL, ids=[f"{s}-{a}" for s, a in SYSTEM_ILLEGAL])
def test_the_sweep_takes_no_illegal_move_even_when_its_dates_are_due(make_licence, state, action):
    """A licence in a state the sweep's move does not start from is left alone, even with its
    suspension and validity long past."""
    licence = make_licence(status=state, valid_until=days(-400), suspended_until=days(-5))
    before = snapshot(licence)
    licences_sweep()
    assert not LicenceEvent.objects.filter(licence=licence, action=action).exists()
    if state != LicenceStatus.ACTIVE:  # (an active licence this old is expired: a legal move)
        assert snapshot(licence) == before


@pytest.mark.parametrize("state", LicenceStatus.values)
def test_the_api_offers_the_authority_the_moves_the_table_allows_from_each_state(make_licence, state):
    licence = in_state(make_licence, state)
    expected = [a for a in ACTIONS if state in LICENCE.moves[a].sources]
    listed = client_for(authority()).get("/api/v1/licences?page_size=200").json()["results"]
    assert next(r for r in listed if r["number"] == licence.number)["actions"] == expected
    mine = client_for(licence.holder).get("/api/v1/licences?mine=1").json()["results"]
    assert [r["actions"] for r in mine] == [[]]  # the holder is offered nothing on their licence
    staff = client_for(User.objects.get(mobile=REVIEWER)).get("/api/v1/licences?page_size=200").json()["results"]
    assert next(r for r in staff if r["number"] == licence.number)["actions"] == []  # no role


def test_the_actions_answer_offers_the_moves_of_the_new_state(make_licence):
    licence = make_licence(valid_until=days(20))
    suspended = post(authority(), licence, "suspend").json()
    assert (suspended["status"], suspended["actions"]) == ("suspended", ["reinstate", "revoke"])
    revoked = post(authority(), licence, "revoke").json()
    assert (revoked["status"], revoked["actions"]) == ("revoked", [])


def test_every_offered_move_succeeds_and_every_other_is_refused(make_licence):
    """``available`` and the moves' own check agree: from an active licence in its renewal window
    each offered move succeeds (each on a licence of its own) and the others are 409."""
    make_licence(valid_until=days(20))
    [row] = client_for(authority()).get("/api/v1/licences").json()["results"]
    assert row["actions"] == ["suspend", "revoke", "renew"]
    for action in ACTIONS:
        status = post(authority(), make_licence(valid_until=days(20)), action).status_code
        assert status == (200 if action in row["actions"] else 409), (action, status)
