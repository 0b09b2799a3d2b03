"""Translating the analytics layer's messages without importing Django.

Every sentence meant for a user (the ``detail`` of :mod:`openmis.analytics.errors`) is written
as a whole sentence inside :func:`_`, with named placeholders filled in afterwards::

    raise ImportFailed(
        _("Line %(line)d: expected %(expected)d columns, found %(found)d.")
        % {"line": line, "expected": expected, "found": found}
    )

so that Django's ``makemessages`` (xgettext, keyword ``_``) extracts it from these files into
the catalog. A message is translated when it is made, that is when the error is raised: in
the request's thread, under the language Django activated for that request.

Large numbers in messages go through :func:`number`, so they are grouped the way the active
language writes them (``1,000,000`` in English, ``1 000 000`` in Polish).

Until :func:`install` is called (the BI app does it in ``BiConfig.ready``), messages stay in
English, so the package works, and is tested, on its own.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["_", "install", "ngettext", "number"]


def _english(message: str) -> str:
    return message


def _english_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def _english_number(n: int) -> str:
    return f"{n:,}"


_gettext: Callable[[str], str] = _english
_ngettext: Callable[[str, str, int], str] = _english_plural
_number: Callable[[int], str] = _english_number


def _(message: str) -> str:
    """``message`` in the active language (English until a translator is installed)."""
    return _gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for ``n`` in the active language (English rules by default)."""
    return _ngettext(singular, plural, n)


def number(n: int) -> str:
    """A whole number with its thousands grouped as the active language writes them."""
    return _number(n)


def install(
    gettext: Callable[[str], str],
    ngettext: Callable[[str, str, int], str],
    number: Callable[[int], str] | None = None,
) -> None:
    """Translate the analytics messages with these functions from now on.

    Parameters
    ----------
    gettext
        E.g. ``django.utils.translation.gettext`` (not the lazy variant: the message is
        formatted at once).
    ngettext
        E.g. ``django.utils.translation.ngettext``.
    number
        Formats a whole number with grouped thousands in the active language; ``None`` keeps
        English grouping (``1,000,000``).
    """
    global _gettext, _ngettext, _number
    _gettext = gettext
    _ngettext = ngettext
    _number = number or _english_number
