"""How OpenMIS writes numbers, money, percentages, dates and times for a reader.

One layer for every page, table, chart, PDF and e-mail, built on the Unicode CLDR data as
Babel ships it, so "12 345,5" / "12,345.5", "7 gru 2026" / "Dec 7, 2026" and "sty 2023" /
"Jan 2023" come from the same rules the browser's ``Intl`` uses for the charts
(``static/openmis/format.js``). Django's own rendering of a date in a template follows the same
patterns (``openmis.core.formats``), so ``{{ object.updated }}`` and ``{{ value|datetime }}``
agree.

The ``format_*`` functions are pure: they take the locale (a language code such as ``"pl"``)
and, for instants, the time zone. The ``*_text`` helpers take the active language and time zone
of the request (``LocaleMiddleware``, :class:`UserTimeZoneMiddleware`) or of the recipient of a
PDF or e-mail (``translation.override`` / ``timezone.override``).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.conf import settings
from django.utils import timezone, translation

EMPTY = "—"

Number = int | float | Decimal


@functools.cache
def _locale(language: str) -> Locale:
    """The Babel locale of a language code ("pl", "en", "en-us"), English when unknown."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (ValueError, TypeError, babel_dates.UnknownLocaleError):
        return Locale.parse("en")


def _zero(value: Number) -> Number:
    """``value`` with a negative zero (left by rounding a tiny loss) made positive."""
    return value if value else type(value)(0)


# Numbers ------------------------------------------------------------------------------------


def format_number(value: Number | None, locale: str, places: int | None = None) -> str:
    """``value`` with the locale's grouping and decimal sign.

    ``places`` None: whole numbers as they are, other numbers with at most three decimals;
    otherwise exactly ``places`` decimals. None is an em dash.
    """
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        value = int(value)
    if places is None:
        pattern = None
    else:
        pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
        value = _zero(round(value, places)) if not isinstance(value, int) else value
    return babel_numbers.format_decimal(value, format=pattern, locale=_locale(locale))


def format_money(
    value: Number | None, locale: str, currency: str = "", *, cents: bool = False
) -> str:
    """An amount, whole or with two decimals, followed by its currency code when given
    ("12 345 PLN", "12,345.50 EUR"): the code, not the symbol, because amounts in several
    currencies stand side by side in the portfolio."""
    if value is None:
        return EMPTY
    text = format_number(value, locale, 2 if cents else 0)
    return f"{text}\u00a0{currency}" if currency else text


def format_percent(value: Number | None, locale: str, places: int = 1) -> str:
    """A fraction as a percentage (0.152 -> "15.2%" / "15,2%"), as the locale writes one."""
    if value is None:
        return EMPTY
    pattern = _locale(locale).percent_formats[None].pattern
    if places > 0:
        pattern = re.sub(r"0(?!.*0)", "0." + "0" * places, pattern)
    shown = round(Decimal(str(value)), places + 2)
    return babel_numbers.format_percent(shown if shown else 0, pattern, locale=_locale(locale))


def parse_number(text: str, locale: str) -> Decimal:
    """The number written as ``text`` in ``locale`` (the inverse of :func:`format_number`)."""
    return babel_numbers.parse_decimal(text, locale=_locale(locale), strict=False)


# Dates and times -----------------------------------------------------------------------------


def _local(value: dt.datetime, zone: dt.tzinfo | str | None) -> dt.datetime:
    if isinstance(zone, str):
        zone = zoneinfo.ZoneInfo(zone)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(zone or zoneinfo.ZoneInfo(settings.TIME_ZONE))


def format_date(value: dt.date | dt.datetime | None, locale: str, zone=None) -> str:
    """A day as the locale writes it in running text: "Dec 7, 2026" / "7 gru 2026". An
    instant is first moved to ``zone`` (its day there)."""
    if value is None:
        return EMPTY
    if isinstance(value, dt.datetime):
        value = _local(value, zone).date()
    return babel_dates.format_date(value, "medium", locale=_locale(locale))


