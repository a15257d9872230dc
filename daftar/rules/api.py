"""REST API of the catalogue and eligibility (API.md «Catalogue and eligibility»)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.kernel.errors import ApplicationError
from daftar.kernel.fields import jalali_twin
from daftar.kernel.normalize import normalize_text
from daftar.municipalities.models import Municipality

from . import messages as msg
from .facts import validate_facts
from .map import map_data, parse_coordinate, point_check
from .models import LicenceType, RuleSet
from .selectors import licence_types_search, municipalities_with_rules, rule_set_in_force
from .services import eligibility_check


class LicenceTypeSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")

    class Meta:
        model = LicenceType
        fields = ["code", "title", "kind", "kind_display", "issuing_body", "description", "legal_basis"]


class ConditionOutSerializer(serializers.Serializer):
    id = serializers.CharField(source="cid")
    group = serializers.CharField()
    text = serializers.CharField()
    citation = serializers.CharField()
    facts = serializers.ListField(child=serializers.CharField())
    check = serializers.CharField(source="check_type")
    parameters = serializers.DictField()
    verified_by = serializers.CharField()
    document_type = serializers.CharField()


class DocumentOutSerializer(serializers.Serializer):
    type = serializers.CharField(source="code")
    title = serializers.CharField()
    group = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]
    stage = serializers.CharField()
    accepted_types = serializers.ListField(child=serializers.CharField())
    max_bytes = serializers.IntegerField()
    evidences = serializers.ListField(child=serializers.CharField())
    citation = serializers.CharField()


class RuleSetRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    municipality = serializers.CharField(source="municipality.slug")
    effective_from = serializers.DateField()
    effective_from_jalali = serializers.SerializerMethodField()

    def get_effective_from_jalali(self, rule_set: RuleSet) -> str | None:
        return jalali_twin(rule_set.effective_from)


def _municipality(slug: str) -> Municipality:
    municipality = Municipality.objects.filter(slug=slug, is_active=True).first()
    if municipality is None:
        raise ApplicationError(msg.MUNICIPALITY_UNKNOWN, code="not_found", status=404)
    return municipality


class LicenceTypeListView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="licence_types_list",
        parameters=[OpenApiParameter("search", str, description="Persian search; forgiving (ي/ك, ZWNJ, digits)")],
        responses={200: LicenceTypeSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        found = licence_types_search(request.query_params.get("search", ""))
        return Response(LicenceTypeSerializer(found, many=True).data)


class LicenceTypeDetailView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="licence_types_read",
        parameters=[OpenApiParameter("municipality", str, description="municipality slug, e.g. tehran")],
        responses={
            200: inline_serializer(
                "LicenceTypeDetail",
                {
                    "code": serializers.CharField(),
                    "title": serializers.CharField(),
                    "kind": serializers.CharField(),
                    "issuing_body": serializers.CharField(),
                    "description": serializers.CharField(),
                    "legal_basis": serializers.CharField(),
                    "municipalities": serializers.ListField(child=serializers.CharField()),
                    "rule_set": RuleSetRefSerializer(allow_null=True),
                    "conditions": ConditionOutSerializer(many=True),
                    "documents": DocumentOutSerializer(many=True),
                },
            ),
            404: ErrorSerializer,
        },
    )
    def get(self, request: Request, code: str) -> Response:
        licence_type = get_object_or_404(LicenceType, code=code, is_active=True)
        body: dict[str, Any] = dict(LicenceTypeSerializer(licence_type).data)
        body["municipalities"] = list(municipalities_with_rules(licence_type).values_list("slug", flat=True))
        body["documents"] = DocumentOutSerializer(licence_type.documents.all(), many=True).data
        slug = request.query_params.get("municipality")
        rule_set = rule_set_in_force(licence_type, _municipality(slug)) if slug else None
        body["rule_set"] = RuleSetRefSerializer(rule_set).data if rule_set else None
        body["conditions"] = ConditionOutSerializer(rule_set.conditions.all(), many=True).data if rule_set else []
        return Response(body)


class EligibilityRequestSerializer(serializers.Serializer):
    licence_type = serializers.CharField(max_length=64)
    municipality = serializers.CharField(max_length=64)
    facts = serializers.DictField(help_text="facts (API.md vocabulary); validated field by field")


class EligibilityView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="eligibility_check",
        request=EligibilityRequestSerializer,
        responses={
            200: inline_serializer(
                "Eligibility",
                {
                    "eligible": serializers.BooleanField(allow_null=True),
                    "conditions": inline_serializer(
                        "ConditionVerdict",
                        {
                            "id": serializers.CharField(),
                            "result": serializers.CharField(),
                            "reason": serializers.CharField(),
                        },
                        many=True,
                    ),
                    "rule_set": RuleSetRefSerializer(),
                    "score": serializers.DictField(allow_null=True),
                },
            ),
            400: ErrorSerializer,
            404: ErrorSerializer,
        },
        summary="Evaluate every condition for these facts, with the reason for each",
    )
    def post(self, request: Request) -> Response:
        raw = dict(request.data)
        facts_raw = raw.pop("facts", None)
        serializer = EligibilityRequestSerializer(data={**raw, "facts": {}})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        licence_type = LicenceType.objects.filter(code=data["licence_type"], is_active=True).first()
        if licence_type is None:
            raise ApplicationError(msg.LICENCE_TYPE_UNKNOWN, code="not_found", status=404)
        municipality = _municipality(data["municipality"])
        facts = validate_facts(facts_raw)
        result = eligibility_check(
            licence_type=licence_type, municipality=municipality, facts=facts, actor=request.user
        )
        return Response(eligibility_body(result))


def eligibility_body(result: Any) -> dict[str, Any]:
    score = result.score
    return {
        "eligible": result.evaluation.eligible,
        "conditions": [{"id": c.id, "result": c.result, "reason": c.reason} for c in result.evaluation.conditions],
        "rule_set": RuleSetRefSerializer(result.rule_set).data,
        "score": None
        if score is None
        else {
            "total": score.total,
            "example_figures": result.scoring_is_example,
            "breakdown": [{"item": i.item, "label": i.label, "points": i.points} for i in score.breakdown],
        },
    }


def _map_rule_set(request: Request, code: str) -> RuleSet:
    """The version in force of licence ``code`` in ``?municipality=``: an unknown licence is
    404 (it is the path), a missing or unknown municipality 400 (a bad query), as is a
    municipality without published rules."""
    licence_type = get_object_or_404(LicenceType, code=code, is_active=True)
    slug = normalize_text(str(request.query_params.get("municipality", "")))[:64]
    if not slug:
        raise ApplicationError(msg.MAP_MUNICIPALITY_MISSING, fields={"municipality": [msg.MAP_MUNICIPALITY_MISSING]})
    municipality = Municipality.objects.filter(slug=slug, is_active=True).first()
    if municipality is None:
        raise ApplicationError(msg.MUNICIPALITY_UNKNOWN, fields={"municipality": [msg.MUNICIPALITY_UNKNOWN]})
    rule_set = rule_set_in_force(licence_type, municipality)
    if rule_set is None:
        raise ApplicationError(msg.NO_RULES, fields={"municipality": [msg.NO_RULES]})
    return rule_set


MAP_PARAMETERS = [OpenApiParameter("municipality", str, required=True, description="municipality slug, e.g. tehran")]


class LicenceMapView(APIView):
    """The map picker's drawing: permitted zones, boundaries and district borders (GeoJSON,
    lat/lng order in ``bounds``), cached per rule-set version (docs/decisions/0035-map-picker.md)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="licence_types_map",
        parameters=MAP_PARAMETERS,
        responses={
            200: inline_serializer(
                "LicenceMap",
                {
                    "place": serializers.CharField(),
                    "version": serializers.IntegerField(),
                    "zones": serializers.DictField(help_text="GeoJSON FeatureCollection"),
                    "boundaries": serializers.DictField(help_text="GeoJSON FeatureCollection"),
                    "districts": serializers.DictField(
                        help_text="GeoJSON FeatureCollection of the district borders the data has "
                        "(properties: name, number, label, illustrative; illustrative ones are not official)"
                    ),
                    "bounds": serializers.ListField(child=serializers.ListField(child=serializers.FloatField())),
                    "attribution": serializers.CharField(),
                    "tile_url": serializers.CharField(),
                },
            ),
            400: ErrorSerializer,
            404: ErrorSerializer,
        },
        summary="The permitted zones and boundaries the map picker draws",
    )
    def get(self, request: Request, code: str) -> Response:
        response = Response(map_data(_map_rule_set(request, code)))
        response["Cache-Control"] = "public, max-age=600"  # a new version may start tomorrow
        return response


