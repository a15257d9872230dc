"""REST API of offices (API.md «Offices, hours, appointments, services»).

Public: the finder list and one office's public facts (an inactive office is a 404).
Staff: the weekly hours (read: staff and municipality readers; replace: the manager), the staff
list (add/remove: the manager) and closures (the manager). An office that is not the caller's
is a 404 with the same body as a wrong id (``policy.office_access``); a municipality reader who
tries to change something gets 403.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.kernel.api import request_body
from daftar.kernel.fields import jalali_twin
from daftar.kernel.jalali import jalali_age
from daftar.kernel.normalize import normalize_text
from daftar.runtime.idempotency import idempotent

from . import selectors, services
from .hours import windows_text
from .models import WEEKDAYS, Office, OfficeClosure, OfficeStaff, directive_for
from .policy import OfficeAccess, office_access

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
CHANGE_ERRORS = {**ERRORS, 409: ErrorSerializer}
MAX_PAGE_SIZE = 100

_Interval = inline_serializer("OfficeInterval", {"start": serializers.CharField(), "end": serializers.CharField()})
_Weekly = inline_serializer(
    "OfficeWeeklyHours",
    {
        "weekday": serializers.IntegerField(help_text="0 = Saturday … 6 = Friday"),
        "weekday_display": serializers.CharField(),
        "start": serializers.CharField(),
        "end": serializers.CharField(),
    },
)
_Day = inline_serializer(
    "OfficeDay",
    {
        "date": serializers.DateField(),
        "date_jalali": serializers.CharField(),
        "weekday": serializers.CharField(),
        "open": serializers.BooleanField(),
        "intervals": _Interval.__class__(many=True),
        "hours_text": serializers.CharField(),
        "closed_reason": serializers.CharField(),
        "extended": serializers.CharField(),
    },
)
_Municipality = inline_serializer(
    "OfficeMunicipality",
    {"id": serializers.IntegerField(), "slug": serializers.CharField(), "name": serializers.CharField()},
)
_District = inline_serializer(
    "OfficeDistrict",
    {"id": serializers.IntegerField(), "number": serializers.IntegerField(), "name": serializers.CharField()},
)
_Service = inline_serializer(
    "OfficeServiceOffered",
    {
        "code": serializers.CharField(),
        "title": serializers.CharField(),
        "duration_minutes": serializers.IntegerField(),
        "bookable": serializers.BooleanField(),
    },
)
_ServiceTariff = inline_serializer(
    "OfficeServiceTariff",
    {
        "code": serializers.CharField(),
        "title": serializers.CharField(),
        "duration_minutes": serializers.IntegerField(),
        "bookable": serializers.BooleanField(),
        "tariff": serializers.IntegerField(allow_null=True, help_text="rials, in force today"),
        "tariff_effective_from": serializers.DateField(allow_null=True),
        "tariff_effective_from_jalali": serializers.CharField(allow_null=True),
    },
)
_Sanction = inline_serializer(
    "OfficeSanction",
    {
        "status": serializers.ChoiceField(choices=["suspended", "revoked"]),
        "since": serializers.DateField(allow_null=True),
        "since_jalali": serializers.CharField(allow_null=True),
        "until": serializers.DateField(allow_null=True, help_text="last day of a suspension; null when revoked"),
        "until_jalali": serializers.CharField(allow_null=True),
        "notice": serializers.CharField(help_text="the public notice, in Persian"),
    },
    allow_null=True,
)
_Standing = inline_serializer(
    "OfficeStanding",
    {
        "rank": serializers.IntegerField(help_text="1 = best among the municipality's ranked offices"),
        "ranked": serializers.IntegerField(help_text="how many offices of the municipality were ranked"),
        "band": serializers.CharField(help_text="the band's code, as the municipality set its bands"),
        "band_label": serializers.CharField(help_text="the band's Persian name"),
        "score": serializers.FloatField(help_text="0–100"),
        "period": serializers.CharField(help_text="1405-H1 = Farvardin–Shahrivar 1405"),
        "period_label": serializers.CharField(),
    },
    allow_null=True,
    help_text="the standing of the last computed scorecard period (issue 22 §2); null when not ranked",
)
_COMMON: dict[str, Any] = {
    "id": serializers.IntegerField(),
    "name": serializers.CharField(
        help_text="the office's current name (the name its licence was issued under may differ)"
    ),
    "address": serializers.CharField(),
    "phone": serializers.CharField(),
    "lat": serializers.FloatField(),
    "lng": serializers.FloatField(),
    "municipality": _Municipality,
    "district": _District,
    "counters": serializers.IntegerField(),
    "open_now": serializers.BooleanField(),
    "next_opening": serializers.DateTimeField(
        allow_null=True,
        help_text="when the office, closed now, next opens (Tehran time, within 14 days); null while it is "
        "open, stopped by a sanction, or not opening within 14 days",
    ),
    "next_opening_text": serializers.CharField(
        allow_null=True, help_text="the same in Persian, as the pages say it («بسته است؛ شنبه ساعت ۸:۰۰ باز می‌شود»)"
    ),
    "weekly_hours": _Weekly.__class__(many=True),
    "book_url": serializers.CharField(),
    "operating": serializers.BooleanField(
        help_text="false while a suspension or revocation of the office's licence stops it (no bookings, no services)"
    ),
    "sanction": _Sanction,
    "standing": _Standing,
}
OfficeCardSchema = inline_serializer(
    "OfficeCard",
    {
        **_COMMON,
        "today": _Day,
        "services": _Service.__class__(many=True),
        "url": serializers.CharField(),
        "queue": inline_serializer(
            "OfficeCrowd",
            {
                "waiting": serializers.IntegerField(help_text="people waiting in the office's hall now"),
                "estimated_wait_minutes": serializers.IntegerField(help_text="for a walk-in taking a ticket now"),
            },
            allow_null=True,
            help_text="the walk-in queue now (issue 22 §4); null while the office is closed",
        ),
    },
)
OfficeListSchema = inline_serializer(
    "OfficeList",
    {
        "count": serializers.IntegerField(),
        "next": serializers.CharField(allow_null=True),
        "previous": serializers.CharField(allow_null=True),
        "results": OfficeCardSchema.__class__(many=True),
    },
)
OfficeDetailSchema = inline_serializer(
    "OfficePublicDetail",
    {
        **_COMMON,
        "licence": inline_serializer(
            "OfficeLicence", {"number": serializers.CharField(), "status": serializers.CharField()}, allow_null=True
        ),
        "days": _Day.__class__(many=True),
        "services": _ServiceTariff.__class__(many=True),
        "tariff_date": serializers.DateField(),
        "tariff_date_jalali": serializers.CharField(),
    },
)
HoursSchema = inline_serializer(
    "OfficeHours",
    {
        "office": serializers.IntegerField(),
        "hours": _Weekly.__class__(many=True),
        "directive": inline_serializer(
            "OfficeDirectiveDay",
            {
                "weekday": serializers.IntegerField(),
                "weekday_display": serializers.CharField(),
                "windows": serializers.CharField(),
            },
            many=True,
        ),
        "can_edit": serializers.BooleanField(),
    },
)


class OfficeHoursRowSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="0 = Saturday … 6 = Friday")
    start = serializers.CharField(help_text="HH:MM, Tehran time")
    end = serializers.CharField(help_text="HH:MM, Tehran time")


class OfficeHoursInputSerializer(serializers.Serializer):
    hours = OfficeHoursRowSerializer(many=True, help_text="the whole week; replaces the schedule")


StaffSchema = inline_serializer(
    "OfficeStaffMember",
    {
        "id": serializers.IntegerField(),
        "name": serializers.CharField(),
        "mobile": serializers.CharField(),
        "role": serializers.CharField(),
        "role_display": serializers.CharField(),
        "title": serializers.CharField(),
        "added_at": serializers.DateTimeField(),
        "added_at_jalali": serializers.CharField(),
        "active": serializers.BooleanField(),
        "removed_at": serializers.DateTimeField(allow_null=True),
        "removed_at_jalali": serializers.CharField(allow_null=True),
        "degree": serializers.CharField(help_text="the technical manager's: associate, bachelor, master, doctorate"),
        "degree_display": serializers.CharField(),
        "field_of_study": serializers.CharField(),
        "birth_date": serializers.DateField(allow_null=True, help_text="the technical manager's; to the manager only"),
        "birth_date_jalali": serializers.CharField(allow_null=True),
        "age": serializers.IntegerField(allow_null=True, help_text="the technical manager's age in Jalali years"),
    },
)


class OfficeStaffInputSerializer(serializers.Serializer):
    mobile = serializers.CharField()
    role = serializers.ChoiceField(choices=[("manager", "manager"), ("technical", "technical"), ("clerk", "clerk")])
    title = serializers.CharField(required=False)
    degree = serializers.ChoiceField(
        choices=["associate", "bachelor", "master", "doctorate"], required=False, help_text="technical manager only"
    )
    field_of_study = serializers.CharField(required=False, help_text="technical manager only")
    birth_date = serializers.CharField(
        required=False, help_text="technical manager only; Jalali or ISO; aged OFFICE_TECHNICAL_MANAGER_AGE (P4)"
    )


class OfficeStaffQualifySerializer(serializers.Serializer):
    degree = serializers.ChoiceField(choices=["associate", "bachelor", "master", "doctorate"])
    field_of_study = serializers.CharField()
    birth_date = serializers.CharField(help_text="Jalali or ISO")


ClosureSchema = inline_serializer(
    "OfficeClosure",
    {
        "id": serializers.IntegerField(),
        "date": serializers.DateField(),
        "date_jalali": serializers.CharField(),
        "reason": serializers.CharField(),
    },
)


class OfficeClosureInputSerializer(serializers.Serializer):
    date = serializers.CharField(help_text="Jalali (1405/01/15) or ISO; a future day")
    reason = serializers.CharField(help_text="shown to citizens")


def _page_number(params: Any, name: str, default: int, maximum: int) -> int:
    raw = normalize_text(str(params.get(name) or "")).strip()
    if not raw:
        return default
    if not raw.isdigit() or len(raw) > 6 or not 1 <= int(raw) <= maximum:
        raise selectors._bad(name)
    return int(raw)


def _page_link(request: Request, page: int) -> str:
    params = request.query_params.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


class OfficeListView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="offices_list",
        parameters=[
            OpenApiParameter("municipality", OpenApiTypes.STR, description="slug or id"),
            OpenApiParameter("district", OpenApiTypes.STR, description="number (with municipality) or id"),
            OpenApiParameter("service", OpenApiTypes.STR, description="service code, e.g. building_permit"),
            OpenApiParameter("open_now", OpenApiTypes.BOOL, description="only offices open now (Tehran time)"),
            OpenApiParameter(
                "sort",
                OpenApiTypes.STR,
                enum=["wait", "rank"],
                description="wait: open offices first, the shortest wait first; rank: the best published rank first",
            ),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT, description=f"at most {MAX_PAGE_SIZE}"),
        ],
        responses={200: OfficeListSchema, 400: ErrorSerializer},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        filters = selectors.finder_filters(request.query_params)
        page = _page_number(request.query_params, "page", 1, 100_000)
        size = _page_number(request.query_params, "page_size", 25, MAX_PAGE_SIZE)
        found = selectors.finder_page(filters, page=page, page_size=size)
        return Response(
            {
                "count": found.count,
                "next": _page_link(request, page + 1) if page * size < found.count else None,
                "previous": _page_link(request, page - 1) if page > 1 else None,
                "results": [selectors.office_card(o, found) for o in found.offices],
            }
        )


class OfficeDetailView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(operation_id="offices_read", responses={200: OfficeDetailSchema, 404: ErrorSerializer}, auth=[])
    def get(self, request: Request, pk: int) -> Response:
        return Response(selectors.office_public_detail(selectors.public_office(pk)))


def _hours_body(access: OfficeAccess) -> dict[str, Any]:
    office = access.office
    directive = directive_for(office.municipality_id)
    return {
        "office": office.pk,
        "hours": selectors.weekly_body(office),
        "directive": [
            {"weekday": d, "weekday_display": WEEKDAYS[d], "windows": windows_text(directive, d)} for d in range(7)
        ],
        "can_edit": access.is_manager,
    }


def _fresh(access: OfficeAccess) -> OfficeAccess:
    office = (
        Office.objects.select_related("municipality", "district")
        .prefetch_related("weekly_hours")
        .get(pk=access.office.pk)
    )
    return OfficeAccess(office, access.level)


class OfficeHoursView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="offices_hours_read", responses={200: HoursSchema, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_hours_body(_fresh(office_access(request.user, pk))))

    @extend_schema(
        operation_id="offices_hours_replace",
        request=OfficeHoursInputSerializer,
        responses={200: HoursSchema, **CHANGE_ERRORS},
    )
    def put(self, request: Request, pk: int) -> Response:
        access = office_access(request.user, pk)
        access.require_manager()
        services.hours_set(office=access.office, rows=request_body(request).get("hours"), actor=request.user)
        return Response(_hours_body(_fresh(access)))


def staff_body(row: OfficeStaff, *, manager: bool = True) -> dict[str, Any]:
    """A member of the register; the birth date only for the office's manager (others: the age)."""
    born = row.birth_date if manager else None
    return {
        "id": row.pk,
        "name": row.user.get_full_name(),
        "mobile": row.user.mobile,
        "role": row.role,
        "role_display": row.get_role_display(),
        "title": row.title,
        "added_at": row.added_at,
        "added_at_jalali": jalali_twin(row.added_at),
        "active": row.active,
        "removed_at": row.removed_at,
        "removed_at_jalali": jalali_twin(row.removed_at) if row.removed_at else None,
        "degree": row.degree,
        "degree_display": row.get_degree_display() if row.degree else "",
        "field_of_study": row.field_of_study,
        "birth_date": born,
        "birth_date_jalali": jalali_twin(born) if born else None,
        "age": jalali_age(row.birth_date, timezone.localdate()) if row.birth_date else None,
    }


