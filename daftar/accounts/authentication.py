"""Knox bearer tokens with a short-lived cache of successful look-ups (issue 7: "cached token
look-ups").

Knox finds a token with two queries per request (the token joined to its user, then every token
of that user to purge the expired ones) and compares digests in Python. Here a successful
look-up is remembered in Django's cache for at most ``TOKEN_CACHE_SECONDS`` (never past the
token's expiry), keyed by the SHA-512 digest of the presented token (what knox stores; the raw
token is never written anywhere), holding the user's id, the token's key prefix, creation and
expiry, and the user row itself. A hit costs one cache read and no query.

Revocation is immediate: every deletion of a token (logout, ``?all=1``, a deleted user, the
hourly purge of expired tokens) moves the token's **generation** on through ``post_delete``
(connected in ``AccountsConfig.ready``), at once and again after the transaction commits; any
save or delete of the user (deactivated, renamed, new mobile) does the same for all their tokens.
An entry is used only under the generation that was current *before* the rows in it were read,
so a request caught between its database read and its cache write by a revocation leaves an
entry nobody uses: the cached user is never older than its row. Knox's auto-refresh still
happens, at most once per ``MIN_REFRESH_INTERVAL`` (10 minutes here); a miss, an expired entry or
an expired token is looked up in the database.
"""

from __future__ import annotations

import binascii
import copy
import datetime as dt
from hmac import compare_digest
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework import exceptions

from daftar.runtime.cache import version_bump, version_get

TOKEN_CACHE_SECONDS = 600  # revocation and user changes drop entries at once (signals); see above
TOKEN_KEY_LENGTH = CONSTANTS.TOKEN_KEY_LENGTH
CACHE_PREFIX = "knox-digest:"
GEN_PREFIX = "knox-gen:"
GEN_TTL = 2 * TOKEN_CACHE_SECONDS  # a generation outlives every entry written under it


def cache_key(digest: str) -> str:
    """The cache key of a token: its SHA-512 digest (as stored by knox), never the token."""
    return CACHE_PREFIX + digest


def gen_key(digest: str) -> str:
    """The token's generation: moved on by every revocation or change of its user. An entry
    is used only under the generation read *before* the rows it holds were read, so a change
    that commits while a request is between its database read and its cache write leaves an
    entry nobody will use (the entry would otherwise outlive the change by its TTL)."""
    return GEN_PREFIX + digest


def _generation(found: dict[str, Any], digest: str) -> object:
    return version_get(gen_key(digest), timeout=GEN_TTL, found=found)


def _user_snapshot(user: Any) -> Any:
    """A copy of the user row to keep: without per-request memos (roles looked up for this
    request, ``_daftar_*``) or loaded relations."""
    snapshot = copy.copy(user)
    for name in [n for n in vars(snapshot) if n.startswith("_daftar")]:
        delattr(snapshot, name)
    snapshot._state = copy.copy(user._state)
    snapshot._state.fields_cache = {}
    return snapshot


def _remember(auth_token: Any, gen: object) -> None:
    now = timezone.now()
    timeout = float(TOKEN_CACHE_SECONDS)
    if auth_token.expiry is not None:
        timeout = min(timeout, (auth_token.expiry - now).total_seconds())
    if timeout < 1:
        return
    cache.set(
        cache_key(auth_token.digest),
        {
            "user": auth_token.user_id,
            "user_row": _user_snapshot(auth_token.user),
            "token_key": auth_token.token_key,
            "created": auth_token.created,
            "expiry": auth_token.expiry,
            "gen": gen,
        },
        timeout=int(timeout),
    )


def remember_new_token(auth_token: Any) -> None:
    """A token just issued (login) is remembered once its row is committed, so the user's
    first request with it is a hit too."""
    transaction.on_commit(lambda: _remember(auth_token, _generation({}, auth_token.digest)))


def forget_token(digest: str) -> None:
    """Revoke what the cache knows of a token: a new generation (entries written from reads
    made before it are never used again), and the entry itself."""
    version_bump(gen_key(digest), timeout=GEN_TTL)
    cache.delete(cache_key(digest))


