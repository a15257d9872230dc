"""REST API of appointments (API.md «Offices, hours, appointments, services»; S17).

- ``GET offices/{id}/slots?date=&service=``: public; the free slots of a day.
- ``POST appointments``: a logged-in citizen books (``Idempotency-Key`` honoured); 409 when full.
- ``GET appointments``: the caller's own appointments, upcoming first.
- ``GET|DELETE appointments/{code}``: the caller's own appointment; someone else's code is the
  same 404 as a missing one.
- ``GET offices/{id}/appointments?date=``: the office's staff, the day's list.
- ``POST appointments/{code}/status``: the office's staff mark ``no_show`` or ``done``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.kernel.api import request_body
from daftar.kernel.errors import ApplicationError
from daftar.municipalities.workdays import TEHRAN
from daftar.offices.models import Office
from daftar.offices.policy import office_access
from daftar.runtime.idempotency import idempotent

from . import messages as msg
from . import services
from .models import Appointment
from .selectors import appointment_by_code, my_appointments, office_day, own_appointment, start_jalali
from .slots import check_day, day_slots, offered_service, read_day, tehran_today

MAX_ID = 2**62  # larger ids cannot exist: answer 404 instead of a database overflow

STATUS_HELP = "booked | cancelled | no_show | done"
ACTIONS_HELP = (
    "the moves the caller may take now (docs/lifecycles/appointment.md): cancel (DELETE), "
    "done | no_show (POST …/status)"
)


class AppointmentOutSerializer(serializers.Serializer):
    code = serializers.CharField()
    office = serializers.IntegerField()
    office_name = serializers.CharField()
    service = serializers.CharField(help_text="service code")
    service_title = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    start_jalali = serializers.CharField(help_text="Tehran time, e.g. 1405/09/08 08:30")
    counter = serializers.IntegerField()
    status = serializers.CharField(help_text=STATUS_HELP)
    status_display = serializers.CharField()
    actions = serializers.ListField(child=serializers.CharField(), help_text=ACTIONS_HELP)


class OfficeAppointmentSerializer(serializers.Serializer):
    code = serializers.CharField()
    office = serializers.IntegerField()
    service = serializers.CharField(help_text="service code")
    service_title = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    start_jalali = serializers.CharField()
    counter = serializers.IntegerField()
    status = serializers.CharField(help_text=STATUS_HELP)
    status_display = serializers.CharField()
    actions = serializers.ListField(child=serializers.CharField(), help_text=ACTIONS_HELP)
    citizen_name = serializers.CharField()
    citizen_mobile = serializers.CharField()


class AppointmentSlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    service = serializers.CharField(help_text="service code")
    capacity = serializers.IntegerField(help_text="the office's counters")
    free = serializers.IntegerField(help_text="counters with no live appointment overlapping the slot")


def appointment_body(appointment: Appointment, actor: Any) -> dict[str, Any]:
    return {
        "code": appointment.code,
        "office": appointment.office_id,
        "office_name": appointment.office.display_name,
        "service": appointment.service.code,
        "service_title": appointment.service.title,
        "start": appointment.start.astimezone(TEHRAN),
        "end": appointment.end.astimezone(TEHRAN),
        "start_jalali": start_jalali(appointment.start),
        "counter": appointment.counter,
        "status": appointment.status,
        "status_display": appointment.get_status_display(),
        "actions": services.actions_available(appointment, actor),
    }


def staff_body(appointment: Appointment, actor: Any) -> dict[str, Any]:
    body = appointment_body(appointment, actor)
    body.pop("office_name")
    body["citizen_name"] = appointment.citizen.get_full_name()
    body["citizen_mobile"] = appointment.citizen.mobile
    return body


def public_office(pk: int) -> Office:
    office = Office.objects.filter(pk=pk, active=True).first() if 0 < pk < MAX_ID else None
    if office is None:
        raise ApplicationError(msg.OFFICE_NOT_FOUND, code="not_found", status=404)
    return office


def not_found() -> ApplicationError:
    return ApplicationError(msg.NOT_FOUND, code="not_found", status=404)


class SlotsView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="offices_slots",
        parameters=[
            OpenApiParameter("date", str, required=True, description="Jalali (1405/09/10) or ISO (2026-12-01)"),
            OpenApiParameter("service", str, required=True, description="a bookable service code the office offers"),
        ],
        responses={200: AppointmentSlotSerializer(many=True), 400: ErrorSerializer, 404: ErrorSerializer},
        summary="Public: the appointment slots of an office on a day, with free counters",
    )
    def get(self, request: Request, pk: int) -> Response:
        office = public_office(pk)
        service = offered_service(office, request.query_params.get("service"))
        day = read_day(request.query_params.get("date"))
        check_day(day)
        return Response([slot.as_dict() for slot in day_slots(office, service, day)])


class BookSerializer(serializers.Serializer):
    office = serializers.IntegerField(help_text="office id")
    service = serializers.CharField(max_length=40, required=False, allow_blank=True)
    start = serializers.CharField(
        max_length=64, required=False, allow_blank=True, help_text="ISO date-time or Jalali «1405/09/08 08:30» (Tehran)"
    )


class AppointmentListView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="appointments_list",
        responses={200: AppointmentOutSerializer(many=True)},
        summary="The caller's own appointments: upcoming first, then past and cancelled ones",
    )
    def get(self, request: Request) -> Response:
        return Response([appointment_body(a, request.user) for a in my_appointments(request.user)])

    @extend_schema(
        operation_id="appointments_create",
        request=BookSerializer,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={
            201: AppointmentOutSerializer,
            400: ErrorSerializer,
            401: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
        summary="Book a slot (the confirmation code is sent by SMS); 409 slot_full when every counter is taken",
    )
    def post(self, request: Request) -> Response:
        serializer = BookSerializer(data=request_body(request))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data

        def run() -> Response:
            office = public_office(data["office"])
            service = offered_service(office, data.get("service"))
            start = services.read_start(data.get("start"))
            appointment = services.appointment_book(office=office, service=service, start=start, citizen=request.user)
            return Response(appointment_body(appointment, request.user), status=201)

        return idempotent(request, "appointments.book", run)


class AppointmentDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="appointments_read", responses={200: AppointmentOutSerializer, 404: ErrorSerializer})
    def get(self, request: Request, code: str) -> Response:
        appointment = own_appointment(request.user, code)
        if appointment is None:
            raise not_found()
        return Response(appointment_body(appointment, request.user))

    @extend_schema(
        operation_id="appointments_cancel",
        responses={200: AppointmentOutSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
        summary="The citizen cancels their own appointment (until the cancellation deadline)",
    )
    def delete(self, request: Request, code: str) -> Response:
        appointment = own_appointment(request.user, code)
        if appointment is None:
            raise not_found()
        appointment = services.appointment_cancel(appointment=appointment, actor=request.user)
        return Response(appointment_body(appointment, request.user))


class MarkSerializer(serializers.Serializer):
    status = serializers.CharField(max_length=20, help_text="no_show | done")


class AppointmentStatusView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="appointments_status",
        request=MarkSerializer,
        responses={
            200: OfficeAppointmentSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
        summary="Office staff: mark an appointment no_show (after its start) or done",
    )
    def post(self, request: Request, code: str) -> Response:
        appointment = appointment_by_code(code)
        if appointment is None:
            raise not_found()
        # the service checks the caller's access before it reads the body: someone who may not
        # mark this appointment gets the 404 of a missing code whatever they send
        status = request_body(request).get("status")
        appointment = services.appointment_mark(
            appointment=appointment, status=status if isinstance(status, str) else "", actor=request.user
        )
        return Response(staff_body(appointment, request.user))


class OfficeAppointmentsView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="offices_appointments",
        parameters=[OpenApiParameter("date", str, description="Jalali or ISO; default today (Tehran)")],
        responses={
            200: OfficeAppointmentSerializer(many=True),
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        summary="Office staff: the appointments of one day",
    )
    def get(self, request: Request, pk: int) -> Response:
        if not 0 < pk < MAX_ID:
            raise ApplicationError(msg.OFFICE_NOT_FOUND, code="not_found", status=404)
        access = office_access(request.user, pk)
        access.require_staff()
        raw = request.query_params.get("date")
        day = read_day(raw) if raw else tehran_today()
        return Response([staff_body(a, request.user) for a in office_day(access.office, day)])
