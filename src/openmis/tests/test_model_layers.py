"""The app stack holds for the database too: no model of an app points to a model of an app
above it (or beside it), by a foreign key, a one-to-one or a many-to-many (its through model
included). lint-imports cannot see such a key when the model is named by its label
(``"feedback.Improvement"``); this walks the relation fields of the loaded models instead, with
the layers read from the import contract in pyproject.toml, so the two cannot drift apart."""

# ruff: noqa: DJ008  (throw-away models of the guard's own test need no __str__)

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from openmis.feedback.models import Improvement

PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"

#: Relations from a lower app to a higher one that are there on purpose: ``(model label,
#: field name) -> reason``. Empty: every relation follows the stack.
ALLOWED: dict[tuple[str, str], str] = {}


def layers() -> dict[str, int]:
    """Each app's package (``openmis.meetings``) -> its layer, 0 the top; apps on one layer
    (``portfolio | bi``) are independent of each other."""
    config = tomllib.loads(PYPROJECT.read_text())
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "layers")
    return {
        name.strip(): level
        for level, layer in enumerate(contract["layers"])
        for name in layer.split("|")
    }


def app_package(model) -> str:
    """The OpenMIS app package of ``model`` (``openmis.meetings``), or "" for another's."""
    name = model._meta.app_config.name
    parts = name.split(".")
    return ".".join(parts[:2]) if parts[0] == "openmis" else ""


def upward_relations(model_list, stack: dict[str, int]) -> list[str]:
    """The relation fields of ``model_list`` that point to a model of a higher app, or of an
    independent app on the same layer, as ``"label.field -> label"``."""
    found = []
    for model in model_list:
        own = app_package(model)
        if not own:
            continue
        for field in model._meta.get_fields(include_hidden=True):
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue  # reverse accessors are the other side's own fields
            target = field.related_model
            if isinstance(target, str):  # an unresolved lazy reference
                target = apps.get_model(target)
            other = app_package(target)
            if not other or other == own:
                continue
            if (model._meta.label, field.name) in ALLOWED:
                continue
            if stack[other] <= stack[own]:
                found.append(f"{model._meta.label}.{field.name} -> {target._meta.label}")
    return found


def test_every_openmis_app_has_its_layer():
    stack = layers()
    missing = {app_package(m) for m in apps.get_models()} - set(stack) - {""}
    assert missing == set()


def test_no_model_points_to_a_model_of_an_app_above_it():
    for (label, name), reason in ALLOWED.items():  # an entry names a real field, with a reason
        assert apps.get_model(label)._meta.get_field(name) is not None
        assert reason.strip() != ""
    # auto-created through models of many-to-many fields are included
    assert upward_relations(apps.get_models(include_auto_created=True), layers()) == []


@pytest.mark.parametrize(
    "kind", ["foreign key", "one-to-one", "many-to-many", "through model", "sibling"]
)
@isolate_apps("openmis.meetings", "openmis.portfolio", "openmis.bi")
def test_the_guard_finds_an_upward_key_whichever_its_kind(kind):
    """Given a meetings model pointing up to feedback (the shape of the agenda point's
    improvement that this guard was written for), the guard names it."""
    if kind == "foreign key":

        class Point(models.Model):
            improvement = models.ForeignKey(Improvement, on_delete=models.CASCADE)

            class Meta:
                app_label = "meetings"

        checked, expected = [Point], "meetings.Point.improvement -> feedback.Improvement"
    elif kind == "one-to-one":

        class Point(models.Model):
            improvement = models.OneToOneField(Improvement, on_delete=models.CASCADE)

            class Meta:
                app_label = "meetings"

        checked, expected = [Point], "meetings.Point.improvement -> feedback.Improvement"
    elif kind == "many-to-many":

        class Point(models.Model):
            improvements = models.ManyToManyField(Improvement)

            class Meta:
                app_label = "meetings"

        checked, expected = [Point], "meetings.Point.improvements -> feedback.Improvement"
    elif kind == "through model":

        class Point(models.Model):
            class Meta:
                app_label = "meetings"

        class PointImprovement(models.Model):
            point = models.ForeignKey(Point, on_delete=models.CASCADE)
            improvement = models.ForeignKey(Improvement, on_delete=models.CASCADE)

            class Meta:
                app_label = "meetings"

        checked = [Point, PointImprovement]
        expected = "meetings.PointImprovement.improvement -> feedback.Improvement"
    else:

        class Dataset(models.Model):
            class Meta:
                app_label = "bi"

        class Report(models.Model):
            dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE)

            class Meta:
                app_label = "portfolio"

        checked, expected = [Dataset, Report], "portfolio.Report.dataset -> bi.Dataset"
    assert upward_relations(checked, layers()) == [expected]
