"""DRF policies named in settings: errors, pagination and permissions.

Kept apart from :mod:`openmis.core.api` because DRF imports these while it starts up.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, parsers, permissions, serializers, status
from rest_framework.response import Response

from openmis.core import permissions as perms
from openmis.core.services import ConflictError

# --- errors ------------------------------------------------------------------------------------


def exception_handler(exc, context):
    """DRF's handler, plus conflicts as 409 and model validation errors as 400 field errors."""
    if isinstance(exc, ConflictError):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    from rest_framework.views import exception_handler as drf_exception_handler

    return drf_exception_handler(exc, context)


class ErrorSerializer(serializers.Serializer):
    """An error that is not about one field."""

    detail = serializers.CharField()


# --- parsing -----------------------------------------------------------------------------------

#: How deeply a JSON body may nest arrays and objects; no request of the API needs more than a
#: handful of levels, and deeper bodies would exhaust Python's recursion on the way in.
MAX_JSON_DEPTH = 64


def json_depth_exceeds(data, limit: int) -> bool:
    """Whether ``data`` nests lists and dicts deeper than ``limit`` (iterative: any depth)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than :data:`MAX_JSON_DEPTH` (a 400).

    The default parser of every API endpoint (``DEFAULT_PARSER_CLASSES``), so no view sees
    such a body and none answers 500 with a ``RecursionError``.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(self.too_deep()) from None
        if json_depth_exceeds(data, MAX_JSON_DEPTH):
            raise exceptions.ParseError(self.too_deep())
        return data

    @staticmethod
    def too_deep() -> str:
        # Translated only when refused: not on every body that parses.
        return _("The JSON body is nested more than %(limit)d levels deep.") % {
            "limit": MAX_JSON_DEPTH
        }


# --- pagination and permissions ----------------------------------------------------------------


class Pagination(pagination.PageNumberPagination):
    """``{"count", "next", "previous", "results"}``; ``page_size`` up to 1,000."""

    page_size_query_param = "page_size"
    max_page_size = 1000

    def paginate_queryset(self, queryset, request, view=None):
        self._check_query(request)
        return super().paginate_queryset(queryset, request, view)

    def _check_query(self, request):
        """Refuse (400) what the schema does not admit, instead of quietly using a default:
        ``page`` and ``page_size`` are given at most once, as whole numbers from 1 (``page_size``
        up to 1,000); ``page=last`` is DRF's name of the last page."""
        errors = {}
        for name, maximum in (
            (self.page_query_param, None),
            (self.page_size_query_param, self.max_page_size),
        ):
            values = request.query_params.getlist(name)
            if not values or (name == self.page_query_param and values == ["last"]):
                continue
            value = values[0]
            if len(values) > 1:
                errors[name] = [_("Give this parameter once.")]
            elif not (value.isascii() and value.isdigit()) or int(value) < 1:
                errors[name] = [_("A whole number from 1 is required.")]
            elif maximum is not None and int(value) > maximum:
                errors[name] = [
                    _("Ensure this value is less than or equal to %(limit_value)s.")
                    % {"limit_value": maximum}
                ]
        if errors:
            raise exceptions.ValidationError(errors)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


ACTION_FOR_METHOD = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class ObjectPermission(permissions.BasePermission):
    """The role permissions and write scopes of the UI (:mod:`openmis.core.permissions`)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method not in ACTION_FOR_METHOD:
            # TRACE and the like: 405 rather than a KeyError (500) before the view would say so.
            raise exceptions.MethodNotAllowed(request.method)
        object_type = getattr(view, "object_type", None)
        if object_type is None:
            return True
        if getattr(view, "action", None) == "import_file":
            allowed = perms.can_import(request.user, object_type)
            return allowed or self._refuse(object_type, "add")
        if getattr(view, "action", None) == "export_file":
            return perms.can(request.user, object_type, "view") or self._refuse(object_type, "view")
        action = ACTION_FOR_METHOD[request.method]
        return perms.can(request.user, object_type, action) or self._refuse(object_type, action)

    def has_object_permission(self, request, view, obj):
        object_type = getattr(view, "object_type", None)
        if object_type is None:
            return True
        action = ACTION_FOR_METHOD[request.method]
        allowed = perms.can(request.user, object_type, action, obj)
        return allowed or self._refuse(object_type, action, obj)

    def _refuse(self, object_type, action: str, obj=None) -> bool:
        """False, with the 403's ``detail`` naming the action in words (DRF reads
        ``message`` of the permission that refused; one instance serves one request)."""
        from openmis.core.views.access import refusal

        self.message = refusal(object_type, action, obj)
        return False
