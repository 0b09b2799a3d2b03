"""URLs of the BI app's own pages (its registered types get theirs from core)."""

from django.urls import path

from openmis.bi.views import builder, dashboards, datasets, questions, shares, sql

urlpatterns = [
    path("ask/", builder.builder, name="builder"),
    path("sql/", sql.sql_editor, name="sql"),
    path("sql/export.<str:fmt>", sql.sql_export, name="sql_export"),
    path("shared/", shares.shared_with_me, name="shared"),
    path("datasets/<int:pk>/upload/", datasets.upload, name="upload"),
    path("datasets/<int:pk>/refresh/", datasets.refresh_external, name="refresh_external"),
    path("datasets/<int:pk>/upload/<str:token>/", datasets.upload_preview, name="upload_preview"),
    path("imports/<int:pk>/progress/", datasets.import_progress, name="import_progress"),
    path("questions/<int:pk>/export.<str:fmt>", questions.question_export, name="question_export"),
    path("questions/<int:pk>/drill/", questions.question_drill, name="question_drill"),
    path(
        "questions/<int:pk>/add-to-dashboard/",
        questions.add_to_dashboard,
        name="question_add_to_dashboard",
    ),
    path("cards/<int:pk>/render/", dashboards.card_render, name="card_render"),
    path("cards/<int:pk>/step/", dashboards.card_step, name="card_step"),
    path("dashboards/<int:pk>/pdf/", dashboards.dashboard_pdf, name="dashboard_pdf"),
    path("share/<str:kind>/<int:pk>/", shares.share, name="share"),
    path("subscriptions/overview/", shares.subscriptions_overview, name="subscriptions_overview"),
]
