"""REST API of the hall queue (issue 22 §3; API.md «Citizens' voice and the office hall»).

- ``POST /api/v1/offices/{id}/tickets`` ``{"service", "mobile"?, "priority"?}``: the office's
  staff issue a walk-in ticket while the office is open: ``201 {"number", "position",
  "estimated_wait_minutes", …}``. With an ``Idempotency-Key`` a retried request gets the same
  ticket.
- ``GET /api/v1/offices/{id}/queue``: public, ``{"waiting", "estimated_wait_minutes",
  "now_serving", "counters", "next", …}``.
- ``POST /api/v1/offices/{id}/queue/call`` ``{"counter"}``: the next ticket comes to the counter.
- ``POST /api/v1/offices/{id}/tickets/{number}/transitions`` ``{"action": "done"|"no_show"|
  "cancel"}``: today's ticket ``number`` is marked.
- ``GET /api/v1/tickets/{token}``: public to whoever holds the ticket's link: its position.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.kernel.api import request_body
from daftar.offices.selectors import public_office
from daftar.runtime.idempotency import idempotent

from . import policy, selectors
from .models import Priority
from .services import Issued, call_next, ticket_issue, ticket_link, ticket_mark, today_ticket

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


class TicketInputSerializer(serializers.Serializer):
    service = serializers.CharField(help_text="the catalogue code of a service this office offers")
    mobile = serializers.CharField(required=False, help_text="optional: the citizen's mobile for the SMS")
    priority = serializers.ChoiceField(choices=Priority.values, required=False, help_text="elderly or disabled")


TicketIssuedSchema = inline_serializer(
    "TicketIssued",
    {
        "number": serializers.IntegerField(help_text="today's number at this office, from 1"),
        "position": serializers.IntegerField(help_text="1: the next to be called"),
        "estimated_wait_minutes": serializers.IntegerField(),
        "service": serializers.CharField(),
        "status": serializers.CharField(),
        "priority": serializers.CharField(),
        "url": serializers.CharField(help_text="the ticket's public page (position and wait)"),
    },
)

QueueSchema = inline_serializer(
    "OfficeQueue",
    {
        "office": serializers.IntegerField(),
        "waiting": serializers.IntegerField(),
        "estimated_wait_minutes": serializers.IntegerField(help_text="for a walk-in taking a ticket now"),
        "now_serving": serializers.IntegerField(allow_null=True, help_text="the number called last"),
        "now_serving_counter": serializers.IntegerField(allow_null=True),
        "counters": inline_serializer(
            "QueueCounter", {"counter": serializers.IntegerField(), "number": serializers.IntegerField()}, many=True
        ),
        "next": serializers.ListField(child=serializers.IntegerField(), help_text="the next numbers, in order"),
        "counters_working": serializers.IntegerField(),
        "updated_at": serializers.DateTimeField(),
    },
)

TicketSchema = inline_serializer(
    "QueueTicket",
    {
        "number": serializers.IntegerField(),
        "service": serializers.CharField(),
        "service_title": serializers.CharField(),
        "status": serializers.CharField(),
        "status_display": serializers.CharField(),
        "position": serializers.IntegerField(allow_null=True),
        "ahead": serializers.IntegerField(allow_null=True),
        "estimated_wait_minutes": serializers.IntegerField(allow_null=True),
        "counter": serializers.IntegerField(allow_null=True),
        "day": serializers.DateField(),
        "now_serving": serializers.IntegerField(allow_null=True),
    },
)


def issued_body(issued: Issued) -> dict[str, Any]:
    ticket = issued.ticket
    return {
        "number": ticket.number,
        "position": issued.position,
        "estimated_wait_minutes": issued.wait_minutes,
        "service": ticket.service.code,
        "status": ticket.status,
        "priority": ticket.priority,
        "url": ticket_link(ticket),
    }


class OfficeTicketsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="office_tickets_create",
        request=TicketInputSerializer,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={201: TicketIssuedSchema, **ERRORS},
        description="The office's staff issue a walk-in ticket, in the office's hours only.",
    )
    def post(self, request: Request, pk: int) -> Response:
        access = policy.staff_access(request.user, pk)
        data = request_body(request)

        def run() -> Response:
            issued = ticket_issue(
                office=access.office,
                service=data.get("service"),
                mobile=data.get("mobile") or "",
                priority=data.get("priority") or "",
                actor=request.user,
            )
            return Response(issued_body(issued), status=201)

        return idempotent(request, f"hall.tickets.{access.office.pk}", run)


class OfficeQueueView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(operation_id="office_queue", responses={200: QueueSchema, 404: ErrorSerializer}, auth=[])
    def get(self, request: Request, pk: int) -> Response:
        office = public_office(pk)
        return Response(selectors.queue_body(selectors.queue_state(office)))


class OfficeQueueCallView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="office_queue_call",
        request=inline_serializer("QueueCallInput", {"counter": serializers.IntegerField()}),
        responses={200: TicketSchema, **ERRORS},
        description="The next ticket, by the office's rule, comes to the counter (which must be free).",
    )
    def post(self, request: Request, pk: int) -> Response:
        access = policy.staff_access(request.user, pk)
        data = request_body(request)
        ticket = call_next(office=access.office, counter=data.get("counter"), actor=request.user)
        return Response(selectors.ticket_body(ticket, selectors.queue_state(access.office)))


class OfficeTicketTransitionView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="office_ticket_transition",
        request=inline_serializer(
            "TicketTransitionInput", {"action": serializers.ChoiceField(choices=["done", "no_show", "cancel"])}
        ),
        responses={200: TicketSchema, **ERRORS},
    )
    def post(self, request: Request, pk: int, number: int) -> Response:
        access = policy.staff_access(request.user, pk)
        data = request_body(request)
        ticket = today_ticket(access.office, number)
        ticket = ticket_mark(ticket=ticket, action=data.get("action"), actor=request.user)
        return Response(selectors.ticket_body(ticket, selectors.queue_state(access.office)))


class TicketView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list[type] = []  # the link is the key

    @extend_schema(operation_id="ticket_detail", responses={200: TicketSchema, 404: ErrorSerializer}, auth=[])
    def get(self, request: Request, token: str) -> Response:
        ticket = selectors.ticket_by_token(token)
        if ticket is None:
            raise policy.not_found()
        return Response(selectors.ticket_body(ticket, selectors.queue_state(ticket.office)))
