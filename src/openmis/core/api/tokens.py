"""API tokens over the API: exchanging a login for a token, listing and revoking one's own."""

from __future__ import annotations

from django.contrib.auth import authenticate, user_logged_in, user_login_failed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from openmis.core.api import schema  # noqa: F401  (the token scheme of the schema)
from openmis.core.models import ApiToken


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(
        required=False, help_text=gettext_lazy("Current code of the two-factor app, if enabled.")
    )
    name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=gettext_lazy(
            "What the token is for (e.g. the script or machine), shown in the list of tokens."
        ),
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text=gettext_lazy("Send as `Authorization: Token <token>`; shown only this once.")
    )


class ApiTokenSerializer(serializers.ModelSerializer):
    """One of the caller's tokens, without its secret."""

    expires = serializers.DateTimeField(
        source="expiry", read_only=True, help_text=gettext_lazy("Null: does not expire.")
    )
    current = serializers.SerializerMethodField(
        help_text=gettext_lazy("True for the token this request is authenticated with.")
    )

    class Meta:
        model = ApiToken
        fields = ["id", "name", "created", "last_used", "expires", "current"]
        read_only_fields = fields

    def get_current(self, token) -> bool:
        auth = getattr(self.context.get("request"), "auth", None)
        return getattr(auth, "pk", None) == token.pk


class ApiTokenViewSet(viewsets.GenericViewSet):
    """The caller's own API tokens: list them, revoke one (revoking another user's is a 404)."""

    serializer_class = ApiTokenSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = []
    queryset = ApiToken.objects.none()  # the schema's model; requests read the caller's own

    def get_queryset(self):
        from openmis.core import tokens

        return tokens.live_tokens(self.request.user)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        from openmis.core import tokens

        if not tokens.revoke(request.user, pk):
            raise exceptions.NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenView(APIView):
    """Exchange a username and password (and a two-factor code) for an API token."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenResponseSerializer},
        auth=[],
    )
    def post(self, request):
        from allauth.mfa.models import Authenticator

        from openmis.core.auth import two_factor_required

        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None:
            raise exceptions.ValidationError(
                {"non_field_errors": [_("Unable to log in with the given username and password.")]}
            )
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is not None:
            code = data.validated_data.get("otp")
            if not code:
                raise exceptions.ValidationError({"otp": [_("A two-factor code is required.")]})
            if not totp.wrap().validate_code(code):
                # a wrong code counts as a failed login, so codes cannot be guessed endlessly
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": data.validated_data["username"]},
                    request=request._request,
                )
                raise exceptions.ValidationError({"otp": [_("The two-factor code is not valid.")]})
        elif two_factor_required(user):
            raise exceptions.PermissionDenied(
                _("Set up two-factor authentication in OpenMIS before using the API.")
            )
        # a successful login: axes clears the account's failures, last_login is kept
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        from openmis.core import tokens

        name = data.validated_data.get("name") or request.headers.get("User-Agent", "")
        _instance, secret = tokens.issue(user, name)
        return Response({"token": secret})
