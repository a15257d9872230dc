"""REST API of licence verification and lifecycle (API.md «Licences (S16)»).

``GET licences/{number}/verify`` is public (no login, no session: nothing to forge) and
rate-limited per address; an unknown and a malformed number get the same 404 body.
``POST licences/{number}/actions`` takes a move of ``workflow.LICENCE`` for whom ``policy``
allows it (the licensing authority of the licence's municipality): who cannot see the licence
gets 404, who can see it but lacks the role gets 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.kernel.api import error_body, request_body
from daftar.kernel.errors import ApplicationError, ThrottledError
from daftar.kernel.fields import jalali_twin
from daftar.kernel.jalali import parse_date
from daftar.runtime.ratelimit import client_address

from . import messages as msg
from . import policy
from .models import Licence
from .moves import ACTIONS, licence_act
from .verification import (
    CHANNEL_API,
    licence_by_number,
    licence_verify_body,
    normalize_number,
    qr_check,
    verification_body,
)

VerificationSchema = inline_serializer(
    "LicenceVerification",
    {
        "number": serializers.CharField(),
        "status": serializers.CharField(help_text="active, suspended, revoked or expired (live)"),
        "status_display": serializers.CharField(),
        "holder": serializers.CharField(help_text="masked"),
        "office": serializers.CharField(help_text="the office's name as the licence was issued"),
        "office_current_name": serializers.CharField(
            allow_null=True, help_text="the name the office trades under now, when it differs (else null)"
        ),
        "municipality": serializers.DictField(),
        "district": serializers.DictField(),
        "valid_from": serializers.DateField(),
        "valid_from_jalali": serializers.CharField(),
        "valid_until": serializers.DateField(),
        "valid_until_jalali": serializers.CharField(),
        "suspended_until": serializers.DateField(allow_null=True),
        "suspended_until_jalali": serializers.CharField(allow_null=True),
        "revoked_at": serializers.DateTimeField(allow_null=True),
        "revoked_at_jalali": serializers.CharField(allow_null=True),
        "signature_valid": serializers.BooleanField(),
        "national_id": serializers.CharField(
            help_text="the licence's unique id on the national licensing portal (16 digits); empty until given"
        ),
        "qr": serializers.DictField(required=False, help_text="only with ?p=<payload>.<signature>"),
    },
)


def not_found() -> ApplicationError:
    return ApplicationError(msg.NOT_FOUND, code="not_found", status=404)


_RENDERER = JSONRenderer()  # DRF's own: the fast path's bytes are the view's bytes


class LicenceVerifyView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        """A check by number alone (no ``?p=`` QR payload) is answered here, before DRF's request
        handling, with the same throttle, log row, bodies, statuses and headers as ``get``
        (issue 7: a public read should cost little more than a bare view)."""
        if request.method != "GET" or "p" in request.GET or "number" not in kwargs:
            return super().dispatch(request, *args, **kwargs)
        status, extra = 200, {}
        try:
            body = licence_verify_body(
                raw_number=kwargs["number"], address=client_address(request), channel=CHANNEL_API
            )
        except ThrottledError as exc:
            body, status, extra = error_body(exc.code, exc.message), 429, {"Retry-After": str(exc.retry_after)}
        else:
            if body is None:
                failure = not_found()
                body, status = error_body(failure.code, failure.message, failure.fields), failure.status_code
        response = HttpResponse(_RENDERER.render(body), status=status, content_type="application/json")
        response["Allow"] = ", ".join(self.allowed_methods)
        for name, value in extra.items():
            response[name] = value
        return response

    @extend_schema(
        operation_id="licences_verify",
        auth=[],
        parameters=[
            OpenApiParameter("p", str, description="the QR code's <payload>.<signature>", required=False),
        ],
        responses={200: VerificationSchema, 404: ErrorSerializer, 429: ErrorSerializer},
    )
    def get(self, request: Request, number: str) -> Response:
        body = licence_verify_body(raw_number=number, address=client_address(request), channel=CHANNEL_API)
        if body is None:
            raise not_found()
        token = request.query_params.get("p")
        licence = licence_by_number(body["number"]) if token else None
        if token and licence is not None:
            check = qr_check(licence, token)
            body["qr"] = {"signature_valid": check.signature_valid, "matches": check.matches, "message": check.message}
        return Response(body)


class ActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ACTIONS)
    reason = serializers.CharField(help_text="at least 10 characters")
    until = serializers.CharField(required=False, help_text="suspend only: ISO or Jalali date (1404/09/30)")


def action_body(licence: Licence, actor: Any) -> dict[str, Any]:
    """The verification body plus what the authority sees: the reason, the history and the
    moves ``actor`` may take next."""
    events = list(licence.events.select_related("actor").all())
    return {
        **verification_body(licence),
        "status_reason": licence.status_reason,
        "renewals": licence.renewals,
        "actions": policy.actions(actor, licence),
        "events": [
            {
                "at": e.at,
                "at_jalali": jalali_twin(e.at),
                "action": e.action,
                "label": msg.EVENT_LABELS.get(e.action, e.action),
                "from": e.from_status,
                "to": e.to_status,
                "reason": e.reason,
                "actor": e.actor.get_full_name() if e.actor else None,
                "data": e.data,
            }
            for e in events
        ],
    }


class LicenceActionsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="licences_actions",
        request=ActionSerializer,
        responses={
            200: VerificationSchema,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
    )
    def post(self, request: Request, number: str) -> Response:
        licence = policy.visible(request.user).filter(number=normalize_number(number) or "").first()
        if licence is None:
            raise not_found()
        policy.demand_any(request.user, licence)  # before the body is read
        data: Any = request_body(request)
        action = data.get("action")
        if action not in ACTIONS:
            message = msg.UNKNOWN_ACTION.format(actions="، ".join(ACTIONS))
            raise ApplicationError(message, code="unknown_action", fields={"action": [message]})
        until = None
        if action == "suspend" and data.get("until"):
            try:
                until = parse_date(data["until"])
            except ValidationError as exc:
                raise ApplicationError(exc.messages[0], code="date_invalid", fields={"until": exc.messages}) from None
        changed = licence_act(licence, action=action, actor=request.user, reason=data.get("reason", ""), until=until)
        return Response(action_body(changed, request.user))
