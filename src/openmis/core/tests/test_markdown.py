"""Markdown rendered as HTML that is safe to show (minutes, BI card notes)."""

from openmis.core.markdown import render_markdown


def test_markdown_is_rendered_and_injection_neutralised():
    html = render_markdown(
        "## Decisions\n\n"
        "- **Pilot** the CRM\n"
        "- [report](https://example.com/r)\n\n"
        "<script>alert(1)</script>\n\n"
        '<img src="x" onerror="alert(2)">\n\n'
        "[click](javascript:alert(3))\n\n"
        '<a href="javascript:alert(4)" onclick="alert(5)">raw link</a>\n\n'
        '<p style="color:red" onmouseover="alert(6)">styled</p>'
    )
    assert html == (
        "<h2>Decisions</h2>\n"
        "<ul>\n"
        "<li><strong>Pilot</strong> the CRM</li>\n"
        '<li><a href="https://example.com/r" rel="noopener noreferrer nofollow">report</a></li>\n'
        "</ul>\n"
        "\n\n"
        "<p></p>\n"
        '<p><a rel="noopener noreferrer nofollow">click</a></p>\n'
        '<p><a rel="noopener noreferrer nofollow">raw link</a></p>\n'
        "<p>styled</p>"
    )
    for dangerous in ("<script", "alert(1)", "onerror", "javascript:", "onclick", "style="):
        assert dangerous not in html
