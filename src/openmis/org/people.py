"""The person of a login: the one place OpenMIS asks "who is this user in the organization?".

Every app that needs the :class:`~openmis.org.models.Person` behind a user (their department,
their time zone, their action items) calls :func:`person_of`; inside a request the answer is
read once, however many times it is asked (:func:`openmis.core.caching.per_request`).
"""

from __future__ import annotations

from openmis.core.caching import per_request


@per_request
def person_of(user):
    """The :class:`~openmis.org.models.Person` whose login is ``user`` (its department read
    with it), or None for an anonymous user or a login without a person record."""
    from openmis.org.models import Person

    if user is None or not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).select_related("department").first()
