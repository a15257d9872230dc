"""REST API of login and profile (API.md «Login (S15)»). Thin: validate, call a service."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import logout
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from daftar.kernel.fields import (
    JalaliOrIsoDateField,
    LegalNationalIdField,
    MobileField,
    NationalCodeField,
    NationalityField,
    jalali_twin,
)
from daftar.kernel.schema import page_parameters, paginated
from daftar.runtime import ratelimit

from . import login_limits
from . import messages as msg
from .captcha import captcha_new
from .constants import PersonType
from .forms import check_birth_date
from .models import User
from .selectors import message_title, messages_of, role_assignments_of
from .services import (
    PROFILE_FIELDS,
    auth_token_create,
    auth_token_revoke,
    device_token_issue,
    otp_request,
    otp_verify,
    user_update_profile,
)

ErrorSerializer = inline_serializer(
    "Error",
    {
        "code": serializers.CharField(),
        "detail": serializers.CharField(),
        "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)


class RoleOutSerializer(serializers.Serializer):
    role = serializers.CharField()
    role_display = serializers.CharField(source="get_role_display")
    municipality = serializers.CharField(source="municipality.slug")
    municipality_name = serializers.CharField(source="municipality.name")


class UserSerializer(serializers.ModelSerializer):
    birth_date_jalali = serializers.SerializerMethodField()
    national_code_verified = serializers.BooleanField(
        read_only=True,
        help_text="The mobile-ownership inquiry proved that this account's number is registered to its national code.",
    )
    national_code_verified_at = serializers.SerializerMethodField(
        help_text="When that inquiry answered (null while the code is unproven)."
    )
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "mobile",
            *PROFILE_FIELDS,
            "birth_date_jalali",
            "national_code_verified",
            "national_code_verified_at",
            "roles",
        ]
        read_only_fields = fields

    def get_birth_date_jalali(self, user: User) -> str | None:
        return jalali_twin(user.birth_date)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_national_code_verified_at(self, user: User) -> str | None:
        at = user.ownership_verified_at if user.national_code_verified else None
        return serializers.DateTimeField().to_representation(at) if at else None

    @extend_schema_field(RoleOutSerializer(many=True))
    def get_roles(self, user: User) -> list[dict[str, Any]]:
        return list(RoleOutSerializer(role_assignments_of(user), many=True).data)


class PowChallengeSerializer(serializers.Serializer):
    """A proof-of-work challenge (ALTCHA v1): find ``number`` <= ``maxNumber`` with
    SHA-256(``salt`` + number) == ``challenge``; send back base64 of the JSON
    ``{"algorithm", "challenge", "number", "salt", "signature"}`` as ``pow_solution``."""

    algorithm = serializers.CharField()
    challenge = serializers.CharField()
    maxNumber = serializers.IntegerField()
    salt = serializers.CharField()
    signature = serializers.CharField()
    level = serializers.IntegerField()


class CaptchaSerializer(serializers.Serializer):
    key = serializers.CharField()
    image_url = serializers.URLField(help_text="The picture (PNG), drawn when fetched.")
    audio_url = serializers.URLField(help_text="The same digits spoken in Persian (WAV), the accessible twin.")
    challenge = PowChallengeSerializer(
        allow_null=True,
        help_text="When this address is busy: a proof of work the next code request must also carry; else null.",
    )


ChallengeRequiredSerializer = inline_serializer(
    "ChallengeRequired",
    {
        "code": serializers.CharField(help_text="`challenge_required` (or another error code)"),
        "detail": serializers.CharField(),
        "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
        "challenge": PowChallengeSerializer(
            required=False, help_text="With `challenge_required`: solve it and resend."
        ),
    },
)


class OtpRequestSerializer(serializers.Serializer):
    mobile = MobileField()
    captcha_key = serializers.CharField(max_length=64)
    captcha_value = serializers.CharField(max_length=32)
    pow_solution = serializers.CharField(
        max_length=1024,
        required=False,
        default="",
        allow_blank=True,
        help_text="The solved proof of work, when the address is busy (answer `challenge_required` otherwise).",
    )
    person_type = serializers.ChoiceField(
        choices=PersonType.choices,
        default=PersonType.NATURAL,
        error_messages={"invalid_choice": msg.PERSON_TYPE_INVALID},
    )
    nationality = NationalityField(default="IR")
    device_token = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True, help_text="from an earlier login of this number"
    )


class OtpIssuedSerializer(serializers.Serializer):
    expires_in = serializers.IntegerField()
    resend_after = serializers.IntegerField()
    request_id = serializers.CharField(help_text="send it back with the code: only this request's code is checked")


class OtpVerifySerializer(serializers.Serializer):
    mobile = MobileField()
    code = serializers.CharField(max_length=16)
    request_id = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    device_token = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class LoginResultSerializer(serializers.Serializer):
    token = serializers.CharField()
    user = UserSerializer()
    device_token = serializers.CharField(
        help_text="keep it and send it with later code requests and checks of this number (issue 17)"
    )


class ProfileUpdateSerializer(serializers.Serializer):
    person_type = serializers.ChoiceField(
        choices=PersonType.choices, required=False, error_messages={"invalid_choice": msg.PERSON_TYPE_INVALID}
    )
    nationality = NationalityField(required=False)
    national_code = NationalCodeField(required=False, allow_blank=True)
    national_id = LegalNationalIdField(required=False, allow_blank=True)
    legal_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    birth_date = JalaliOrIsoDateField(required=False, allow_null=True)

    def validate_birth_date(self, value: Any) -> Any:
        return check_birth_date(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: [msg.FIELD_NOT_EDITABLE] for name in unknown})
        return attrs


def _address(request: Request) -> str:
    return ratelimit.client_address(request._request)


class CaptchaView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        operation_id="auth_captcha",
        responses={200: CaptchaSerializer, 429: ErrorSerializer},
        summary="A new captcha (security number): a key, its picture and its sound, drawn by the server",
    )
    def get(self, request: Request) -> Response:
        address = _address(request)
        login_limits.captcha_throttle(address, "mint")
        key, image_url, audio_url = captcha_new()
        response = Response(
            {
                "key": key,
                "image_url": request.build_absolute_uri(image_url),
                "audio_url": request.build_absolute_uri(audio_url),
                "challenge": login_limits.challenge_for(address),
            }
        )
        response["Cache-Control"] = "no-store"
        return response


class OtpRequestView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        operation_id="auth_otp_request",
        request=OtpRequestSerializer,
        responses={202: OtpIssuedSerializer, 400: ChallengeRequiredSerializer, 429: ErrorSerializer},
        summary="Send a one-time login code by SMS (the same answer for every number)",
        description=(
            "A busy address (many code requests or wrong captchas in the last hour) is answered 400"
            " `challenge_required` with a `challenge`: solve it and resend the same request with"
            " `pow_solution`; the captcha is not consumed by that answer. 429 only past a far ceiling."
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = OtpRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        issued = otp_request(
            mobile=data["mobile"],
            captcha_key=data["captcha_key"],
            captcha_value=data["captcha_value"],
            person_type=data["person_type"],
            nationality=data["nationality"],
            address=_address(request),
            device_token=data["device_token"],
            pow_solution=data["pow_solution"],
        )
        body = {"expires_in": issued.expires_in, "resend_after": issued.resend_after, "request_id": issued.request_id}
        return Response(body, status=status.HTTP_202_ACCEPTED)


class OtpVerifyView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        operation_id="auth_otp_verify",
        request=OtpVerifySerializer,
        responses={200: LoginResultSerializer, 400: ErrorSerializer, 429: ErrorSerializer},
        summary="Exchange the one-time code for a bearer token",
    )
    def post(self, request: Request) -> Response:
        serializer = OtpVerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = otp_verify(
            mobile=data["mobile"],
            code=data["code"],
            address=_address(request),
            channel="api",
            request_id=data["request_id"],
            device_token=data["device_token"],
        )
        token = auth_token_create(user=user)
        device = device_token_issue(mobile=user.mobile)
        return Response({"token": token, "user": UserSerializer(user).data, "device_token": device})


class LogoutView(APIView):
    @extend_schema(
        operation_id="auth_logout",
        request=None,
        responses={204: OpenApiResponse(description="revoked")},
        summary="Revoke the bearer token of this request (or all with ?all=1)",
    )
    def post(self, request: Request) -> Response:
        token = request.auth
        everything = request.query_params.get("all") == "1"
        if token is None and not everything:
            logout(request._request)
            return Response(status=status.HTTP_204_NO_CONTENT)
        auth_token_revoke(
            user=request.user,  # type: ignore[arg-type]
            token_key=getattr(token, "token_key", None),
            all_tokens=everything,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(operation_id="me_read", responses={200: UserSerializer, 401: ErrorSerializer})
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)

    @extend_schema(
        operation_id="me_update",
        request=ProfileUpdateSerializer,
        summary="Change the profile; a national code is saved only once the mobile-ownership inquiry proves it",
        description=(
            "A new national code (or the stored one while unproven) is checked with the national "
            "mobile-ownership inquiry: is this account's number registered to that code? Not: `400` "
            "`ownership_not_proven`, the same answer whether or not another account holds the code. "
            "Proven, and another account holds it: that account's number is asked too; if it is not the "
            "code's, the code moves to this account; if it is, `409` `conflict` (one person, two "
            "accounts). No answer from the inquiry: `503` `ownership_unavailable` with `Retry-After`, "
            "nothing saved. At most `OWNERSHIP_CHECKS_PER_DAY` distinct codes per account a day (`429`)."
        ),
        responses={
            200: UserSerializer,
            400: ErrorSerializer,
            401: ErrorSerializer,
            409: OpenApiResponse(ErrorSerializer, description="the code is on another account of the same owner"),
            429: OpenApiResponse(ErrorSerializer, description="the daily checks of this account are used up"),
            503: OpenApiResponse(
                ErrorSerializer,
                description=(
                    "the database or the mobile-ownership inquiry did not answer (`service_unavailable`, "
                    "`ownership_unavailable`, `ownership_retry`); nothing was saved: try again after "
                    "`Retry-After` seconds"
                ),
            ),
        },
    )
    def patch(self, request: Request) -> Response:
        serializer = ProfileUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        assert isinstance(request.user, User)
        user = user_update_profile(user=request.user, actor=request.user, data=serializer.validated_data)
        return Response(UserSerializer(user).data)


# --- the SMS sent to me (issue 21 §4) ---------------------------------------------------------------

MESSAGE_FIELDS: dict[str, Any] = {
    "kind": serializers.CharField(help_text="the declared SMS (its key), e.g. application_submitted"),
    "title": serializers.CharField(help_text="its Persian title"),
    "text": serializers.CharField(help_text="the text as sent, Persian digits"),
    "status": serializers.ChoiceField(choices=["pending", "sent", "failed"]),
    "created_at": serializers.DateTimeField(),
    "created_at_jalali": serializers.CharField(),
    "sent_at": serializers.DateTimeField(allow_null=True),
}


class _MessagePages(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def message_body(message: Any) -> dict[str, Any]:
    return {
        "kind": message.kind,
        "title": message_title(message.kind),
        "text": message.text,
        "status": message.status,
        "created_at": message.created_at,
        "created_at_jalali": jalali_twin(message.created_at),
        "sent_at": message.sent_at,
    }


class MyMessagesView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="me_messages_list",
        summary="The SMS sent to me, newest first",
        description=(
            "Every SMS the system queued for the caller's account about their cases, licences, "
            "appointments and complaints, with whether it went out. One-time codes are never listed. "
            "Kept for `RETENTION_OUTBOX_DAYS` after sending."
        ),
        parameters=page_parameters(),
        responses={
            200: paginated("SentMessagePage", inline_serializer("SentMessage", MESSAGE_FIELDS, many=True)),
            401: ErrorSerializer,
        },
    )
    def get(self, request: Request) -> Response:
        paginator = _MessagePages()
        page = paginator.paginate_queryset(messages_of(request.user), request, view=self)
        return paginator.get_paginated_response([message_body(m) for m in page or []])
