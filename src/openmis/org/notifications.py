"""How core's notifications write to people: a person's (or a login's person's) address,
language and time zone (see :func:`openmis.core.notifications.register_recipient`)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from openmis.core.notifications import Recipient, register_recipient
from openmis.org.models import Person
from openmis.org.people import person_of


def recipient_of_person(person: Person) -> Recipient:
    """A person, at their work address, in their language and time zone."""
    return Recipient(
        email=person.email,
        user_id=person.user_id,
        language=person.language,
        time_zone=person.time_zone,
    )


def recipient_of_login(user) -> Recipient:
    """A login, at its own address (else its person's), in its person's language and zone."""
    person = person_of(user)
    if person is None:
        return Recipient(email=user.email or "", user_id=user.pk)
    return Recipient(
        email=user.email or person.email,
        user_id=user.pk,
        language=person.language,
        time_zone=person.time_zone,
    )


def install() -> None:
    """Register people and logins as recipients (from the app's ``registry.py``)."""
    register_recipient(Person, recipient_of_person)
    register_recipient(get_user_model(), recipient_of_login)