class LicenceMapCheckView(APIView):
    """Is a point inside the permitted zones, and how far is the nearest office (live check)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        operation_id="licence_types_map_check",
        parameters=[
            *MAP_PARAMETERS,
            OpenApiParameter("lat", str, required=True, description="latitude; Persian or Latin digits"),
            OpenApiParameter("lng", str, required=True, description="longitude; Persian or Latin digits"),
        ],
        responses={
            200: inline_serializer(
                "LicenceMapCheck",
                {
                    "inside": serializers.BooleanField(allow_null=True),
                    "status": serializers.CharField(),
                    "nearest_office": inline_serializer(
                        "NearestOffice",
                        {
                            "name": serializers.CharField(),
                            "metres": serializers.IntegerField(),
                            "distance": serializers.CharField(),
                        },
                        allow_null=True,
                    ),
                },
            ),
            400: ErrorSerializer,
            404: ErrorSerializer,
        },
        summary="Check a point against the permitted zones, with the distance to the nearest office",
    )
    def get(self, request: Request, code: str) -> Response:
        rule_set = _map_rule_set(request, code)
        params = request.query_params
        lat = parse_coordinate(params.get("lat"), name="lat", low=-90, high=90, out_of_range=msg.LATITUDE_RANGE)
        lng = parse_coordinate(params.get("lng"), name="lng", low=-180, high=180, out_of_range=msg.LONGITUDE_RANGE)
        return Response(point_check(rule_set, lat, lng))
