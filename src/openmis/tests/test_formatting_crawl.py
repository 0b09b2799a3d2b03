"""A Polish reader crawls the list and detail page of every registered type, over the demo
organization: no date written the ISO way, no large number without its thousands separator,
wherever the page shows data (text the reader sees, not inputs, code or attributes)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from openmis import demo
from openmis.core import registry

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# (a standard's number, "ISO/IEC 27001", is a name, not an amount)
UNGROUPED = re.compile(r"(?<![\d.,\u00a0])(?<!ISO/IEC )(?<!ISO )\d{5,}(?![\d])")
HIDDEN = {"script", "style", "code", "pre", "textarea", "template", "title"}


class VisibleText(HTMLParser):
    """The text of a page a reader sees: outside scripts, code, form fields and attributes."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


@pytest.fixture
def polish_director(settings):
    demo.load()
    client = Client()
    client.force_login(get_user_model().objects.get(username="director"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
    return client


def pages():
    for ot in registry.all_types():
        yield ot.label, ot


def test_no_iso_dates_and_no_ungrouped_numbers_on_any_page_in_polish(polish_director):
    found: dict[str, list[str]] = {}
    crawled = 0
    for label, ot in pages():
        urls = [ot.url("list")]
        first = ot.model._default_manager.order_by("-pk").first()
        if first is not None:
            urls.append(ot.url("detail", first))
        for url in urls:
            response = polish_director.get(url)
            assert response.status_code == 200, (label, url, response.status_code)
            assert response.headers["Content-Language"] == "pl"
            crawled += 1
            for text in visible_text(response.content.decode()):
                bad = ISO_DATE.findall(text) + UNGROUPED.findall(text)
                if bad:
                    found.setdefault(url, []).append(text[:120])
    assert crawled >= 2 * len(list(registry.all_types())) - 2
    assert found == {}
