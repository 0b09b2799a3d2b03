"""Documents of an evaluation: the decision memo (PDF), the whole model (XLSX), and the form
that records the decision.

The memo and the workbook show the figures of the evaluation page (the same cached
:func:`~openmis.appraisal.views.evaluation_context`), so a printed memo never disagrees with
the screen.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openmis.appraisal.formatting import filename_text
from openmis.appraisal.models import CashFlowLine, Decision, Evaluation
from openmis.appraisal.views import evaluation_context
from openmis.core import permissions, registry
from openmis.core.forms import style_widgets
from openmis.core.services import ConflictError, save_object
from openmis.core.views.generic import ObjectView
from openmis.core.widgets import PickerSelect
from openmis.meetings.models import Occurrence
from openmis.org.models import Person
from openmis.org.people import person_of
from openmis.portfolio.models import DeploymentProject, System

MEETINGS_BACK = timedelta(days=60)
MEETINGS_AHEAD = timedelta(days=7)
PROJECT_LENGTH = timedelta(days=180)


class EvaluationView(ObjectView):
    """A page or document of one evaluation; needs permission to view it."""

    @property
    def object_type(self):
        return registry.get(Evaluation)

    def evaluation(self, pk) -> Evaluation:
        evaluation = self.get_object(pk)
        self.require("view", evaluation)
        return evaluation

    def figures(self, evaluation: Evaluation) -> dict:
        """The page's results (cached per language until the data they read changes)."""
        return evaluation_context(evaluation, self.request)