class OfficeStaffView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="offices_staff_list",
        parameters=[
            OpenApiParameter(
                "all", OpenApiTypes.BOOL, description="1: former members too, with when they left (the register)"
            )
        ],
        responses={200: StaffSchema.__class__(many=True), **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        access = office_access(request.user, pk)
        rows = OfficeStaff.objects.filter(office=access.office).select_related("user")
        if request.query_params.get("all") not in ("1", "true"):
            rows = rows.filter(active=True)
        return Response([staff_body(r, manager=access.is_manager) for r in rows])

    @extend_schema(
        operation_id="offices_staff_add",
        request=OfficeStaffInputSerializer,
        responses={201: StaffSchema, **CHANGE_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        access = office_access(request.user, pk)
        access.require_manager()
        data = request_body(request)

        def run() -> Response:
            row = services.staff_add(
                office=access.office,
                mobile=str(data.get("mobile") or ""),
                role=str(data.get("role") or ""),
                title=str(data.get("title") or ""),
                degree=data.get("degree") or "",
                field_of_study=data.get("field_of_study") or "",
                birth_date=data.get("birth_date") or "",
                actor=request.user,
            )
            return Response(staff_body(row), status=201)

        return idempotent(request, f"offices.staff.{access.office.pk}", run)


class OfficeStaffMemberView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="offices_staff_qualify",
        request=OfficeStaffQualifySerializer,
        responses={200: StaffSchema, **CHANGE_ERRORS},
        description="The manager corrects the technical manager's degree, field and birth date (audited).",
    )
    def patch(self, request: Request, pk: int, staff_id: int) -> Response:
        access = office_access(request.user, pk)
        access.require_manager()
        data = request_body(request)
        row = services.staff_qualify(
            office=access.office,
            staff_id=staff_id,
            degree=data.get("degree"),
            field_of_study=data.get("field_of_study"),
            birth_date=data.get("birth_date"),
            actor=request.user,
        )
        return Response(staff_body(row))

    @extend_schema(operation_id="offices_staff_remove", request=None, responses={204: None, **CHANGE_ERRORS})
    def delete(self, request: Request, pk: int, staff_id: int) -> Response:
        access = office_access(request.user, pk)
        access.require_manager()
        services.staff_remove(office=access.office, staff_id=staff_id, actor=request.user)
        return Response(status=204)


def closure_body(c: OfficeClosure) -> dict[str, Any]:
    return {"id": c.pk, "date": c.date, "date_jalali": jalali_twin(c.date), "reason": c.reason}


class OfficeClosuresView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="offices_closures_list", responses={200: ClosureSchema.__class__(many=True), **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        access = office_access(request.user, pk)
        return Response([closure_body(c) for c in access.office.closures.order_by("date")])

    @extend_schema(
        operation_id="offices_closures_create",
        request=OfficeClosureInputSerializer,
        responses={201: ClosureSchema, **CHANGE_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        access = office_access(request.user, pk)
        access.require_manager()
        data = request_body(request)

        def run() -> Response:
            closure = services.closure_add(
                office=access.office, date=data.get("date"), reason=str(data.get("reason") or ""), actor=request.user
            )
            return Response(closure_body(closure), status=201)

        return idempotent(request, f"offices.closures.{access.office.pk}", run)


class OfficeClosureView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="offices_closures_remove", request=None, responses={204: None, **CHANGE_ERRORS})
    def delete(self, request: Request, pk: int, closure_id: int) -> Response:
        access = office_access(request.user, pk)
        access.require_manager()
        services.closure_remove(office=access.office, closure_id=closure_id, actor=request.user)
        return Response(status=204)
