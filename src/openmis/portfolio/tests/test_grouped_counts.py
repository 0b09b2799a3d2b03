"""Counts inside plural messages are written with the reader's grouping ("10,000 results",
"10 000 wyników") while the plural form still follows the integer."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import ngettext

from openmis.core.cockpit import ListWindow
from openmis.portfolio.models import Vendor

pytestmark = pytest.mark.django_db

VENDORS = 10_001  # Polish groups from five digits on (CLDR minimum grouping), English from four


def results_line(page: str) -> str:
    return re.search(r'<p class="text-muted small mb-1">(.*?)</p>', page, re.S)[1].strip()


@pytest.mark.parametrize(
    ("language", "grouped"), [("en", "10,001"), ("pl", "10\u00a0001")], ids=["en", "pl"]
)
def test_a_long_list_says_how_many_rows_it_has_with_grouped_digits(
    director_client, language, grouped
):
    # Given more than ten thousand vendors
    Vendor.objects.bulk_create(Vendor(name=f"Vendor {i:05}") for i in range(VENDORS))

    # When the director opens the vendor list in English or in Polish
    response = director_client.get("/portfolio/vendors/", HTTP_ACCEPT_LANGUAGE=language)

    # Then the count above the table has the language's grouping, in the plural form of 10,001
    assert response.status_code == 200
    with translation.override(language):
        expected = ngettext("%(shown)s result", "%(shown)s results", VENDORS) % {"shown": grouped}
    assert results_line(response.content.decode()) == expected
    assert str(VENDORS) not in results_line(response.content.decode())


@pytest.mark.parametrize(("language", "grouped"), [("en", "12,345"), ("pl", "12\u00a0345")])
def test_a_cockpit_tile_count_is_grouped_and_its_data_count_is_a_plain_integer(language, grouped):
    window = ListWindow(
        count=12345, rows=[], url="/portfolio/contracts/?notice=missed", object_type=None
    )
    with translation.override(language):
        html = render_to_string("core/tiles/_count.html", {"window": window, "label": "x"})
    assert f'<span class="fs-4 fw-semibold">{grouped}</span>' in html
    assert 'data-count="12345"' in html


LOADED = (
    "Loaded. The dataset now has %(shown)s row.",
    "Loaded. The dataset now has %(shown)s rows.",
)


@pytest.mark.parametrize(
    ("language", "count", "grouped"),
    [("en", 1, "1"), ("en", 2500, "2,500"), ("pl", 12345, "12\u00a0345"), ("pl", 22, "22")],
)
def test_a_row_count_is_grouped_in_the_plural_form_of_its_integer(language, count, grouped):
    job = type("Job", (), {"status": "done", "rows": count, "dataset": None})
    with translation.override(language):
        html = render_to_string("bi/_import_progress.html", {"job": job})
        expected = ngettext(*LOADED, count) % {"shown": grouped}
    assert f'<p class="text-success">{expected}</p>' in html
