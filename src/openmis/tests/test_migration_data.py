"""What the data migrations made (built-in roles, every app's grants to them, the installation
row) is back after a flush, as the root conftest restores it after each transactional test:
browser tests log in as the real roles, not as superusers."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from openmis.conftest import restore_migration_data
from openmis.core.models import Installation
from openmis.org.models import Role
from openmis.org.roles import ANALYST, DIRECTOR, EMPLOYEE


def grants() -> set[tuple[str, str, str]]:
    return set(
        Group.permissions.through.objects.values_list(
            "group__role__slug", "permission__content_type__app_label", "permission__codename"
        )
    )


@pytest.mark.django_db(transaction=True)
def test_a_flush_loses_no_role_or_grant_of_the_migrations():
    # Given the database as the migrations left it (other apps grant to org's roles)
    before = grants()
    roles = set(Role.objects.values_list("slug", "group__name", "scope"))
    assert (DIRECTOR, "bi", "manage_row_security") in before  # bi's own data migration
    assert (DIRECTOR, "portfolio", "add_contract") in before  # the portfolio's
    assert (ANALYST, "bi", "add_question") in before
    assert {(EMPLOYEE, "feedback", "add_feedback")} <= before

    # When a transactional test's flush empties every table, and the conftest restores
    call_command("flush", interactive=False, verbosity=0, allow_cascade=True)
    assert not Role.objects.exists()
    restore_migration_data()

    # Then every role and every grant is back, and the installation row
    assert grants() == before
    assert set(Role.objects.values_list("slug", "group__name", "scope")) == roles
    assert Installation.objects.count() == 1
    # and restoring again changes nothing
    restore_migration_data()
    assert grants() == before
