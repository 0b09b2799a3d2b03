"""No link a user is shown leads them to a refusal: for every built-in role, walk the main
pages (the cockpit, every list and the pages they link to) and open every link on them.

The objects are the samples every app declares for its types (``tests/samples.py``), in the
user's department and in another, so that every list, detail page and panel has rows.
"""

import html
import re
from collections import deque
from urllib.parse import urlsplit

import pytest

from openmis.conftest import ROLES, logged_in
from openmis.core import registry
from openmis.core.tests.samples import all_samples
from openmis.org.tests.factories import DepartmentFactory, user_with_role

LINK = re.compile(r'<a\s[^>]*href="([^"#]+)"')
SKIPPED = ("/accounts/", "/api/", "/i18n/", "/static/", "/media/", "export", "/logout")
PER_PATTERN = 3  # pages opened per URL shape (``/org/people/N/``): the links repeat
MAX_PAGES = 400


def pattern(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(client, starts) -> list[tuple[str, str]]:
    """``(url, page it was linked from)`` of every link that answered 403, or 404: a row
    hidden from the reader (confidential feedback) is answered as missing, and no page may
    link it either."""
    queue = deque((url, "(start)") for url in starts)
    seen, opened, refused = set(), {}, []
    while queue and len(seen) < MAX_PAGES:
        url, source = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (403, 404):
            refused.append((url, source))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in LINK.findall(response.content.decode()):
            parts = urlsplit(html.unescape(href))
            if parts.netloc or not parts.path.startswith("/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if any(s in target for s in SKIPPED) or "page=" in target or "sort=" in target:
                continue
            shape = pattern(parts.path)
            if target not in seen and opened.get(shape, 0) < PER_PATTERN:
                opened[shape] = opened.get(shape, 0) + 1
                queue.append((target, url))
    return refused


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_no_link_leads_to_a_refusal(role):
    # Given a user of the role and sample objects of every type, theirs and another
    # department's
    home, away = DepartmentFactory(name="Home"), DepartmentFactory(name="Away")
    user = user_with_role(role, home)
    for sample in all_samples().values():
        for department in (home, away):
            sample["make"](department)
    client = logged_in(user)
    # When they follow every link from the cockpit and the lists they may open
    starts = ["/"] + [
        ot.url("list")
        for ot in registry.all_types()
        if client.get(ot.url("list")).status_code == 200
    ]
    # Then none of them is refused
    assert crawl(client, starts) == []