class MemoView(EvaluationView):
    """``memo.pdf``: the decision memo, one click from the evaluation page."""

    def get(self, request, pk):
        from openmis.appraisal.memo import render_memo  # fpdf2, Pillow: loaded when asked for

        evaluation = self.evaluation(pk)
        content = render_memo(evaluation, self.figures(evaluation))
        response = HttpResponse(content, content_type="application/pdf")
        name = filename_text(evaluation, "memo", "pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class WorkbookView(EvaluationView):
    """``workbook.xlsx``: inputs and results of the evaluation for a spreadsheet."""

    def get(self, request, pk):
        from openmis.appraisal.workbook import render_workbook  # openpyxl: loaded when asked for

        evaluation = self.evaluation(pk)
        content = render_workbook(evaluation, self.figures(evaluation))
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = filename_text(evaluation, "model", "xlsx")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


# --------------------------------------------------------------------------- decision


class DecisionForm(forms.ModelForm):
    """Which alternative of the evaluation was chosen, by whom, when, why and in which meeting;
    optionally, the deployment project to create for it."""

    required_css_class = "required"

    create_project = forms.BooleanField(
        label=gettext_lazy("Create a deployment project for the chosen alternative"),
        required=False,
    )
    project_system = forms.ModelChoiceField(
        label=gettext_lazy("System of the deployment project"),
        queryset=System.objects.none(),
        required=False,
        help_text=gettext_lazy("One of the systems the evaluation would replace or affect."),
    )

    class Meta:
        model = Decision
        fields = ["chosen", "decided_by", "decided_on", "rationale", "meeting"]
        widgets = {
            "decided_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "rationale": forms.Textarea(attrs={"rows": 5}),
            # the search offers whom the field accepts: active people
            "decided_by": PickerSelect(search_params={"active": "true"}),
        }

    def __init__(self, *args, evaluation: Evaluation, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.evaluation, self.user = evaluation, user
        self.fields["chosen"].queryset = evaluation.alternatives.all()
        self.fields["chosen"].empty_label = None
        self.fields["chosen"].label_from_instance = lambda alternative: alternative.name
        # The model's default date is a callable; no need to send it back as hidden initial.
        self.fields["decided_on"].show_hidden_initial = False
        people = Q(active=True)
        if self.instance.decided_by_id:
            people |= Q(pk=self.instance.decided_by_id)
        self.fields["decided_by"].queryset = Person.objects.filter(people)
        now = timezone.now()
        meetings = Q(start__gte=now - MEETINGS_BACK, start__lte=now + MEETINGS_AHEAD)
        if self.instance.meeting_id:
            meetings |= Q(pk=self.instance.meeting_id)
        self.fields["meeting"].queryset = (
            Occurrence.objects.filter(meetings).select_related("series").order_by("-start")
        )
        if self.instance.project_id:
            # The project exists already: it is never created twice.
            del self.fields["create_project"], self.fields["project_system"]
        else:
            self.fields["project_system"].queryset = evaluation.systems.order_by("name")
        style_widgets(self)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("create_project"):
            return cleaned
        if not cleaned.get("project_system"):
            self.add_error(
                "project_system", _("Choose the system that the deployment project deploys.")
            )
            return cleaned
        if not cleaned.get("chosen"):
            return cleaned
        project = self.project()
        if not permissions.can(self.user, registry.get(DeploymentProject), "add", project):
            self.add_error(
                "create_project",
                _("Your role does not allow you to %(action)s %(objects)s.")
                % {"action": _("add"), "objects": DeploymentProject._meta.verbose_name_plural},
            )
            return cleaned
        try:
            project.full_clean()
        except ValidationError as error:
            for message in error.messages:
                self.add_error("create_project", message)
        return cleaned

    def project(self) -> DeploymentProject:
        """The (unsaved) deployment project of the chosen alternative."""
        chosen = self.cleaned_data["chosen"]
        outflows = sum(
            line.amount
            for line in CashFlowLine.objects.filter(
                alternative=chosen, year__in=(0, 1), amount__lt=0
            )
        )
        today = timezone.localdate()
        name = f"{self.evaluation.title} — {chosen.name}"
        return DeploymentProject(
            name=name[: DeploymentProject._meta.get_field("name").max_length],
            system=self.cleaned_data["project_system"],
            budget=-outflows + 0,
            currency=self.evaluation.currency,
            start_date=today,
            planned_go_live=today + PROJECT_LENGTH,
        )


class DecideView(EvaluationView):
    """Record (or change) the decision on an evaluation; the evaluation becomes "decided"."""

    def prepare(self, pk):
        """The evaluation, its decision (a new one if none) and the action, or 403."""
        evaluation = self.evaluation(pk)
        decision = Decision.objects.filter(evaluation=evaluation).first()
        action = "change" if decision else "add"
        decision = decision or Decision(evaluation=evaluation)
        if not permissions.can(self.request.user, registry.get(Decision), action, decision):
            raise PermissionDenied(
                _("Your role does not allow you to %(action)s %(objects)s.")
                % {"action": _(action), "objects": Decision._meta.verbose_name_plural}
            )
        return evaluation, decision

    def render(self, evaluation, decision, form, status=200, conflict=None):
        context = self.context(
            object=evaluation,
            decision=decision if decision.pk else None,
            form=form,
            conflict=conflict,
            recommendation=self.figures(evaluation)["recommendation"],
        )
        return TemplateResponse(self.request, "appraisal/decide.html", context, status=status)

    def get(self, request, pk):
        evaluation, decision = self.prepare(pk)
        initial = {}
        if not decision.pk:
            recommendation = self.figures(evaluation)["recommendation"]
            if recommendation:
                initial["chosen"] = (
                    evaluation.alternatives.filter(name=recommendation["name"])
                    .values_list("pk", flat=True)
                    .first()
                )
            initial["decided_by"] = getattr(person_of(request.user), "pk", None)
            initial["decided_on"] = timezone.localdate()
        form = DecisionForm(
            instance=decision, initial=initial, evaluation=evaluation, user=request.user
        )
        return self.render(evaluation, decision, form)

    def post(self, request, pk):
        evaluation, decision = self.prepare(pk)
        existing = decision.pk is not None
        form = DecisionForm(
            request.POST, instance=decision, evaluation=evaluation, user=request.user
        )
        if not form.is_valid():
            return self.render(evaluation, decision, form, status=400)
        expected = None
        if existing:
            try:
                expected = int(request.POST["version"])
            except (KeyError, ValueError):
                form.add_error(None, _("The form is missing its version; reload the page."))
                return self.render(evaluation, decision, form, status=400)
        project = None
        try:
            with transaction.atomic():
                save_object(form.instance, request.user, expected)
                locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
                if locked.status != Evaluation.Status.DECIDED:
                    locked.status = Evaluation.Status.DECIDED
                    save_object(locked, request.user)
                if form.cleaned_data.get("create_project"):
                    project = self.create_project(form)
        except ConflictError as exc:
            fresh = Decision.objects.filter(pk=decision.pk).first() or decision
            return self.render(evaluation, fresh, form, status=409, conflict=exc.message)
        except IntegrityError:
            # Two first decisions sent at once: the one-to-one key lets only one in.
            fresh = Decision.objects.filter(evaluation=evaluation).first() or decision
            conflict = _("Someone else recorded a decision meanwhile; reload the page.")
            return self.render(evaluation, fresh, form, status=409, conflict=conflict)
        messages.success(
            request, _("Recorded the decision on %(object)s.") % {"object": evaluation}
        )
        if project is not None:
            messages.success(
                request,
                format_html(
                    _("Created the deployment project {}."),
                    format_html(
                        '<a href="{}">{}</a>',
                        registry.get(DeploymentProject).url("detail", project),
                        project,
                    ),
                ),
            )
        return redirect(self.object_type.url("detail", evaluation))

    def create_project(self, form) -> DeploymentProject | None:
        """The deployment project of the decision, created once (inside the save's transaction);
        None if the decision has one already."""
        decision = Decision.objects.select_for_update().get(pk=form.instance.pk)
        if decision.project_id:
            return None
        project = save_object(form.project(), self.request.user)
        decision.project = project
        save_object(decision, self.request.user)
        form.instance.project = project
        return project


urlpatterns = [
    path("evaluations/<int:pk>/memo.pdf", MemoView.as_view(), name="memo"),
    path("evaluations/<int:pk>/workbook.xlsx", WorkbookView.as_view(), name="workbook"),
    path("evaluations/<int:pk>/decide/", DecideView.as_view(), name="decide"),
]
