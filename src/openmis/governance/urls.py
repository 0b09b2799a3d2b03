"""The governance app's own pages, beside the generic ones of its registered types."""

from django.urls import path

from openmis.governance.views import policies

urlpatterns = [
    *[
        path(
            f"policy-versions/<int:pk>/{name}/",
            policies.transition,
            {"name": name},
            name=f"policy_version_{name}",
        )
        for name in ("submit", "approve", "reject", "retire")
    ],
    path("policies/<int:pk>/publish/", policies.publish, name="policy_publish"),
    path("policies/<int:pk>/new-draft/", policies.new_draft, name="policy_new_draft"),
    path("policies/<int:pk>/reviewed/", policies.mark_reviewed, name="policy_reviewed"),
    path("policies/<int:pk>/diff/", policies.diff, name="policy_diff"),
    path("policies/review-due/", policies.review_due, name="policy_review_due"),
]
