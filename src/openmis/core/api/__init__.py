"""The REST API of registered objects, generated from the registry (DRF + drf-spectacular).

By subject:

- :mod:`.serializers`  the base of every object serializer, the generated ones, imports'
- :mod:`.viewsets`     the viewset of every registered type (CRUD, import, export)
- :mod:`.tokens`       the token endpoint and the caller's own tokens
- :mod:`.schema`       drf-spectacular's hooks and the token scheme

Nothing is imported with the package: the registries of the apps are imported by
``django.setup()`` and DRF's serializers are not needed to start. ``from openmis.core.api
import ObjectSerializer`` still works, importing the module that defines it (PEP 562).
"""

from __future__ import annotations

from importlib import import_module

#: The module defining each public name.
_WHERE = {
    **dict.fromkeys(
        [
            "ImportErrorSerializer",
            "ImportRequestSerializer",
            "ImportResultSerializer",
            "ObjectSerializer",
            "TextField",
            "serializer_for",
        ],
        "openmis.core.api.serializers",
    ),
    **dict.fromkeys(
        ["CSVRenderer", "ObjectViewSet", "XLSXRenderer", "viewset_for"],
        "openmis.core.api.viewsets",
    ),
    **dict.fromkeys(
        [
            "ApiTokenSerializer",
            "ApiTokenViewSet",
            "TokenRequestSerializer",
            "TokenResponseSerializer",
            "TokenView",
        ],
        "openmis.core.api.tokens",
    ),
    **dict.fromkeys(
        [
            "LOCAL_TIME_PATTERN",
            "ApiTokenScheme",
            "add_error_responses",
            "empty_filters",
            "local_times",
        ],
        "openmis.core.api.schema",
    ),
    "ACTION_FOR_METHOD": "openmis.core.drf",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