def user_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``post_save``/``post_delete`` of the user: every token of theirs is looked up afresh
    (not for a login's own ``last_login`` stamp, which nothing served from the cache shows)."""
    if set(kwargs.get("update_fields") or ()) == {"last_login"} or kwargs.get("created"):
        return  # a new account has no token yet
    digests = list(get_token_model().objects.filter(user_id=instance.pk).values_list("digest", flat=True))
    if not digests:
        return

    def forget_all() -> None:
        for digest in digests:
            forget_token(digest)

    forget_all()
    transaction.on_commit(forget_all, using=kwargs.get("using"))


def token_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``post_delete`` of knox's AuthToken: the token stops working on the very next request."""
    digest = instance.digest
    forget_token(digest)
    transaction.on_commit(lambda: forget_token(digest), using=kwargs.get("using"))


class CachedTokenAuthentication(TokenAuthentication):
    """``knox.auth.TokenAuthentication`` with the look-up cached (see the module docstring)."""

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        try:
            return super().authenticate(request)  # type: ignore[no-any-return]
        except UnicodeError:  # a header that is not Latin-1 (DRF cannot even read it)
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        try:
            digest = hash_token(token.decode("utf-8"))
        except (TypeError, UnicodeDecodeError, binascii.Error):
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        found = cache.get_many([cache_key(digest), gen_key(digest)])
        gen = _generation(found, digest)  # read before any row is: see gen_key
        entry = found.get(cache_key(digest))
        now = timezone.now()
        if entry is not None and entry.get("gen") != gen:
            entry = None  # written before a revocation or a change of the user
        if entry is not None and (entry["expiry"] is None or entry["expiry"] > now):
            user = entry.get("user_row")
            if user is None:
                user = get_user_model().objects.filter(pk=entry["user"]).first()
            if user is not None:
                auth_token = get_token_model()(
                    digest=digest,
                    token_key=entry["token_key"],
                    user=user,
                    created=entry["created"],
                    expiry=entry["expiry"],
                )
                auth_token._state.adding = False  # a stored row: delete() removes it
                renew = knox_settings.AUTO_REFRESH and auth_token.expiry
                if renew and self._renew_cached(auth_token, now):
                    _remember(auth_token, gen)
                return self.validate_user(auth_token)  # type: ignore[no-any-return]
        if entry is not None:
            forget_token(digest)
        user, auth_token = self._look_up(token.decode("utf-8"), digest, now)
        _remember(auth_token, gen)
        return user, auth_token

    def _look_up(self, token: str, digest: str, now: dt.datetime) -> tuple[Any, Any]:
        """Knox's look-up in one query: the token (by its key prefix, then the digest compared in
        constant time) with its user. An expired token is deleted and refused, as knox does;
        knox's sweep of the user's *other* expired tokens on every look-up is left to the hourly
        ``purge_expired_tokens`` task instead (one query fewer per look-up, issue 7)."""
        candidates = get_token_model().objects.select_related("user").filter(token_key=token[:TOKEN_KEY_LENGTH])
        for auth_token in candidates:
            if not compare_digest(digest, auth_token.digest):
                continue
            if auth_token.expiry is not None and auth_token.expiry < now:
                username = auth_token.user.get_username()
                auth_token.delete()
                token_expired.send(sender=self.__class__, username=username, source="auth_token")
                break
            if knox_settings.AUTO_REFRESH and auth_token.expiry:
                self._renew_cached(auth_token, now)
            return self.validate_user(auth_token)  # type: ignore[no-any-return]
        raise exceptions.AuthenticationFailed(_("Invalid token."))

    def _renew_cached(self, auth_token: Any, now: dt.datetime) -> bool:
        """Knox's auto-refresh (same throttle, same cap): write only when the expiry would move
        by more than ``MIN_REFRESH_INTERVAL``; then the cache entry follows."""
        new_expiry = now + knox_settings.TOKEN_TTL
        if knox_settings.AUTO_REFRESH_MAX_TTL is not None:
            new_expiry = min(new_expiry, auth_token.created + knox_settings.AUTO_REFRESH_MAX_TTL)
        if (new_expiry - auth_token.expiry).total_seconds() > knox_settings.MIN_REFRESH_INTERVAL:
            updated = get_token_model().objects.filter(digest=auth_token.digest).update(expiry=new_expiry)
            if not updated:  # revoked meanwhile
                forget_token(auth_token.digest)
                raise exceptions.AuthenticationFailed(_("Invalid token."))
            auth_token.expiry = new_expiry
            return True
        return False


def purge_expired_tokens(now: dt.datetime | None = None) -> int:
    """Delete expired tokens (knox swept them on every look-up; here an hourly task does).
    Each deletion drops its cache entry through ``token_deleted``."""
    expired = get_token_model().objects.filter(expiry__lt=now or timezone.now())
    count = 0
    for auth_token in expired.iterator():
        auth_token.delete()
        count += 1
    return count


class CachedKnoxTokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme stays knox's (``knoxApiToken``)."""

    target_class = "daftar.accounts.authentication.CachedTokenAuthentication"
