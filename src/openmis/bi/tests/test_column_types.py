"""Column types read as words wherever a user sees them (the dataset page, the builder), in
the reader's language, instead of the warehouse's ``int64`` or ``decimal(14,2)``."""

import re

import pytest

from openmis.bi.models.base import column_type_label
from openmis.bi.tests import factories as f

CODES = re.compile(r"\b(int(8|16|32|64)|float(32|64)|decimal\(\d+, ?\d+\)|timestamp|boolean)\b")


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("string", "text"),
        ("int64", "whole number"),
        ("uint8", "whole number"),
        ("float64", "number"),
        ("decimal(14,2)", "decimal number"),
        ("date", "date"),
        ("timestamp", "date and time"),
        ("boolean", "yes/no"),
    ],
)
def test_a_type_in_words(code, words):
    assert str(column_type_label(code)) == words


@pytest.mark.django_db
def test_the_dataset_page_shows_types_in_words_and_no_page_shows_codes(director_client, department):
    # Given a loaded dataset with whole numbers, decimals, dates and text
    dataset = f.load_csv("orders", f.ORDERS_CSV, department=department)
    types = set(dataset.columns.values_list("type", flat=True))
    assert {"string", "date"} <= types
    for language, words in (("en", "whole number"), ("pl", "liczba całkowita")):
        # When the dataset page and the builder are read
        page = director_client.get(dataset.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
        builder = director_client.get("/bi/ask/?dataset=orders", HTTP_ACCEPT_LANGUAGE=language)
        for response in (page, builder):
            assert response.status_code == 200
            text = re.sub(r'<[^>]+>|title="[^"]*"', " ", response.content.decode())
            # Then the dataset page names the types in words, and neither page shows a code
            # (the builder names columns by their labels alone)
            if response is page:
                assert words in text
            assert not CODES.search(re.sub(r"<script.*?</script>", "", text, flags=re.S))


@pytest.mark.django_db
def test_a_column_page_and_the_column_list_show_the_type_in_words(director_client, department):
    # Given a loaded dataset with a whole-number column
    dataset = f.load_csv("orders", f.ORDERS_CSV, department=department)
    column = dataset.columns.filter(type="int64").first()
    for language, words in (("en", "whole number"), ("pl", "liczba całkowita")):
        # When the column's own page and the list of columns are read
        page = director_client.get(column.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language)
        listing = director_client.get("/bi/columns/", HTTP_ACCEPT_LANGUAGE=language)
        for response in (page, listing):
            assert response.status_code == 200
            text = re.sub(
                r"<script.*?</script>|<[^>]+>", " ", response.content.decode(), flags=re.S
            )
            # Then the type reads in words (its change history too), and no code is shown
            assert words in text
            assert not CODES.search(text)
    # and the stored type stays the warehouse's code
    column.refresh_from_db()
    assert column.type == "int64"
