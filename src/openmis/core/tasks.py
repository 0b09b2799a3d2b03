"""Background jobs of core (django-tasks; run by ``openmis worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_notice(notice_id: int) -> None:
    """E-mail a queued notice (see :func:`openmis.core.notifications.deliver`)."""
    from openmis.core.notifications import deliver

    deliver(notice_id)
