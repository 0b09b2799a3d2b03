"""Logging of OpenMIS: a refused request is one line of the log, not a traceback.

Django logs a 4xx that came from an exception (``PermissionDenied``, ``SuspiciousOperation``,
``Http404``…) with the exception attached, so every refused click wrote a full traceback to
the log, burying the errors an administrator must see. A refusal is expected behaviour: the
line says who was refused what and why; 5xx responses keep their traceback.
"""

from __future__ import annotations

import logging


class RefusalsOnOneLine(logging.Filter):
    """On ``django.request``: a 4xx record loses its traceback and gains the user and reason."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is None or status >= 500 or not record.exc_info:
            return True
        exception = record.exc_info[1] if isinstance(record.exc_info, tuple) else record.exc_info
        record.exc_info = None
        record.exc_text = None
        user = getattr(getattr(record, "request", None), "user", None)
        who = user.get_username() if user is not None and user.is_authenticated else "-"
        reason = " ".join(str(exception).split()) if isinstance(exception, BaseException) else ""
        record.msg = f"{record.getMessage()} [user {who}]" + (f": {reason}" if reason else "")
        record.args = ()
        return True
