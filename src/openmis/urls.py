"""Top-level URL configuration."""

from __future__ import annotations

from csp.decorators import csp_update
from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path, register_converter
from django.views.defaults import page_not_found, server_error
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from openmis.appraisal import urls as appraisal_urls
from openmis.appraisal.api import AppraiseView
from openmis.bi import api as bi_api
from openmis.bi import urls as bi_urls
from openmis.core.api.tokens import ApiTokenViewSet, TokenView
from openmis.core.notices_api import NoticeViewSet
from openmis.core.urls import api_patterns, app_urls, attachment_urls
from openmis.core.views import notices as notice_views
from openmis.core.views import pages
from openmis.core.views import tokens as token_views
from openmis.feedback import views as feedback_views
from openmis.feedback.api import TriageView
from openmis.governance import api_training as governance_training_api
from openmis.governance import urls as governance_urls
from openmis.governance.api import acknowledgements as governance_acknowledgements_api
from openmis.governance.api import compliance as governance_compliance_api
from openmis.governance.api import policies as governance_policies_api
from openmis.meetings import urls as meetings_urls
from openmis.meetings.api import AttendanceView, FollowUpView
from openmis.portfolio import views as portfolio_views
from openmis.portfolio.api import SystemStageView
from openmis.staffing import urls as staffing_urls


class SignedIntConverter:
    """An id path segment, negative too, as the API router's ``{id}`` admits: a path the schema
    publishes resolves for every integer it states, so its view answers (404 for no such
    object, 405 for a method the path does not have) rather than the URL resolver's 404."""

    regex = "-?[0-9]+"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(SignedIntConverter, "signed_int")  # published as {"type": "integer"}

urlpatterns = [
    path("", pages.home, name="home"),
    path("health/", pages.health, name="health"),
    path("search/", pages.search, name="search"),
    path("changelog/", pages.changelog, name="changelog"),
    path("accounts/api-tokens/", token_views.api_tokens, name="api_tokens"),
    path(
        "accounts/api-tokens/<int:pk>/revoke/",
        token_views.revoke_api_token,
        name="api_token_revoke",
    ),
    path("accounts/notifications/", notice_views.notices, name="notices"),
    path("accounts/notifications/<int:pk>/", notice_views.notice, name="notice"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    attachment_urls(),
    app_urls("org"),
    app_urls("appraisal", appraisal_urls.urlpatterns),
    app_urls("portfolio", portfolio_views.urlpatterns),
    app_urls("meetings", meetings_urls.urlpatterns),
    app_urls("feedback", feedback_views.urlpatterns),
    app_urls("governance", governance_urls.urlpatterns),
    app_urls("staffing", staffing_urls.urlpatterns),
    app_urls("bi", bi_urls.urlpatterns),
    path("api/auth/token/", TokenView.as_view(), name="api-token"),
    path(
        "api/auth/tokens/",
        ApiTokenViewSet.as_view({"get": "list"}),
        name="api-token-list",
    ),
    path(
        "api/auth/tokens/<signed_int:pk>/",
        ApiTokenViewSet.as_view({"delete": "destroy"}),
        name="api-token-detail",
    ),
    path("api/core/notices/", NoticeViewSet.as_view({"get": "list"}), name="api-notice-list"),
    path(
        "api/core/notices/<int:pk>/",
        NoticeViewSet.as_view({"get": "retrieve"}),
        name="api-notice-detail",
    ),
    path("api/appraisal/appraise/", AppraiseView.as_view(), name="api-appraise"),
    path(
        "api/portfolio/systems/<signed_int:pk>/stage/",
        SystemStageView.as_view(),
        name="api-portfolio-system-stage",
    ),
    path(
        "api/meetings/occurrences/<signed_int:pk>/attendance/",
        AttendanceView.as_view(),
        name="api-meetings-attendance",
    ),
    path(
        "api/feedback/feedback/<signed_int:pk>/triage/",
        TriageView.as_view(),
        name="api-feedback-triage",
    ),
    path(
        "api/meetings/occurrences/<signed_int:pk>/follow-up/",
        FollowUpView.as_view(),
        name="api-meetings-follow-up",
    ),
    path(
        "api/governance/policies/<signed_int:pk>/publish/",
        governance_policies_api.PublishView.as_view(),
        name="api-governance-policy-publish",
    ),
    *[
        path(
            f"api/governance/policy-versions/<signed_int:pk>/{name}/",
            governance_policies_api.VersionTransitionView.as_view(transition=name),
            name=f"api-governance-policy-version-{name}",
        )
        for name in ("submit", "approve", "reject", "retire")
    ],
    *[
        path(
            f"api/governance/acknowledgements/<signed_int:pk>/{name}/",
            governance_acknowledgements_api.AnswerView.as_view(answer=name),
            name=f"api-governance-acknowledgement-{name}",
        )
        for name in ("acknowledge", "decline")
    ],
    path(
        "api/governance/compliance/",
        governance_compliance_api.ComplianceView.as_view(),
        name="api-governance-compliance",
    ),
    path(
        "api/governance/enrolments/<signed_int:pk>/quiz/",
        governance_training_api.QuizView.as_view(),
        name="api-governance-enrolment-quiz",
    ),
    path(
        "api/governance/enrolments/<signed_int:pk>/attempt/",
        governance_training_api.AttemptView.as_view(),
        name="api-governance-enrolment-attempt",
    ),
    path("api/bi/query/", bi_api.QueryView.as_view(), name="api-bi-query"),
    path("api/bi/sql/", bi_api.SqlView.as_view(), name="api-bi-sql"),
    path("api/bi/values/", bi_api.ValuesView.as_view(), name="api-bi-values"),
    path(
        "api/bi/dashboards/<signed_int:pk>/layout/",
        bi_api.LayoutView.as_view(),
        name="api-bi-dashboard-layout",
    ),
    path(
        "api/bi/datasets/<signed_int:pk>/upload/", bi_api.UploadView.as_view(), name="api-bi-upload"
    ),
    path(
        "api/bi/datasets/<signed_int:pk>/profile/",
        bi_api.ProfileView.as_view(),
        name="api-bi-profile",
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's script comes from this same URL (?script), not inline; our page template
    # (templates/drf_spectacular/swagger_ui.html) has no inline <style> any more, but only this
    # page's policy allows inline styles, kept for those Swagger UI's bundle may write.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("api/", include(api_patterns())),
]


def handler404(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


def handler500(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    return server_error(request)
