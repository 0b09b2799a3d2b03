"""The change history reads as words on every registered type, in English and Polish: field
labels, choice labels and the names of related objects; no ``None``/``True``/``False``, no raw
JSON, no internal field and no ``app.Model.None`` of a reverse relation.

Like the generic object tests, it walks every registered type with the sample each app
declares (``tests/samples.py``): a new model is covered as soon as it has a sample.
"""

import html
import re

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openmis.conftest import logged_in
from openmis.core import history, registry
from openmis.core.services import save_object
from openmis.core.tests.samples import all_samples
from openmis.org.tests.factories import DepartmentFactory, PersonFactory

TYPES = [ot.label for ot in registry.all_types()]
HISTORY = re.compile(
    r'id="history".*?(<ol class="list-unstyled history">.*?</ol>|<p class="text-muted">.*?</p>)',
    re.S,
)
# Words that are code, not language: a Python value, raw JSON, a reverse relation's manager.
CODE = re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|\{\}|\[\]|\b[a-z_]+\.[A-Z][A-Za-z]+\.None\b")


def visible_text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def history_text(client, url: str, language: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    found = HISTORY.search(response.content.decode())
    assert found, f"no change history on {url}"
    return visible_text(found.group(1))


def internal_labels(model) -> set[str]:
    """Labels and names of the fields a history must not show."""
    hidden = {"ID", "id", "version", "materialised version", "materialised on", "profile"}
    for f in model._meta.get_fields():
        if not getattr(f, "concrete", False):
            hidden.add(f.name)  # a reverse relation, recorded by the library under its name
        elif history.is_internal(f):
            hidden.update({f.name, str(f.verbose_name)})
    return hidden


@pytest.mark.django_db
@pytest.mark.parametrize("label", TYPES)
def test_history_of_every_type_reads_as_words(label, director):
    # Given an object of the type, created and then changed by a user
    ot = registry.get(label)
    sample = all_samples()[label]
    obj = sample["make"](DepartmentFactory(name="Home"))
    field, value = sample["change"]
    setattr(obj, field, value)
    save_object(obj, director, obj.version)
    assert LogEntry.objects.get_for_object(obj).count() >= 1
    client = logged_in(director)
    for language in ("en", "pl"):
        # When the history of its page is read in the language
        text = history_text(client, ot.url("detail", obj), language)
        # Then it is words: no code, no internal field, no reverse relation
        assert not CODE.search(text), f"{label} ({language}): {CODE.search(text)[0]!r} in {text}"
        for name in internal_labels(ot.model):
            # (a whole label on its line: "Course version:" is a label of its own)
            assert not re.search(rf"^\s*{re.escape(name)}\s*:", text, re.I | re.M), (
                f"{label} ({language}): internal field {name!r} in {text}"
            )


@pytest.mark.django_db
def test_history_names_related_objects_and_choices_in_the_readers_language(director):
    from openmis.portfolio.models import System
    from openmis.portfolio.tests.factories import SystemFactory

    # Given a system whose owner and criticality were changed
    system = SystemFactory(name="Payroll")
    system.business_owner = DepartmentFactory(name="Nowak's office")
    system.criticality = System.Criticality.HIGH
    save_object(system, director, system.version)
    client = logged_in(director)
    url = registry.get(System).url("detail", system)
    # When the history is read in English and in Polish
    english = history_text(client, url, "en")
    polish = history_text(client, url, "pl")
    # Then the owner is named, and the fields carry their labels in each language
    assert "Nowak's office" in english and "Nowak's office" in polish
    assert "Business owner" in english and "High" in english
    assert "Business owner" not in polish and "Wysoka" in polish
    assert "high" not in english  # the label, not the stored code


@pytest.mark.django_db
def test_history_hides_the_names_of_objects_the_reader_may_not_see(make_user):
    from openmis.bi.models import Question
    from openmis.bi.tests import factories as bi

    # Given a question private to its owner and an alert on it, changed by the owner
    dept = DepartmentFactory(name="Sales")
    owner = make_user("analyst", dept)
    question = bi.question(dept, owner=owner)
    question.title = "Secret salaries"
    question.save()
    alert_type = registry.get("bi.alert")
    alert = alert_type.model.objects.create(
        question=question,
        column="revenue",
        condition="above",
        threshold=1,
        department=dept,
        owner=owner,
    )
    records = list(LogEntry.objects.get_for_object(alert))
    # When a recipient of the alert who may not see the question reads the alert's history
    stranger = make_user("analyst", dept)
    alert.recipients.add(stranger)
    assert not Question.objects.filter(pk=question.pk, owner=stranger).exists()
    text = " ".join(
        f"{c.label} {c.old} {c.new}" for e in history.present(records, stranger) for c in e.changes
    )
    seen_by_owner = " ".join(
        f"{c.label} {c.old} {c.new}" for e in history.present(records, owner) for c in e.changes
    )
    # Then its name is not shown to them, only to its owner
    assert "Secret salaries" not in text
    assert "Secret salaries" in seen_by_owner


@pytest.mark.django_db
def test_the_change_log_names_related_objects_with_one_query_per_model(director):
    from openmis.org.models import Person

    def changelog_queries() -> int:
        client = logged_in(director)
        url = f"/changelog/?actor={director.pk}"  # the changes below, not the set-up
        client.get(url)  # the session and permissions are loaded
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    # Given people in departments, each changed once (their department named in the log)
    departments = [DepartmentFactory(name=f"Dept {i}") for i in range(3)]
    for i in range(3):
        person = PersonFactory(department=departments[i])
        person.department = departments[(i + 1) % 3]
        save_object(person, director, person.version)
    few = changelog_queries()
    # When ten times as many were changed
    for i in range(30):
        person = PersonFactory(department=departments[i % 3])
        person.department = departments[(i + 1) % 3]
        save_object(person, director, person.version)
    assert Person.objects.count() >= 33
    # Then the change log page makes as many queries as before
    assert changelog_queries() == few
