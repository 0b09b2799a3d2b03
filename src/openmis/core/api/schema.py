"""What drf-spectacular needs beyond the views: the hooks of ``SPECTACULAR_SETTINGS`` and the
extension naming the token authentication.

Imported with the API's views (:mod:`openmis.core.api.tokens`) and by the hooks' settings, so
only when the URLs are loaded or the schema is generated: drf-spectacular's extensions import
DRF's serializers, which starting Django need not load.
"""

from __future__ import annotations

import re

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme


class ApiTokenScheme(KnoxTokenScheme):
    """drf-spectacular: the token scheme under the name the schema has always used."""

    target_class = "openmis.core.tokens.ApiTokenAuthentication"
    name = "tokenAuth"


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


# What Django's URLValidator accepts, as far as a client needs to know: http(s) or ftp(s), a
# host name with a top-level domain (or localhost), an optional port, path and query.
URL_PATTERN = (
    r"^(https?|ftps?)://(localhost|([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})"
    r"(:[0-9]{1,5})?([/?#][!-~]*)?$"
)

# drf-spectacular's pattern of a decimal sent as text admits "", "-" and ".", which are no number.
_DECIMAL_PATTERN = re.compile(r"\^-\?\\d\{0,(\d+)\}\(\?:\\\.\\d\{0,(\d+)\}\)\?\$")


def local_times(result, generator, request, public):
    """drf-spectacular hook: times of day and decimals as the API reads and writes them.

    OpenAPI's ``format: time`` is RFC 3339's ``full-time``, which needs an offset
    ("10:00:00+01:00"). A meeting's start time is the time in the series' own time zone, whose
    offset changes with daylight saving time, so an offset would be wrong half of the year:
    the API reads and writes "10:00:00", and the schema says so with a pattern.

    A decimal is text with at least one digit: "12", "12.5", ".5". A URL is a web or FTP
    address (:data:`URL_PATTERN`).
    """

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "string" and node.get("format") == "uri":
                # JSON Schema's uri admits any scheme ("mailto:x", "staffing:matrix"); a URL
                # field takes a web or FTP address with a host name (Django's URLValidator)
                node.setdefault("pattern", URL_PATTERN)
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
