"""REST API of the office scorecard (issue 22 §2; docs/api.md «Office scorecards»).

``GET /api/v1/offices/{id}/scorecard?period=``: the office's scorecard of a period (default: the
newest computed), with every measure's score, weight, raw figures and reason, and the periods
computed for it. The same access as the page (``policy.scorecard_access``): the office's manager
and technical manager and the municipality's readers; a clerk 403; anyone else 404. A period
not computed for the office is 404; a malformed one 400. Before any period is computed,
``scorecard`` is null.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.accounts.policy import not_found

from . import messages as msg
from . import policy
from .constants import MEASURES
from .periods import asked, label_of
from .rules import rules_for
from .selectors import office_scorecards, scorecard_body

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}

_Band = inline_serializer(
    "ScorecardBand",
    {"code": serializers.CharField(), "label": serializers.CharField(), "min": serializers.FloatField()},
    many=True,
)
_Measure = inline_serializer(
    "ScorecardMeasure",
    {
        "code": serializers.ChoiceField(choices=MEASURES),
        "label": serializers.CharField(help_text="Persian"),
        "weight": serializers.IntegerField(help_text="the municipality's weight; 0 turns the measure off"),
        "share": serializers.IntegerField(
            allow_null=True, help_text="percent of the total it carried after the missing measures' weight was spread"
        ),
        "score": serializers.FloatField(allow_null=True, help_text="0–100; null: not enough data"),
        "counted": serializers.BooleanField(help_text="in the total (a score and a weight above 0)"),
        "reason": serializers.CharField(help_text="why the score is what it is, in Persian"),
        "raw": serializers.DictField(help_text="the figures the score came from (docs/scorecard.md)"),
    },
    many=True,
)
ScorecardSchema = inline_serializer(
    "OfficeScorecardPeriod",
    {
        "period": serializers.CharField(help_text="1405-H1 = Farvardin–Shahrivar 1405"),
        "period_label": serializers.CharField(),
        "first_day": serializers.DateField(),
        "first_day_jalali": serializers.CharField(),
        "last_day": serializers.DateField(),
        "last_day_jalali": serializers.CharField(),
        "total": serializers.FloatField(allow_null=True, help_text="0–100; null: not ranked (no service recorded)"),
        "band": serializers.CharField(allow_null=True),
        "band_label": serializers.CharField(allow_null=True),
        "rank": serializers.IntegerField(allow_null=True, help_text="1 = best; ties share a rank"),
        "ranked": serializers.IntegerField(help_text="offices of the municipality ranked in the period"),
        "computed_at": serializers.DateTimeField(),
        "computed_at_jalali": serializers.CharField(),
        "bands": _Band,
        "measures": _Measure,
    },
    allow_null=True,
)
OfficeScorecardSchema = inline_serializer(
    "OfficeScorecard",
    {
        "office": inline_serializer(
            "OfficeScorecardOffice", {"id": serializers.IntegerField(), "name": serializers.CharField()}
        ),
        "periods": inline_serializer(
            "OfficeScorecardPeriodRef",
            {"period": serializers.CharField(), "period_label": serializers.CharField()},
            many=True,
        ),
        "scorecard": ScorecardSchema,
    },
)


class OfficeScorecardView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="offices_scorecard",
        parameters=[
            OpenApiParameter(
                "period",
                str,
                description="1405-H1 or 1405-1 (the first period in the municipality's length); a key of "
                "another length than the municipality's is 400; default the newest computed period",
            )
        ],
        responses={200: OfficeScorecardSchema, **ERRORS},
        description="An office's scorecard and rank in a period, with why each measure scored what it did.",
    )
    def get(self, request: Request, pk: str) -> Response:
        access = policy.scorecard_access(request.user, pk)
        rows = office_scorecards(access.office)
        months = rules_for(access.office.municipality_id).period_months
        wanted = asked(request.query_params.get("period"), months, (r.period for r in rows))
        row = rows[0] if rows else None
        if wanted:
            row = next((r for r in rows if r.period == wanted), None)
            if row is None:
                raise not_found(msg.PERIOD_NOT_COMPUTED)
        return Response(
            {
                "office": {"id": access.office.pk, "name": access.office.display_name},
                "periods": [{"period": r.period, "period_label": label_of(r.period)} for r in rows],
                "scorecard": scorecard_body(row) if row is not None else None,
            }
        )
