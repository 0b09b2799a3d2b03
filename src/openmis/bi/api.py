"""BI endpoints beyond the generic objects: queries, SQL, and loading files into datasets."""

from __future__ import annotations

import json
import time

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, parsers, permissions, renderers, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from openmis.analytics.errors import AnalyticsError, ImportFailed, SpecError
from openmis.bi import access, layout, loading, services
from openmis.bi.models import Dashboard, Dataset, ImportJob
from openmis.bi.models.base import COLUMN_TYPE
from openmis.core import permissions as perms
from openmis.core import registry
from openmis.core.api import ObjectSerializer


class ImportJobSerializer(ObjectSerializer):
    """Import jobs are written by the loader only: every field is read-only."""

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "display",
            "dataset",
            "file_name",
            "format",
            "mode",
            "column_types",
            "status",
            "progress",
            "rows",
            "error",
            "error_line",
            "error_column",
            "created_by",
            "finished",
            "version",
            "created",
            "updated",
        ]
        read_only_fields = fields


class MeasureSerializer(serializers.Serializer):
    agg = serializers.ChoiceField(["sum", "avg", "min", "max", "count", "count_distinct", "median"])
    column = serializers.CharField(required=False)
    # "as" is a Python keyword: declared below under its JSON name.


MeasureSerializer._declared_fields["as"] = serializers.CharField(required=False)


class QueryRequestSerializer(serializers.Serializer):
    """The query spec (documentation only: the spec is validated by the analytics layer)."""

    dataset = serializers.CharField()
    measures = MeasureSerializer(many=True, required=False)
    dimensions = serializers.ListField(
        child=serializers.JSONField(), required=False, help_text="COL, or {column, bucket, as}."
    )
    filters = serializers.ListField(
        child=serializers.JSONField(),
        required=False,
        help_text="{column, op, value[, unit]}; ops: = != in not_in between < <= > >= contains "
        "starts_with is_null not_null last this previous.",
    )
    order_by = serializers.ListField(child=serializers.JSONField(), required=False)
    limit = serializers.IntegerField(required=False, min_value=1)
    fields = serializers.ListField(child=serializers.CharField(), required=False)


class ResultSerializer(serializers.Serializer):
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()))
    truncated = serializers.BooleanField()
    cached = serializers.BooleanField()


class SqlRequestSerializer(serializers.Serializer):
    sql = serializers.CharField(trim_whitespace=False)


def _bad_request(exc: AnalyticsError):
    if isinstance(exc, SpecError):
        return exceptions.ValidationError({exc.field: [exc.detail]})
    return exceptions.ValidationError({"detail": exc.detail})


def _timed(response: Response, started: float) -> Response:
    """``response`` with a ``Server-Timing`` header: how long answering took on the server
    (compiling, or the cache, and the engine), which browsers' developer tools show."""
    response["Server-Timing"] = f"query;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


class QueryView(APIView):
    """Answer a query spec with the caller's rights (row-level rules applied)."""

    permission_classes = [permissions.IsAuthenticated]
    # JSON out, as the schema documents: no content negotiation over the browsable API on
    # every answer.
    renderer_classes = [renderers.JSONRenderer]

    @extend_schema(
        request=QueryRequestSerializer,
        responses={200: ResultSerializer},
        description=(
            "Columns are the dimensions in the order asked, then the measures (named by their "
            "`as`, default `<agg>_<column>`). Fields of related datasets are `relation.column`. "
            "Dates are ISO strings, decimals JSON numbers. A bad spec is a 400 naming the field."
        ),
    )
    def post(self, request):
        if not access.may_query(request.user):
            raise exceptions.PermissionDenied(
                _("Your role does not allow asking questions of the data.")
            )
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"detail": _("Send the query spec as a JSON object.")})
        started = time.perf_counter()
        try:
            result = services.run_query(request.user, dict(request.data))
        except AnalyticsError as exc:
            raise _bad_request(exc) from None
        return _timed(Response(result), started)


