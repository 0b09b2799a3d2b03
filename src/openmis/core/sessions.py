"""Django's database sessions, read with a statement written once.

Every signed-in request loads its session. Django's ``db`` backend builds that query through
the ORM each time (``Session.objects.get(session_key=…, expire_date__gt=now)``), which costs
0.3-0.4 ms to build against a few hundredths to run; with the embedded settings the session
is the one query of a warm page besides the data generation. Everything else (saving,
rotating keys, expiry, clearing) is Django's. With a shared cache (``CACHE_URL``) the
settings use Django's ``cached_db`` backend instead.
"""

from __future__ import annotations

import functools

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        connection = connections[router.db_for_read(model)]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_select(connection.alias, model), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django does: a missing or expired session is new
            return None
        return model(session_key=self.session_key, session_data=row[0], expire_date=row[1])


@functools.cache
def _select(alias: str, model) -> str:
    meta = model._meta
    qn = connections[alias].ops.quote_name

    def column(name: str) -> str:
        return qn(meta.get_field(name).column)

    return (
        f"SELECT {column('session_data')}, {column('expire_date')} "  # noqa: S608
        f"FROM {qn(meta.db_table)} "
        f"WHERE {column('session_key')} = %s AND {column('expire_date')} > %s"
    )