def format_time(value: dt.time | dt.datetime | None, locale: str, zone=None) -> str:
    """A time of day, hours and minutes: "3:50 AM" / "03:50"."""
    if value is None:
        return EMPTY
    if isinstance(value, dt.datetime):
        value = _local(value, zone).time()
    return babel_dates.format_time(value, "short", locale=_locale(locale))


def format_datetime(value: dt.datetime | None, locale: str, zone=None) -> str:
    """An instant in ``zone``: "Dec 7, 2026, 3:50 AM" / "7 gru 2026, 03:50"."""
    if value is None:
        return EMPTY
    local = _local(value, zone)
    pattern = _locale(locale).datetime_formats["medium"]
    return pattern.replace("{1}", format_date(local.date(), locale)).replace(
        "{0}", format_time(local.time(), locale)
    )


#: The CLDR skeleton of each time bucket of the BI (what a grouping by month shows).
BUCKET_SKELETONS = {"day": None, "week": None, "month": "yMMM", "quarter": "yQQQ", "year": "y"}


def format_bucket(value: dt.date | dt.datetime | str | None, bucket: str, locale: str) -> str:
    """The period a BI time bucket starts at: "Jan 2023" / "sty 2023", "Q1 2023" /
    "I kw. 2023", "2023"; days and weeks as their first day."""
    if value is None:
        return EMPTY
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = value.date()
    skeleton = BUCKET_SKELETONS.get(bucket)
    if skeleton is None:
        return format_date(value, locale)
    return babel_dates.format_skeleton(skeleton, value, locale=_locale(locale))


def format_month(value: dt.date | None, locale: str) -> str:
    """A month: "Jan 2023" / "sty 2023"."""
    return format_bucket(value, "month", locale)


def format_value(value: Any, locale: str, zone=None) -> str:
    """Any value of a table cell as the reader expects it; text is left alone."""
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Number):
        return format_number(value, locale, None if isinstance(value, int) else 2)
    if isinstance(value, dt.datetime):
        return format_datetime(value, locale, zone)
    if isinstance(value, dt.date):
        return format_date(value, locale)
    if isinstance(value, dt.time):
        return format_time(value, locale)
    return str(value)


# The reader's language and time zone ---------------------------------------------------------


def active_locale() -> str:
    """The language of the request or of the recipient being written to."""
    return translation.get_language() or settings.LANGUAGE_CODE


def active_zone() -> dt.tzinfo:
    return timezone.get_current_timezone()


def number_text(value, places: int | None = None) -> str:
    return format_number(value, active_locale(), places)


def money_text(value, currency: str = "", *, cents: bool = False) -> str:
    return format_money(value, active_locale(), currency, cents=cents)


def percent_text(value, places: int = 1) -> str:
    return format_percent(value, active_locale(), places)


def date_text(value) -> str:
    return format_date(value, active_locale(), active_zone())


def time_text(value) -> str:
    return format_time(value, active_locale(), active_zone())


def datetime_text(value) -> str:
    return format_datetime(value, active_locale(), active_zone())


def bucket_text(value, bucket: str) -> str:
    return format_bucket(value, bucket, active_locale())


def value_text(value) -> str:
    return format_value(value, active_locale(), active_zone())


# Whose time zone a request is in ------------------------------------------------------------

_zone_of_user: Callable[[Any], str] | None = None


def set_zone_provider(fn: Callable[[Any], str]) -> None:
    """Register how to find a signed-in user's time zone name (the org app: their person's).
    Core names no app, so the app that knows people registers it in ``ready()``."""
    global _zone_of_user
    _zone_of_user = fn


class UserTimeZoneMiddleware:
    """Show every date and time of a request in the signed-in user's time zone, as e-mails to
    them already are; the installation's (``TIME_ZONE``) for everyone else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        name = ""
        if _zone_of_user is not None and user is not None and user.is_authenticated:
            name = _zone_of_user(user) or ""
        try:
            zone = zoneinfo.ZoneInfo(name) if name else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = None
        if zone is None:
            timezone.deactivate()
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)
