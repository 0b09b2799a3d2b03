"""URL patterns generated from the registry, for the UI and the API."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from openmis.core import registry
from openmis.core.api.viewsets import viewset_for
from openmis.core.views import generic


def ui_patterns(app_label: str, extra=()):
    """``(patterns, app_namespace)`` of every registered type of ``app_label``, after the
    app's own ``extra`` patterns."""
    patterns = list(extra)
    for ot in registry.all_types():
        if ot.app_label != app_label:
            continue
        m = ot.model_name
        kw = {"object_type": ot}
        patterns += [
            path(f"{ot.slug}/", generic.ObjectListView.as_view(**kw), name=f"{m}_list"),
            path(f"{ot.slug}/add/", generic.ObjectEditView.as_view(**kw), name=f"{m}_add"),
            path(f"{ot.slug}/import/", generic.ObjectImportView.as_view(**kw), name=f"{m}_import"),
            path(f"{ot.slug}/export/", generic.ObjectExportView.as_view(**kw), name=f"{m}_export"),
            path(
                f"{ot.slug}/<int:pk>/", generic.ObjectDetailView.as_view(**kw), name=f"{m}_detail"
            ),
            path(
                f"{ot.slug}/<int:pk>/edit/", generic.ObjectEditView.as_view(**kw), name=f"{m}_edit"
            ),
            path(
                f"{ot.slug}/<int:pk>/delete/",
                generic.ObjectDeleteView.as_view(**kw),
                name=f"{m}_delete",
            ),
        ]
    return patterns, app_label


def attachment_urls():
    """The pages of attached files, under ``attachments/`` (namespace ``attachments``)."""
    from openmis.core.views import attachments

    patterns = [
        path("<str:label>/<int:object_id>/", attachments.section, name="section"),
        path("<int:pk>/download/", attachments.download, name="download"),
        path("<int:pk>/remove/", attachments.remove, name="remove"),
    ]
    return path("attachments/", include((patterns, "attachments"), namespace="attachments"))


def attachment_api_patterns():
    """``/api/core/attachments/``: the files of any object that takes them."""
    from openmis.core import attachments_api as api

    return [
        path("core/attachments/", api.AttachmentListView.as_view(), name="api-attachments"),
        path(
            "core/attachments/<int:pk>/",
            api.AttachmentDetailView.as_view(),
            name="api-attachment",
        ),
        path(
            "core/attachments/<int:pk>/download/",
            api.AttachmentDownloadView.as_view(),
            name="api-attachment-download",
        ),
    ]


def api_patterns():
    """The API router of every registered type: ``/api/<app>/<plural>/``, and the attached
    files of any of them."""
    router = DefaultRouter(trailing_slash=True)
    router.include_root_view = False
    for ot in registry.all_types():
        router.register(
            f"{ot.app_label}/{ot.slug}", viewset_for(ot), basename=ot.label.replace(".", "-")
        )
    return [*attachment_api_patterns(), *router.urls]


def app_urls(app_label: str, extra=()):
    """The URLs of an app's registered types (and its own ``extra`` ones) under ``<app>/``."""
    return path(f"{app_label}/", include(ui_patterns(app_label, extra), namespace=app_label))
