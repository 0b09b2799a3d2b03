"""Pages of acknowledgements: the person asked reads the policy text and acknowledges or
declines it; a campaign's dashboard per department with its drill-down to people; the
"My acknowledgements" tile of the cockpit."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from openmis.core import caching, registry
from openmis.core.markdown import render_markdown
from openmis.governance import acknowledgements
from openmis.governance.models import Acknowledgement
from openmis.org.people import person_of


class DeclineForm(forms.Form):
    """Why the person declines."""

    reason = forms.CharField(
        label=gettext_lazy("Reason for declining"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


@login_required
def answer(request, pk):
    """The policy text the person was asked to acknowledge, with "Acknowledge" and "Decline"
    (with a reason). Only the person asked answers; others who may read the row see it."""
    ack = get_object_or_404(
        registry.get(Acknowledgement)
        .for_user(request.user)
        .select_related("campaign__policy_version", "campaign__policy", "person"),
        pk=pk,
    )
    person = person_of(request.user)
    mine = person is not None and person.pk == ack.person_id
    form = DeclineForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not mine:
            raise PermissionDenied
        try:
            if request.POST.get("answer") == "decline":
                form.is_valid()
                acknowledgements.decline(ack, request.user, form.cleaned_data.get("reason", ""))
                messages.success(request, _("Your answer is recorded: declined."))
            else:
                acknowledgements.acknowledge(ack, request.user)
                messages.success(request, _("Thank you: your acknowledgement is recorded."))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc)
            status = 400
        else:
            return redirect("governance:acknowledgement_answer", pk=ack.pk)
        ack.refresh_from_db()
    version = ack.campaign.policy_version
    context = {
        **_courses_of(request, ack.campaign.policy),
        "ack": ack,
        "version": version,
        "policy": ack.campaign.policy,
        "text_html": render_markdown(version.text),
        "mine": mine,
        "current": version.state == version.State.PUBLISHED and ack.campaign.is_open,
        "overdue": ack.overdue_on(timezone.localdate()),
        "form": form,
    }
    return TemplateResponse(
        request, "governance/acknowledgements/answer.html", context, status=status
    )


def _courses_of(request, policy) -> dict:
    """The courses teaching ``policy``, for the page where it is read and acknowledged (as on
    the policy's page): the way from the policy to its training and quiz."""
    from openmis.governance.views import assignments

    if not assignments.can_view_courses(request.user):
        return {}
    return {"show_courses": True, **assignments.policy_courses(request, policy)}


def acknowledgement_context(ack, request) -> dict:
    """An acknowledgement's generic page: the link to read and answer it."""
    person = person_of(request.user)
    return {"mine": person is not None and person.pk == ack.person_id}


def _dashboard(campaign, user) -> dict:
    """The campaign's :func:`~openmis.governance.acknowledgements.dashboard` with its table's
    rows rendered (``rows_html``), kept in the shared cache until an acknowledgement, a
    campaign, a person or a role changes: the page is read far more often than people answer,
    and with a row per department the rows cost more to render than the rest of the page."""
    today = timezone.localdate()

    from openmis.governance.compliance import can_view_overview

    def build() -> dict:
        board = acknowledgements.dashboard(campaign, user, today)
        board["rows_html"] = render_to_string(
            "governance/_campaign_rows.html",
            # the key is per reader outside the MIS office, so the link follows the reader
            {"dashboard": board, "can_see_compliance": can_view_overview(user)},
        )
        return board

    return caching.get_or_set(
        acknowledgements.dashboard_key(campaign, user, today),
        build,
        depends_on=acknowledgements.DASHBOARD_DEPENDS_ON,
    )


def campaign_context(campaign, request) -> dict:
    """A campaign's page: counts per department and, with ``?department=`` and ``?state=``,
    the people behind one count."""

    context = {
        "dashboard": _dashboard(campaign, request.user),
        "columns": [
            ("accepted", pgettext("acknowledgement dashboard", "Acknowledged")),
            ("declined", pgettext("acknowledgement dashboard", "Declined")),
            ("pending", pgettext("acknowledgement dashboard", "Pending")),
            ("overdue", pgettext("acknowledgement dashboard", "Overdue")),
            ("exempt", pgettext("acknowledgement dashboard", "Exempt")),
        ],
    }
    department = request.GET.get("department")
    state = request.GET.get("state", "")
    if department is not None or state:
        try:
            department = int(department) if department not in (None, "") else None
        except ValueError:
            department = None
        context["drill"] = acknowledgements.drill_down(campaign, request.user, department, state)
        context["drill_state"] = state
    return context


def campaign_page_varies(campaign, user) -> tuple:
    """What a campaign's kept page depends on for ``user`` besides the data, the day and the
    language (see ``ObjectType.page_cache``): the rows of the dashboard they may read (as
    :func:`_dashboard` keeps them) and whether its rows link to the compliance pages. With
    a query string (a drill-down) the page is rendered for every request."""
    from openmis.governance.compliance import can_view_overview

    return (
        *acknowledgements.dashboard_key(campaign, user, timezone.localdate()),
        can_view_overview(user),
    )


def my_acknowledgements(request) -> dict | None:
    """The "My acknowledgements" tile: what the logged-in person must acknowledge (hidden when
    nothing)."""
    person = person_of(request.user)
    if person is None:
        return None
    rows = acknowledgements.my_pending(person)
    if not rows:
        return None
    today = timezone.localdate()
    return {"rows": [(a, a.overdue_on(today)) for a in rows]}


def policy_campaigns(request, policy) -> dict | None:
    """The policy page's section of its acknowledgement campaigns, newest first, each linked
    to its dashboard (hidden before the first one)."""
    campaigns = list(policy.campaigns.select_related("policy_version", "audience")[:20])
    if not campaigns:
        return None
    return {"policy_campaigns": campaigns}
