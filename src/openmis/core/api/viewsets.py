"""The viewset of every registered type: CRUD, import and export, each write audited."""

from __future__ import annotations

import json

from auditlog.context import set_actor
from django.db import transaction
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiRequest,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import exceptions, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from openmis.core import imports, registry
from openmis.core import permissions as perms
from openmis.core.api.serializers import (
    ChoicesSerializer,
    ImportRequestSerializer,
    ImportResultSerializer,
)
from openmis.core.services import delete_object, save_object


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
                encoding=form.validated_data.get("encoding", ""),
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
                content = imports.export_xlsx(self.object_type, queryset, request.user)
            except ValueError as exc:
                raise exceptions.ValidationError({"format": [str(exc)]}) from None
            return FileResponse(
                content,
                as_attachment=True,
                filename=f"{name}.xlsx",
                content_type=XLSXRenderer.media_type,
            )
        response = StreamingHttpResponse(
            imports.export_csv(self.object_type, queryset, request.user),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response

    #: How many options one search of a picker answers.
    CHOICES_LIMIT = 20

    @extend_schema(
        responses={200: ChoicesSerializer},
        description=(
            "The options of a picker: the first objects matching the list's filters and `q`, "
            "each with its name and the line that tells it apart (a person's department)."
        ),
    )
    @action(detail=False, methods=["get"], url_path="choices", pagination_class=None)
    def choices(self, request):
        object_type = self.object_type
        queryset = self.filter_queryset(
            self.get_queryset()
            .prefetch_related(None)  # the API's representation needs them, an option does not
            .select_related(*object_type.hint_select, *object_type.select)
        )
        rows = list(queryset[: self.CHOICES_LIMIT + 1])
        results = [
            {"id": row.pk, "text": str(row), "hint": object_type.hint(row)}
            for row in rows[: self.CHOICES_LIMIT]
        ]
        return Response({"results": results, "more": len(rows) > self.CHOICES_LIMIT})


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
