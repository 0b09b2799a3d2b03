"""Who attended a meeting: the series' invited people and client contacts, each present,
absent or excused (recorded by whoever may change the meeting, the MIS office)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openmis.core.services import delete_object, save_object
from openmis.meetings.models import Attendance, Occurrence

PERSON = "person"
CONTACT = "contact"
STATUSES = tuple(Attendance.Status.values)


@dataclass
class Attendee:
    """One invited person or client contact of a meeting and what was recorded for them."""

    kind: str  # PERSON or CONTACT
    who: object  # the Person or ClientContact
    record: Attendance | None

    @property
    def key(self) -> str:
        """The name of the attendee's field in the checklist form: ``person-3``."""
        return f"{self.kind}-{self.who.pk}"

    @property
    def status(self) -> str:
        return self.record.status if self.record is not None else ""

    @property
    def status_label(self) -> str:
        return self.record.get_status_display() if self.record is not None else ""

    @property
    def hint(self) -> str:
        """The line that tells them apart: a person's department, a contact's client."""
        if self.kind == PERSON:
            return str(self.who.department) if self.who.department_id else ""
        return str(self.who.client)


#: What the API's list prefetches so that each meeting's attendance costs no query.
PREFETCH = [
    "series__attendees__department",
    "series__client_attendees__client",
    "attendance__person__department",
    "attendance__contact__client",
]


def _rows(manager, *related):
    """The related rows, from the prefetched ones when there are (see :data:`PREFETCH`)."""
    rows = manager.all()
    return rows if rows._result_cache is not None else rows.select_related(*related)


def attendees(occurrence: Occurrence) -> list[Attendee]:
    """The series' invited people then client contacts, each with their attendance; people
    recorded once and no longer invited are kept (three queries, however many; none when
    prefetched)."""
    series = occurrence.series
    records = list(_rows(occurrence.attendance, "person__department", "contact__client"))
    by_person = {r.person_id: r for r in records if r.person_id is not None}
    by_contact = {r.contact_id: r for r in records if r.contact_id is not None}
    people = {p.pk: p for p in _rows(series.attendees, "department")}
    for record in by_person.values():
        people.setdefault(record.person_id, record.person)
    contacts = {c.pk: c for c in _rows(series.client_attendees, "client")}
    for record in by_contact.values():
        contacts.setdefault(record.contact_id, record.contact)
    rows = [
        Attendee(PERSON, p, by_person.get(p.pk))
        for p in sorted(people.values(), key=lambda p: (p.last_name, p.first_name, p.pk))
    ]
    rows += [
        Attendee(CONTACT, c, by_contact.get(c.pk))
        for c in sorted(contacts.values(), key=lambda c: (c.name, c.pk))
    ]
    return rows


def summary(rows: list[Attendee]) -> dict[str, int]:
    """How many were recorded present, absent and excused."""
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        if row.status:
            counts[row.status] += 1
    return counts


@transaction.atomic
def record(occurrence: Occurrence, statuses: dict[tuple[str, int], str], user=None) -> int:
    """Record the attendance ``statuses`` (``{("person", 3): "present", ("contact", 5):
    ""}``; an empty status removes what was recorded). Only attendees of the meeting
    (:func:`attendees`) may be recorded: others are refused with a ValidationError naming
    them. Returns how many records changed."""
    rows = {(row.kind, row.who.pk): row for row in attendees(occurrence)}
    unknown = [key for key in statuses if key not in rows]
    if unknown:
        raise ValidationError(
            {
                kind: _("Not invited to this meeting: %(ids)s.")
                % {"ids": ", ".join(str(pk) for k, pk in unknown if k == kind)}
                for kind in sorted({k for k, _pk in unknown})
            }
        )
    bad = sorted({status for status in statuses.values() if status and status not in STATUSES})
    if bad:
        raise ValidationError(
            {"status": _("Unknown attendance: %(values)s.") % {"values": ", ".join(bad)}}
        )
    changed = 0
    for key, status in statuses.items():
        row = rows[key]
        if row.status == status:
            continue
        if not status:
            delete_object(row.record, user)
        elif row.record is not None:
            row.record.status = status
            save_object(row.record, user)
        else:
            who = {row.kind: row.who}
            save_object(Attendance(occurrence=occurrence, status=status, **who), user)
        changed += 1
    return changed
