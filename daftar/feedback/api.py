"""REST API of citizens' feedback (issue 22 §1; API.md «Citizens' voice and the office hall»).

``POST /api/v1/feedback/{token}``: no login, the token from the SMS link is the key. ``201`` on
the first use; the same token again ``409``; an unknown, forged or expired token ``404``; a
rating outside 1–5 or a comment too long ``400``, with nothing recorded.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.accounts.api import ErrorSerializer
from daftar.kernel.api import request_body

from .services import feedback_rate

ERRORS = {400: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


class FeedbackInputSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5, help_text="1 (very bad) to 5 (excellent)")
    comment = serializers.CharField(required=False, help_text="optional, at most 1000 characters")


FeedbackSchema = inline_serializer(
    "FeedbackReceived",
    {
        "rating": serializers.IntegerField(),
        "status": serializers.ChoiceField(
            choices=["rated", "flagged"],
            help_text="flagged: the comment waits for a supervisor before the office reads it",
        ),
    },
)


class FeedbackView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list[type] = []  # the token is the key; no session, no CSRF

    @extend_schema(
        operation_id="feedback_rate",
        request=FeedbackInputSerializer,
        responses={201: FeedbackSchema, **ERRORS},
        auth=[],
        description="A citizen rates a service through the single-use link of the SMS sent after it.",
    )
    def post(self, request: Request, token: str) -> Response:
        data = request_body(request)
        row = feedback_rate(token=token, rating=data.get("rating"), comment=data.get("comment"))
        return Response({"rating": row.rating, "status": row.status}, status=201)
