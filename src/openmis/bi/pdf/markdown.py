"""Markdown of text cards as blocks the PDF can set (headings, paragraphs, list items)."""

from __future__ import annotations

import html
import re

_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: their alt text
    (re.compile(r"\[([^\]]+)\]\(([^)\s]+)[^)]*\)"), r"\1"),  # links: their text
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),  # autolinks
    (re.compile(r"<[^>\n]+>"), ""),  # HTML tags
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])"), r"\1"),  # backslash escapes
]
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^\s*(?:([-*+])|(\d+[.)]))\s+(.*)$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _inline(text: str) -> str:
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return html.unescape(text).strip()


def markdown_blocks(text: str) -> list[tuple[str, str]]:
    """Markdown as plain blocks: ``("heading" | "paragraph" | "item", text)``, markup gone."""
    blocks: list[tuple[str, str]] = []
    paragraph: list[str] = []
    fenced = False

    def flush():
        if paragraph:
            joined = _inline(" ".join(paragraph))
            if joined:
                blocks.append(("paragraph", joined))
            paragraph.clear()

    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip().startswith(("```", "~~~")):
            flush()
            fenced = not fenced
            continue
        if fenced:
            if line.strip():
                blocks.append(("paragraph", line.rstrip()))
            continue
        line = re.sub(r"^\s{0,3}>\s?", "", line)  # block quotes read as plain text
        if not line.strip() or _RULE.match(line) or _TABLE_SEPARATOR.match(line):
            flush()
            continue
        if heading := _HEADING.match(line):
            flush()
            blocks.append(("heading", _inline(heading.group(1))))
        elif item := _ITEM.match(line):
            flush()
            marker = "•" if item.group(1) else item.group(2)
            blocks.append(("item", f"{marker} {_inline(item.group(3))}"))
        elif line.strip().startswith("|"):
            flush()
            cells = [_inline(c) for c in line.strip().strip("|").split("|")]
            blocks.append(("paragraph", "   ".join(c for c in cells if c)))
        else:
            paragraph.append(line.strip())
    flush()
    return blocks
