"""Migration feedback 0006: feedback a client gave before it is confidential afterwards, the
rest is not, and the MIS office's roles may see it all."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("feedback", "0005_client_contact")]
AFTER = [("feedback", "0006_confidential")]


@pytest.fixture
def latest_schema_after():
    """Leaves the database at the latest migrations again, whatever the test migrated to (the
    next tests and the teardown's flush need every table)."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)  # (the roles come back after the flush: conftest)
def test_existing_client_feedback_becomes_confidential(latest_schema_after):
    # Given the feedback of a client and of a department, recorded before 0006
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    department = apps.get_model("org", "Department").objects.create(name="Sales")
    system = apps.get_model("portfolio", "System").objects.create(
        name="CRM", business_owner=department
    )
    client = apps.get_model("meetings", "Client").objects.create(name="Acme")
    Feedback = apps.get_model("feedback", "Feedback")
    common = {"system": system, "department": department, "text": "Slow", "kind": "problem"}
    said = Feedback.objects.create(client=client, **common).pk
    ours = Feedback.objects.create(**common).pk
    # When the migration runs
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Feedback = apps.get_model("feedback", "Feedback")
    # Then the client's feedback is confidential and the department's is not
    assert dict(Feedback.objects.values_list("pk", "confidential")) == {said: True, ours: False}
    # and the MIS director's and staff's roles hold the permission to see it
    Role = apps.get_model("org", "Role")
    holders = set(
        Role.objects.filter(group__permissions__codename="view_confidential_feedback").values_list(
            "slug", flat=True
        )
    )
    assert holders == {"mis_director", "mis_staff"}
