"""Generic views of registered objects: list, detail, create/edit, delete, import, export.

Each view receives its :class:`~openmis.core.registry.ObjectType` from the URL configuration,
so a model gets all of them from its registry declaration alone.

The package is split by subject, as NetBox splits its ``views/generic``: :mod:`.base` (the
base view and the filtered rows), :mod:`.listing` (list and export), :mod:`.detail` (the
detail page and its cached fragments), :mod:`.editing` (create, edit, delete) and
:mod:`.importing` (import). URL configurations and apps use the names below.
"""

from openmis.core.views.generic.base import ObjectView, filtered_queryset
from openmis.core.views.generic.detail import (
    CSRF_INPUT,
    CSRF_MARK,
    DETAIL_CACHE_SECONDS,
    DETAIL_FRAGMENTS,
    PAGE_REGIONS,
    ObjectDetailView,
    detail_fragments,
    history,
    page_regions,
)
from openmis.core.views.generic.editing import ObjectDeleteView, ObjectEditView
from openmis.core.views.generic.importing import ObjectImportView
from openmis.core.views.generic.listing import (
    LIST_CACHE_SECONDS,
    MAX_PER_PAGE,
    PER_PAGE,
    ObjectExportView,
    ObjectListView,
)

__all__ = [
    "CSRF_INPUT",
    "CSRF_MARK",
    "DETAIL_CACHE_SECONDS",
    "DETAIL_FRAGMENTS",
    "LIST_CACHE_SECONDS",
    "MAX_PER_PAGE",
    "PAGE_REGIONS",
    "PER_PAGE",
    "ObjectDeleteView",
    "ObjectDetailView",
    "ObjectEditView",
    "ObjectExportView",
    "ObjectImportView",
    "ObjectListView",
    "ObjectView",
    "detail_fragments",
    "filtered_queryset",
    "history",
    "page_regions",
]
