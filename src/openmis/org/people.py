"""The person of a login: the one place OpenMIS asks "who is this user in the organization?".

Every app that needs the :class:`~openmis.org.models.Person` behind a user (their department,
their time zone, their action items) calls :func:`person_of`; inside a request the answer is
read once, however many times it is asked (:func:`openmis.core.caching.per_request`). The
roles a login holds are read the same way (:func:`role_ids`).
"""

from __future__ import annotations

from openmis.core import caching
from openmis.core.caching import per_request


@per_request
def person_of(user):
    """The :class:`~openmis.org.models.Person` whose login is ``user`` (its department read
    with it), or None for an anonymous user or a login without a person record."""
    from openmis.org.models import Person

    if user is None or not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).select_related("department").first()


@per_request
def role_ids(user) -> frozenset[int]:
    """The primary keys of the roles ``user`` holds (none for an anonymous user)."""
    from openmis.org.models import Role

    if user is None or not user.is_authenticated:
        return frozenset()
    return frozenset(Role.objects.filter(group__user=user).values_list("pk", flat=True))


def time_zone_name(user) -> str:
    """The time zone name of ``user``'s person ("" when none is set: the installation's),
    kept in the shared cache until people change, so a page costs no query for it."""
    from openmis.org.models import Person

    if user is None or not user.is_authenticated:
        return ""

    def read() -> str:
        found = Person.objects.filter(user=user).values_list("time_zone", flat=True).first()
        return found or ""

    return caching.get_or_set(("user-time-zone", user.pk), read, depends_on=("org",))