class SqlView(APIView):
    """Run one read-only SELECT over the datasets the caller may read."""

    permission_classes = [permissions.IsAuthenticated]
    # JSON out, as the schema documents: no content negotiation over the browsable API on
    # every answer.
    renderer_classes = [renderers.JSONRenderer]

    @extend_schema(
        request=SqlRequestSerializer,
        responses={200: ResultSerializer},
        description=(
            "Only a single SELECT (WITH allowed) over datasets, each a table named by the "
            "dataset's name; the caller's row-level rules apply. A refusal is a 400 "
            '`{"detail": reason}`.'
        ),
    )
    def post(self, request):
        if not services.can_use_sql(request.user):
            raise exceptions.PermissionDenied(_("Your role does not allow SQL queries."))
        form = SqlRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        started = time.perf_counter()
        try:
            result = services.run_sql(request.user, form.validated_data["sql"])
        except AnalyticsError as exc:
            raise _bad_request(exc) from None
        return _timed(Response(result), started)


class ColumnProfileSerializer(serializers.Serializer):
    nulls = serializers.IntegerField()
    distinct = serializers.IntegerField()
    min = serializers.JSONField(allow_null=True)
    max = serializers.JSONField(allow_null=True)
    top = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()))


class ProfileSerializer(serializers.Serializer):
    row_count = serializers.IntegerField(allow_null=True)
    columns = serializers.DictField(child=ColumnProfileSerializer())


class ProfileView(APIView):
    """A dataset's profile as the caller may see it (through their row-level rules)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses={200: ProfileSerializer},
        description=(
            "Row count, and per column nulls, distinct values, min, max and the most frequent "
            "values, over the rows the caller may read. `row_count` is null and `columns` "
            "empty while nothing is loaded or the profile is being computed."
        ),
    )
    def get(self, request, pk):
        if not perms.has_perm(request.user, "bi.view_dataset"):
            raise exceptions.PermissionDenied(_("Your role does not include the BI warehouse."))
        dataset = get_object_or_404(Dataset, pk=pk)
        try:
            profile = services.dataset_profile(request.user, dataset)
        except AnalyticsError as exc:
            raise _bad_request(exc) from None
        return Response(profile or {"row_count": None, "columns": {}})


class ValuesRequestSerializer(serializers.Serializer):
    dataset = serializers.CharField(max_length=200)
    column = serializers.CharField(max_length=401)
    q = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=services.VALUES_SEARCH_MAX
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=services.VALUES_LIMIT, default=services.VALUES_LIMIT
    )
    dashboard = serializers.IntegerField(required=False, min_value=1)


class ValuesSerializer(serializers.Serializer):
    values = serializers.ListField(child=serializers.JSONField())
    truncated = serializers.BooleanField()


class ValuesView(APIView):
    """The distinct values of a column the caller may read: a filter's searchable picker."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [renderers.JSONRenderer]

    @extend_schema(
        parameters=[ValuesRequestSerializer],
        responses={200: ValuesSerializer},
        description=(
            "Distinct non-null values of `column` (`relation.column` for a related dataset) "
            "over the rows the caller may read, in order, those containing `q` in any case, "
            "at most `limit` (100); `truncated` says there are more. Needs the right to ask "
            "questions, like `POST /api/bi/query/`, or, with `dashboard`, the right to open "
            "that dashboard when `column` is one of its filters and `dataset` one of its "
            "cards' (the values of a dashboard filter's dropdown)."
        ),
    )
    def get(self, request):
        form = ValuesRequestSerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        if not access.may_query(request.user) and not self._dashboard_filter(request, data):
            raise exceptions.PermissionDenied(
                _("Your role does not allow asking questions of the data.")
            )
        started = time.perf_counter()
        try:
            values = services.column_values(
                request.user, data["dataset"], data["column"], data["q"], limit=data["limit"]
            )
        except AnalyticsError as exc:
            raise _bad_request(exc) from None
        return _timed(Response(values), started)

    @staticmethod
    def _dashboard_filter(request, data) -> bool:
        """Whether the values asked for are those of a filter of a dashboard the caller may
        open (its readers need not have the right to ask questions of their own)."""
        if "dashboard" not in data:
            return False
        dashboard = (
            registry.get(Dashboard).for_user(request.user).filter(pk=data["dashboard"]).first()
        )
        return (
            dashboard is not None
            and data["column"] in (dashboard.filters or [])
            and dashboard.cards.filter(question__dataset__name=data["dataset"]).exists()
        )


class UploadRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    mode = serializers.ChoiceField(ImportJob.Mode.values, default=ImportJob.Mode.REPLACE)
    format = serializers.ChoiceField(
        ["", "csv", "xlsx", "parquet", "json"], default="", required=False
    )
    column_types = serializers.JSONField(
        required=False,
        help_text='Type overrides as a JSON object, e.g. {"amount": "float64"}.',
    )

    def validate_column_types(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value) if value.strip() else {}
            except json.JSONDecodeError:
                raise serializers.ValidationError(_("Send the column types as JSON.")) from None
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise serializers.ValidationError(
                _('Map column names to type names, e.g. {"amount": "float64"}.')
            )
        return value


class UploadView(APIView):
    """Queue a file to be loaded into a dataset; poll the import job for its progress."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [parsers.MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": UploadRequestSerializer},
        responses={
            202: inline_serializer(
                "ImportJobCreated",
                {"id": serializers.IntegerField(), "status": serializers.CharField()},
            )
        },
        description="Returns the import job; `GET /api/bi/imports/{id}/` tells its progress.",
    )
    def post(self, request, pk):
        dataset = get_object_or_404(Dataset, pk=pk)
        if not (
            perms.can(request.user, registry.get(Dataset), "change", dataset)
            and perms.has_perm(request.user, "bi.add_importjob")
        ):
            raise exceptions.PermissionDenied(_("Your role does not allow loading data."))
        form = UploadRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        types = dict(data.get("column_types") or {})
        # Form clients may also send one field per column: column_types.<name>=<type>.
        types.update(
            {
                key.split(".", 1)[1]: str(value)
                for key, value in request.data.items()
                if key.startswith("column_types.")
            }
        )
        bad = {k: v for k, v in types.items() if not COLUMN_TYPE.match(v)}
        if bad:
            raise exceptions.ValidationError(
                {
                    "column_types": [
                        _("Unknown type “%(type)s”.") % {"type": v} for v in bad.values()
                    ]
                }
            )
        try:
            job = loading.start_import(
                request.user,
                dataset,
                data["file"],
                file_name=data["file"].name,
                mode=data["mode"],
                fmt=data.get("format", ""),
                column_types=types,
            )
        except ImportFailed as exc:
            raise exceptions.ValidationError({"file": [exc.detail]}) from None
        job.refresh_from_db()
        return Response({"id": job.pk, "status": job.status}, status=status.HTTP_202_ACCEPTED)


class CardPlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField(min_value=1)
    x = serializers.IntegerField(min_value=0, max_value=layout.COLUMNS - 1)
    y = serializers.IntegerField(min_value=0, max_value=layout.MAX_ROW)
    w = serializers.IntegerField(min_value=1, max_value=layout.COLUMNS)
    h = serializers.IntegerField(min_value=1, max_value=layout.MAX_HEIGHT)


class LayoutSerializer(serializers.Serializer):
    cards = CardPlaceSerializer(many=True, allow_empty=False, max_length=500)


class LayoutView(APIView):
    """Where a dashboard's cards sit: what the page's drag and drop saves."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [renderers.JSONRenderer]

    @extend_schema(
        request=LayoutSerializer,
        responses={200: inline_serializer("LayoutSaved", {"moved": serializers.IntegerField()})},
        description=(
            "Place the listed cards of the dashboard on its 12-column grid: column `x` "
            "(0-11), row `y`, width `w` (columns) and height `h` (rows), all or none. Needs "
            "the right to change the dashboard; a card of another dashboard is a 400."
        ),
    )
    def post(self, request, pk):
        dashboard = get_object_or_404(registry.get(Dashboard).for_user(request.user), pk=pk)
        if not perms.can(request.user, registry.get(Dashboard), "change", dashboard):
            raise exceptions.PermissionDenied(_("Your role does not allow this."))
        form = LayoutSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        places = [
            layout.Place(c["id"], c["x"], c["y"], c["w"], c["h"])
            for c in form.validated_data["cards"]
        ]
        try:
            moved = layout.save_layout(request.user, dashboard, places)
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from None
        return Response({"moved": moved})
