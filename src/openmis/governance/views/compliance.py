"""Compliance pages: the overview (rates per department and the evidence form), the compliance
of a system, a department or a person with the drill-down to the people with gaps, the
evidence workbook as of a day, and the sections on the system, department and person pages."""

from __future__ import annotations

import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from openmis.core import registry
from openmis.core.exports import xlsx_row
from openmis.core.forms import style_widgets
from openmis.governance import compliance
from openmis.governance.acknowledgements import state_counts
from openmis.governance.models import Acknowledgement, Certificate, Enrolment, Policy
from openmis.governance.policies import manages
from openmis.governance.training import sees_all
from openmis.org.models import Department
from openmis.portfolio.models import System


class EvidenceForm(forms.Form):
    """What the evidence workbook is of: the day, and optionally a department, a system, a
    policy."""

    as_of = forms.DateField(
        label=gettext_lazy("As of"),
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Who had acknowledged what at the end of this day."),
        error_messages={"invalid": gettext_lazy("Enter a date as YYYY-MM-DD.")},
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"),
        queryset=Department.objects.order_by("name"),
        required=False,
        help_text=gettext_lazy("With its sub-departments."),
    )
    system = forms.ModelChoiceField(
        label=gettext_lazy("Users of the system"),
        queryset=System.objects.order_by("name"),
        required=False,
    )
    policy = forms.ModelChoiceField(
        label=gettext_lazy("Policy"), queryset=Policy.objects.none(), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy"].queryset = registry.get(Policy).for_user(user).order_by("title")
        self.fields["department"].queryset = registry.get(Department).for_user(
            user, Department.objects.order_by("name")
        )
        self.fields["system"].queryset = registry.get(System).for_user(
            user, System.objects.order_by("name")
        )
        style_widgets(self)

    def clean_as_of(self):
        day = self.cleaned_data["as_of"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The day cannot be in the future."), code="future")
        return day


def _columns():
    return [
        ("accepted", pgettext("acknowledgement dashboard", "Acknowledged")),
        ("declined", pgettext("acknowledgement dashboard", "Declined")),
        ("pending", pgettext("acknowledgement dashboard", "Pending")),
        ("overdue", pgettext("acknowledgement dashboard", "Overdue")),
        ("exempt", pgettext("acknowledgement dashboard", "Exempt")),
    ]


def _overview_rows(user, today):
    """Per department: acknowledgements of the open campaigns and training enrolments that
    ``user`` may read, with their rates (three queries whatever the number of people)."""
    acks = registry.get(Acknowledgement).for_user(
        user,
        Acknowledgement.objects.filter(
            campaign__closed_on__isnull=True,
            person__active=True,
            campaign__policy__in=registry.get(Policy).for_user(user).values("pk"),
        ),
    )
    counts = state_counts(acks, "person__department_id", today)
    valid = Certificate.objects.filter(enrolment=OuterRef("pk"), voided_on__isnull=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    training = {
        row["person__department_id"]: row
        for row in registry.get(Enrolment)
        .for_user(
            user,
            Enrolment.objects.filter(person__active=True).exclude(
                status=Enrolment.Status.CANCELLED
            ),
        )
        .annotate(has_valid=Exists(valid))
        .values("person__department_id")
        .annotate(assigned=Count("pk"), completed=Count("pk", filter=Q(has_valid=True)))
        .order_by()
    }
    names = dict(
        Department.objects.filter(pk__in=[d for d in {*counts, *training} if d]).values_list(
            "pk", "name"
        )
    )
    rows = []
    for dept in sorted({*counts, *training} - {None}, key=lambda d: names.get(d, "")):
        c = counts.get(dept, {})
        asked = c.get("accepted", 0) + c.get("declined", 0) + c.get("pending", 0)
        t = training.get(dept, {})
        rows.append(
            {
                "department_id": dept,
                "name": names.get(dept, ""),
                "asked": asked,
                "overdue": c.get("overdue", 0),
                "rate": c.get("accepted", 0) / asked if asked else None,
                "assigned": t.get("assigned", 0),
                "completion": t.get("completed", 0) / t["assigned"] if t.get("assigned") else None,
            }
        )
    return rows


@login_required
def overview(request):
    """Rates per department and the evidence form (the MIS office, department leaders)."""
    if not compliance.can_view_overview(request.user):
        raise PermissionDenied
    form = EvidenceForm(initial={"as_of": timezone.localdate()}, user=request.user)
    return _overview_page(request, form, status=200)


def _overview_page(request, form, status):
    context = {
        "rows": _overview_rows(request.user, timezone.localdate()),
        "form": form,
    }
    return TemplateResponse(request, "governance/compliance/overview.html", context, status=status)


SUBJECTS = compliance.SUBJECTS


def _int(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


@login_required
def subject_page(request, kind, pk):
    """The compliance of a system, department or person, with the people with gaps."""
    model = SUBJECTS[kind]
    obj = get_object_or_404(registry.get(model).for_user(request.user), pk=pk)
    subject = compliance.Subject(kind, obj)
    compliance.check(request.user, subject)
    drill = {
        "policy": _int(request.GET.get("policy")),
        "course": _int(request.GET.get("course")),
        "state": request.GET.get("state", ""),
    }
    result = compliance.figures(request.user, subject, **drill)
    evidence_form = None
    if kind != compliance.PERSON and compliance.can_view_overview(request.user):
        evidence_form = EvidenceForm(
            initial={"as_of": timezone.localdate(), kind: obj.pk}, user=request.user
        )
    context = {
        "subject": subject,
        "object": obj,
        "result": result,
        "totals": result.totals,
        "columns": _columns(),
        "drill": drill,
        "drilled": any(v not in (None, "") for v in drill.values()),
        "evidence_form": evidence_form,
        "evidence_kind": kind,
        "can_overview": compliance.can_view_overview(request.user),
    }
    return TemplateResponse(request, "governance/compliance/subject.html", context)


EVIDENCE_HEADERS = (
    gettext_lazy("Policy"),
    gettext_lazy("Version in force"),
    gettext_lazy("SHA-256 of the version in force"),
    gettext_lazy("Person"),
    gettext_lazy("Email"),
    gettext_lazy("Department"),
    gettext_lazy("Status"),
    gettext_lazy("Version acknowledged"),
    gettext_lazy("SHA-256 acknowledged"),
    gettext_lazy("Answered at"),
    gettext_lazy("Asked on"),
    gettext_lazy("Due date"),
)


def evidence_workbook(rows, as_of, filters) -> bytes:
    """The evidence as an XLSX workbook: one row per person and policy, typed cells (dates
    as dates, numbers as numbers, text never a formula), and a sheet saying what it is."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Evidence"))
    widths = (36, 10, 20, 26, 30, 22, 14, 10, 20, 18, 12, 12)
    for letter, width in zip("ABCDEFGHIJKL", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.append(xlsx_row(sheet, [str(h) for h in EVIDENCE_HEADERS]))
    for row in rows:
        ack, version = row.ack, row.version
        done = row.acknowledged
        sheet.append(
            xlsx_row(
                sheet,
                [
                    row.policy.title,
                    version.number,
                    version.sha256,
                    str(row.person),
                    row.person.email,
                    row.person.department.name if row.person.department_id else "",
                    str(row.state_label),
                    ack.acknowledged_number if done else None,
                    ack.acknowledged_sha256 if done else "",
                    ack.answered_at if row.state in ("acknowledged", "declined") else None,
                    ack.asked_on,
                    ack.due_date,
                ],
            )
        )
    about = book.create_sheet(_("About"))
    about.column_dimensions["A"].width = 20
    about.column_dimensions["B"].width = 60
    about.append(xlsx_row(about, [_("As of"), as_of]))
    about.append(xlsx_row(about, [_("Written at"), timezone.now()]))
    for label, value in filters:
        about.append(xlsx_row(about, [str(label), str(value)]))
    about.append(
        xlsx_row(
            about,
            [
                _("Note"),
                _(
                    "Answers given after the day count as pending; versions published after "
                    "it are left out; exceptions count when they applied that day."
                ),
            ],
        )
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@login_required
def evidence(request):
    """The evidence workbook as of a day (``?as_of=YYYY-MM-DD&department=&system=&policy=``);
    a bad day or choice shows the form again with its errors (400)."""
    if not compliance.can_view_overview(request.user):
        raise PermissionDenied
    form = EvidenceForm(request.GET, user=request.user)
    if not form.is_valid():
        return _overview_page(request, form, status=400)
    data = form.cleaned_data
    rows = compliance.evidence(
        request.user,
        data["as_of"],
        department=data["department"],
        system=data["system"],
        policy=data["policy"],
    )
    filters = [
        (form.fields[name].label, data[name])
        for name in ("department", "system", "policy")
        if data[name] is not None
    ]
    response = HttpResponse(
        evidence_workbook(rows, data["as_of"], filters),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"compliance-evidence-{data['as_of'].isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def subject_url(kind: str, pk: int, **query) -> str:
    url = reverse(f"governance:compliance_{kind}", args=[pk])
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


# ---------------------------------------------------------------- sections on other pages


def _panel(request, kind, obj) -> dict | None:
    subject = compliance.Subject(kind, obj)
    result = compliance.figures(request.user, subject, gaps=False)
    if not result.policies and not result.courses:
        return None
    return {
        "compliance_result": result,
        "compliance_totals": result.totals,
        "compliance_url": subject_url(kind, obj.pk),
    }


def system_panel(request, system) -> dict | None:
    return _panel(request, compliance.SYSTEM, system)


def department_panel(request, department) -> dict | None:
    return _panel(request, compliance.DEPARTMENT, department)


def person_panel(request, person) -> dict | None:
    if not compliance.can_view_person(request.user, person):
        return None
    return _panel(request, compliance.PERSON, person)


def panel_visibility(user) -> tuple:
    """What a compliance section depends on for ``user`` (the panels' ``vary``): the MIS
    office (who reads every acknowledgement and every training) shares one; anyone else
    reads their own rows, their reports' and maybe their departments', so is kept apart."""
    if manages(user) and sees_all(user):
        return ("compliance", "all")
    return ("compliance", "user", getattr(user, "pk", None))


urlpatterns = [
    path("compliance/", overview, name="compliance"),
    path("compliance/evidence.xlsx", evidence, name="compliance_evidence"),
    *[
        path(
            f"compliance/{segment}/<int:pk>/",
            subject_page,
            {"kind": kind},
            name=f"compliance_{kind}",
        )
        for segment, kind in (
            ("systems", compliance.SYSTEM),
            ("departments", compliance.DEPARTMENT),
            ("people", compliance.PERSON),
        )
    ],
]
