"""The REST API of registered objects, generated from the registry (DRF + drf-spectacular)."""

from __future__ import annotations

import json
import re

from auditlog.context import set_actor
from django.contrib.auth import authenticate, user_logged_in, user_login_failed
from django.db import models, transaction
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiRequest,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import (
    exceptions,
    permissions,
    renderers,
    serializers,
    status,
    viewsets,
)
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from openmis.core import imports, registry
from openmis.core import permissions as perms
from openmis.core.drf import ACTION_FOR_METHOD  # noqa: F401
from openmis.core.models import ApiToken
from openmis.core.services import delete_object, save_object

# --- serializers -------------------------------------------------------------------------------


class TextField(serializers.CharField):
    """Text as the schema says: a string (a number is refused, not turned into text) whose
    length is checked as sent, before surrounding spaces are trimmed."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class ObjectSerializer(serializers.ModelSerializer):
    """Base of generated serializers: adds ``display`` (the object's name)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: TextField,
        models.TextField: TextField,
    }

    display = serializers.SerializerMethodField()

    def get_display(self, obj) -> str:
        return str(obj)

    def get_fields(self):
        """The fields, each reference accepting only the objects the requesting user may see
        (:func:`openmis.core.registry.visible_only`, as the forms): a hidden id is answered as
        one that does not exist. The values the changed row holds now stay valid."""
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return fields
        instance = self.instance if isinstance(self.instance, models.Model) else None
        for name, field in fields.items():
            relation = getattr(field, "child_relation", field)
            queryset = getattr(relation, "queryset", None)
            if field.read_only or queryset is None or not registry.is_private(queryset.model):
                continue
            keep = registry.current_references(instance, field.source or name)
            relation.queryset = registry.visible_only(queryset, user, keep)
        return fields

    def apply_to(self, instance):
        """Set the validated values on ``instance`` without saving it.

        Many-to-many values can only be set once the row exists: :meth:`after_save` does.
        """
        many = {f.name for f in instance._meta.many_to_many}
        self._m2m = {}
        for key, value in self.validated_data.items():
            if key in many:
                self._m2m[key] = value
            else:
                setattr(instance, key, value)
        return instance

    def after_save(self, instance):
        """Save what must follow the object itself: its many-to-many values."""
        for name, value in getattr(self, "_m2m", {}).items():
            getattr(instance, name).set(value)


def serializer_for(object_type):
    """Build the serializer class of a registered type."""
    fields = ["id", "display", *object_type.form_fields, "version", "created", "updated"]
    meta = type(
        "Meta",
        (),
        {
            "model": object_type.model,
            "fields": fields,
            "read_only_fields": ["version", "created", "updated"],
        },
    )
    return type(f"{object_type.model.__name__}Serializer", (ObjectSerializer,), {"Meta": meta})


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=gettext_lazy("CSV (UTF-8) or XLSX file."))
    dry_run = serializers.BooleanField(
        default=False, help_text=gettext_lazy("Only check the file; write nothing.")
    )


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="Row as a spreadsheet shows it.")
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    errors = ImportErrorSerializer(many=True)


class _FileRenderer(renderers.BaseRenderer):
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes | str):
            return data
        return json.dumps(data).encode()


class CSVRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(_FileRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"


# --- viewsets ----------------------------------------------------------------------------------


def _expected_version(request) -> int | None:
    raw = request.headers.get("If-Match") or request.data.get("version")
    if raw in (None, ""):
        return None
    try:
        return int(str(raw).strip('W/"'))
    except ValueError:
        raise exceptions.ValidationError(
            {"version": [_("A version must be a whole number.")]}
        ) from None


class ObjectViewSet(viewsets.ModelViewSet):
    """CRUD, import and export of one registered type; every write is audited."""

    object_type: registry.ObjectType

    def get_queryset(self):
        return self.object_type.for_user(self.request.user, super().get_queryset())

    def _apply(self, serializer, action_name):
        """The object as it would be after the change, validated and checked against scope."""
        candidate = serializer.apply_to(serializer.instance or self.object_type.model())
        if not perms.can(self.request.user, self.object_type, action_name, candidate):
            raise exceptions.PermissionDenied(
                _("You may only change records of your own department.")
            )
        candidate.full_clean()
        return candidate

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if self.action == "export_file":
            # Errors are JSON, also where the CSV/XLSX renderers were (or would be) chosen.
            self.request.accepted_renderer = renderers.JSONRenderer()
            self.request.accepted_media_type = renderers.JSONRenderer.media_type
        return response

    def perform_create(self, serializer):
        with transaction.atomic():
            obj = save_object(self._apply(serializer, "add"), self.request.user)
            serializer.after_save(obj)
            if self.object_type.after_save is not None:
                self.object_type.after_save(obj)
        serializer.instance = obj

    def perform_update(self, serializer):
        expected = _expected_version(self.request)
        with transaction.atomic():
            obj = save_object(self._apply(serializer, "change"), self.request.user, expected)
            serializer.after_save(obj)
            if self.object_type.after_save is not None:
                self.object_type.after_save(obj)

    def perform_destroy(self, instance):
        delete_object(instance, self.request.user)

    @extend_schema(
        request={
            "multipart/form-data": OpenApiRequest(
                ImportRequestSerializer,
                # The type is told by the file name's extension (.csv, .txt or .xlsx) or, for
                # XLSX, by its content; any other extension is refused with 400.
                encoding={
                    "file": {
                        "contentType": "text/csv, application/vnd.openxmlformats-officedocument"
                        ".spreadsheetml.sheet",
                        "headers": {
                            "Content-Disposition": {
                                "schema": {
                                    "type": "string",
                                    "example": 'form-data; name="file"; filename="rows.csv"',
                                }
                            }
                        },
                    }
                },
            )
        },
        responses={
            200: ImportResultSerializer,
            # Rows with errors give the import result; a request without a file, field errors.
            400: OpenApiResponse(
                {
                    "anyOf": [
                        {"$ref": "#/components/schemas/ImportResult"},
                        {"$ref": "#/components/schemas/FieldErrors"},
                    ]
                },
                description="Errors in the file's rows, or in the request itself.",
            ),
        },
        description="Import a CSV or XLSX file: all rows or none. With `dry_run` only check it.",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_file(self, request):
        form = ImportRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload = form.validated_data["file"]
        with set_actor(request.user):
            report = imports.run_import(
                self.object_type,
                upload.name,
                upload.read(),
                request.user,
                dry_run=form.validated_data["dry_run"],
            )
        code = status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST
        return Response(report.as_dict(), status=code)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["csv", "xlsx"],
                default="csv",
                description="File format.",
            )
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiResponse(OpenApiTypes.BINARY),
        },
        description="Export the (filtered) list as CSV or XLSX.",
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="export",
        renderer_classes=[CSVRenderer, XLSXRenderer],
        pagination_class=None,
    )
    def export_file(self, request):
        formats = request.query_params.getlist("format")
        if formats and (len(formats) > 1 or formats[0] not in ("csv", "xlsx")):
            # An empty value is not "the default": DRF would quietly answer CSV.
            raise exceptions.ValidationError({"format": [_("Choose csv or xlsx.")]})
        queryset = self.filter_queryset(self.get_queryset())
        name = self.object_type.slug
        if request.accepted_renderer.format == "xlsx":
            try:
                content = imports.export_xlsx(self.object_type, queryset)
            except ValueError as exc:
                raise exceptions.ValidationError({"format": [str(exc)]}) from None
            return FileResponse(
                content,
                as_attachment=True,
                filename=f"{name}.xlsx",
                content_type=XLSXRenderer.media_type,
            )
        response = StreamingHttpResponse(
            imports.export_csv(self.object_type, queryset), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response


def viewset_for(object_type):
    """Build the viewset class of a registered type."""
    ordering = [c for c in object_type.list_columns if "__" not in c]
    extra = {}
    if object_type.read_only:
        # Rows written by the app's services only: the schema lists no write that always fails.
        extra["http_method_names"] = ["get", "head", "options"]
    return type(
        f"{object_type.model.__name__}ViewSet",
        (ObjectViewSet,),
        {
            **extra,
            "object_type": object_type,
            "queryset": object_type.queryset()
            .prefetch_related(*object_type.prefetch, *object_type.m2m_fields)
            .order_by(*(object_type.ordering or []), "pk"),
            "serializer_class": object_type.serializer,
            "filterset_class": object_type.filterset,
            "ordering_fields": ordering,
        },
    )


# --- authentication ----------------------------------------------------------------------------


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


def add_error_responses(result, generator, request, public):
    """drf-spectacular hook: document the JSON error responses every operation can give."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    }
    schemas["FieldErrors"] = {
        "type": "object",
        "additionalProperties": {},
        "description": "Messages by field name, or non_field_errors / detail.",
    }
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    field_errors = {"application/json": {"schema": {"$ref": "#/components/schemas/FieldErrors"}}}
    for path, methods in result.get("paths", {}).items():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            responses.setdefault("400", {"description": "Invalid input", "content": field_errors})
            if path != "/api/auth/token/":
                responses.setdefault("401", {"description": "Not authenticated", "content": error})
            responses.setdefault("403", {"description": "Not allowed", "content": error})
            responses.setdefault("404", {"description": "Not found", "content": error})
            if method in ("put", "patch", "delete"):
                responses.setdefault("409", {"description": "Conflict", "content": error})
            if path == "/api/auth/token/":
                responses.setdefault("429", {"description": "Locked out", "content": error})
            if path.endswith("/import/"):
                responses.setdefault(
                    "415", {"description": "Not a multipart upload", "content": error}
                )
    return result


# A local time pattern: ``HH:MM``, ``HH:MM:SS`` or ``HH:MM:SS.ffffff``, as DRF reads and writes.
LOCAL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


# drf-spectacular's pattern of a decimal sent as text admits "", "-" and ".", which are no number.
_DECIMAL_PATTERN = re.compile(r"\^-\?\\d\{0,(\d+)\}\(\?:\\\.\\d\{0,(\d+)\}\)\?\$")


def local_times(result, generator, request, public):
    """drf-spectacular hook: times of day and decimals as the API reads and writes them.

    OpenAPI's ``format: time`` is RFC 3339's ``full-time``, which needs an offset
    ("10:00:00+01:00"). A meeting's start time is the time in the series' own time zone, whose
    offset changes with daylight saving time, so an offset would be wrong half of the year:
    the API reads and writes "10:00:00", and the schema says so with a pattern.

    A decimal is text with at least one digit: "12", "12.5", ".5".
    """

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "string" and node.get("format") == "time":
                del node["format"]
                node["pattern"] = LOCAL_TIME_PATTERN
                node.setdefault("example", "10:00:00")
            match = _DECIMAL_PATTERN.fullmatch(str(node.get("pattern", "")))
            if node.get("type") == "string" and match:
                whole, fraction = match.groups()
                node["pattern"] = (
                    rf"^-?([0-9]{{1,{whole}}}(\.[0-9]{{0,{fraction}}})?|\.[0-9]{{1,{fraction}}})$"
                )
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result.get("components", {}))
    walk(result.get("paths", {}))
    return result


# Query parameters that are not filters: their empty value is refused (see drf.Pagination and
# ObjectViewSet.export_file).
_NOT_FILTERS = {"page", "page_size", "format"}


def empty_filters(result, generator, request, public):
    """drf-spectacular hook: an empty filter value means "not filtered by it".

    The filter forms of the pages send every field, the empty ones as ``?owner=``; the API
    reads its filters with the same filter sets, so ``?owner=`` lists all rows, as the UI does.
    The schema says so: each typed filter admits its type or an empty value.
    """
    for path, methods in result.get("paths", {}).items():
        parameters = (methods.get("get") or {}).get("parameters", [])
        if not (path.endswith("/export/") or any(p["name"] == "page" for p in parameters)):
            continue  # not a filtered list
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if (
                parameter.get("in") != "query"
                or parameter.get("required")  # what the list is of, not a filter
                or parameter["name"] in _NOT_FILTERS
                or (schema.get("type") == "string" and "enum" not in schema)
                or "type" not in schema
            ):
                continue
            parameter["schema"] = {"anyOf": [schema, {"type": "string", "enum": [""]}]}
    return result
