"""One formatting layer: numbers, money, percentages, dates and times as the reader's language
and time zone write them, the same whether Babel or Django's template engine renders them."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import dateformat, formats, timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from openmis.core import formatting as f

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
INSTANT = dt.datetime(2026, 12, 7, 3, 50, tzinfo=dt.UTC)
NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "en",
            ["12,345", "12,345.68", "0.00", f"1,234,567{NBSP}PLN", f"1,234.50{NBSP}EUR", "15.2%"],
        ),
        (
            "pl",
            [
                f"12{NBSP}345",
                f"12{NBSP}345,68",
                "0,00",
                f"1{NBSP}234{NBSP}567{NBSP}PLN",
                f"1{NBSP}234,50{NBSP}EUR",
                "15,2%",
            ],
        ),
    ],
)
def test_numbers_money_and_percentages_follow_the_language(locale, expected):
    assert [
        f.format_number(12345, locale),
        f.format_number(12345.678, locale, 2),
        f.format_number(-0.0001, locale, 2),  # a tiny loss is not "-0.00"
        f.format_money(Decimal("1234567.40"), locale, "PLN"),
        f.format_money(1234.5, locale, "EUR", cents=True),
        f.format_percent(0.152, locale),
    ] == expected


def test_a_missing_value_is_an_em_dash_everywhere():
    for fn in (f.format_number, f.format_money, f.format_percent, f.format_date):
        assert fn(None, "pl") == "—"
    assert f.format_datetime(None, "en", WARSAW) == "—"


@pytest.mark.parametrize(
    ("locale", "zone", "expected"),
    [
        ("en", WARSAW, "Dec 7, 2026, 4:50\u202fAM"),
        ("en", NEW_YORK, "Dec 6, 2026, 10:50\u202fPM"),
        ("pl", WARSAW, "7 gru 2026, 04:50"),
        ("pl", NEW_YORK, "6 gru 2026, 22:50"),
    ],
)
def test_an_instant_is_written_in_the_readers_zone_and_language(locale, zone, expected):
    assert f.format_datetime(INSTANT, locale, zone) == expected
    # Django's own rendering ({{ object.updated }}) writes the same text.
    with translation.override(locale), timezone.override(zone):
        assert Template("{{ when }}").render(Context({"when": INSTANT})) == expected
        assert (
            Template("{% load openmis %}{{ when|instant }}").render(Context({"when": INSTANT}))
            == expected
        )


@pytest.mark.parametrize(
    ("bucket", "en", "pl"),
    [
        ("month", "Jan 2023", "sty 2023"),
        ("quarter", "Q1 2023", "I kw. 2023"),
        ("year", "2023", "2023"),
        ("day", "Jan 1, 2023", "1 sty 2023"),
    ],
)
def test_bi_time_buckets_read_as_periods(bucket, en, pl):
    assert f.format_bucket("2023-01-01", bucket, "en") == en
    assert f.format_bucket(dt.date(2023, 1, 1), bucket, "pl") == pl


def test_template_filters_write_in_the_active_language():
    template = Template(
        "{% load openmis %}{{ n|number }} {{ m|money:'PLN' }} {{ p|percent }} {{ d|day }}"
    )
    context = Context({"n": 33379, "m": 420000, "p": 0.152, "d": dt.date(2026, 12, 4)})
    with translation.override("en"):
        assert template.render(context) == "33,379 420,000\u00a0PLN 15.2% Dec 4, 2026"
    with translation.override("pl"):
        assert template.render(context) == (f"33{NBSP}379 420{NBSP}000{NBSP}PLN 15,2% 4 gru 2026")


amounts = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False
)


@given(value=amounts, locale=st.sampled_from(["en", "pl"]))
def test_a_formatted_number_reads_back_as_the_same_number(value, locale):
    text = f.format_number(value, locale, 2)
    assert f.parse_number(text, locale) == value


@given(value=st.integers(min_value=10_000, max_value=10**15), locale=st.sampled_from(["en", "pl"]))
def test_large_whole_numbers_are_always_grouped(value, locale):
    text = f.format_number(value, locale)
    group = {"en": ",", "pl": NBSP}[locale]
    assert group in text
    assert text.replace(group, "") == str(value)
    assert f.parse_number(text, locale) == value


@given(day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_django_and_babel_write_every_day_alike(day):
    for locale in ("en", "pl"):
        with translation.override(locale):
            assert formats.date_format(day) == f.format_date(day, locale)
            assert formats.date_format(day, "SHORT_DATE_FORMAT") == f.format_date(day, locale)


@given(
    moment=st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    zone=st.sampled_from([WARSAW, NEW_YORK]),
)
def test_django_and_babel_write_every_instant_alike(moment, zone):
    instant = moment.replace(tzinfo=dt.UTC)
    for locale in ("en", "pl"):
        with translation.override(locale):
            local = instant.astimezone(zone)
            assert dateformat.format(local, formats.get_format("DATETIME_FORMAT")) == (
                f.format_datetime(instant, locale, zone)
            )
