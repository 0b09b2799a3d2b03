"""Compile the translation catalogs without the gettext binaries, or check them.

Every ``src/openmis/locale/<lang>/LC_MESSAGES/<domain>.po`` is compiled with
``polib`` to the ``.mo`` file next to it. The ``.mo`` files are committed, so a
user's machine never needs ``msgfmt``.

Usage::

    python tools/compile_messages.py          # write every .mo
    python tools/compile_messages.py --check  # write nothing, exit 1 on problems

``--check`` reports entries that are untranslated or fuzzy, plural entries
without all the forms the catalog's ``Plural-Forms`` header asks for (three for
Polish), python-format placeholders (``%(name)s``, ``%s``, ``{name}``) that
differ between msgid and msgstr, and ``.mo`` files that are missing or out of
date with their ``.po`` (compared entry by entry, not byte by byte); also a fuzzy
header or a ``Language`` header that does not match the directory.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "src" / "openmis" / "locale"

# Languages whose plural rule we know; the header must agree with it.
EXPECTED_NPLURALS = {"en": 2, "pl": 3}

# %(name)s, %(n)d, %s, %d, %.1f ... ("%%" is a literal percent sign, not a placeholder).
PERCENT_RE = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?"  # optional mapping key
    r"[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?"  # flags, width, precision
    r"[diouxXeEfFgGcrsa%]"  # conversion
)
# {name}, {0}, {}, {name!r}, {name:>10} -- but not {{ or }}.
BRACE_RE = re.compile(r"(?<!\{)\{(?P<field>[A-Za-z_][\w.]*|\d*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")


def catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Return every .po file under ``locale_dir``, sorted."""
    return sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))


def compile_catalog(po_path: Path) -> Path:
    """Write the .mo file next to ``po_path`` and return its path."""
    mo_path = po_path.with_suffix(".mo")
    polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    return mo_path


def placeholders(text: str, python_format: bool) -> tuple[Counter, list[str], Counter]:
    """Return the named %-placeholders, positional %-placeholders and brace fields of ``text``.

    Positional ``%s``-style placeholders only count in entries flagged
    ``python-format``; elsewhere a ``%`` is just a character.
    """
    named: Counter = Counter()
    positional: list[str] = []
    for match in PERCENT_RE.finditer(text):
        spec = match.group(0)
        if spec == "%%":
            continue
        if match.group("name") is not None:
            named[f"%({match.group('name')}){spec[-1]}"] += 1
        elif python_format:
            positional.append(spec)
    braces = Counter(f"{{{m.group('field')}}}" for m in BRACE_RE.finditer(text))
    return named, positional, braces


def _same_placeholders(source: str, translation: str, python_format: bool) -> bool:
    """Tell whether ``translation`` uses exactly the placeholders of ``source``."""
    named_s, pos_s, brace_s = placeholders(source, python_format)
    named_t, pos_t, brace_t = placeholders(translation, python_format)
    return set(named_s) == set(named_t) and pos_s == pos_t and set(brace_s) == set(brace_t)


def nplurals(po: polib.POFile) -> int | None:
    """Return the ``nplurals`` of the catalog's Plural-Forms header, or None."""
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else None


def _where(po_path: Path, entry: polib.POEntry) -> str:
    """Name an entry for a problem report: file:line and its msgid."""
    rel = po_path.relative_to(ROOT) if po_path.is_relative_to(ROOT) else po_path
    ctx = f" [{entry.msgctxt}]" if entry.msgctxt else ""
    return f"{rel}:{entry.linenum}{ctx} {entry.msgid!r}"


def check_entries(po_path: Path, po: polib.POFile) -> list[str]:
    """Return the problems in the entries of one parsed .po file."""
    problems: list[str] = []
    rel = po_path.relative_to(ROOT) if po_path.is_relative_to(ROOT) else po_path
    lang = po_path.parent.parent.name
    forms = nplurals(po)
    if forms is None:
        problems.append(f"{rel}: no nplurals in the Plural-Forms header")
    elif lang in EXPECTED_NPLURALS and forms != EXPECTED_NPLURALS[lang]:
        problems.append(
            f"{rel}: Plural-Forms says nplurals={forms}, {lang} needs {EXPECTED_NPLURALS[lang]}"
        )
    if po.metadata_is_fuzzy:
        problems.append(f"{rel}: the header is marked fuzzy")
    if po.metadata.get("Language", "") != lang:
        problems.append(f"{rel}: Language header is {po.metadata.get('Language')!r}, not {lang!r}")

    for entry in po:
        if entry.obsolete:
            continue
        where = _where(po_path, entry)
        if entry.fuzzy:
            problems.append(f"{where}: fuzzy")
        python_format = "python-format" in entry.flags
        if entry.msgid_plural:
            given = {int(k): v for k, v in entry.msgstr_plural.items()}
            wanted = range(forms or len(given) or 1)
            missing = [i for i in wanted if not given.get(i)]
            if missing == list(wanted):
                problems.append(f"{where}: untranslated")
                continue
            if missing:
                problems.append(f"{where}: plural form(s) {missing} missing")
            for i, text in sorted(given.items()):
                if not text:
                    continue
                ok = _same_placeholders(entry.msgid_plural, text, python_format)
                if i == 0 and not ok:  # the "one" form may follow the singular msgid
                    ok = _same_placeholders(entry.msgid, text, python_format)
                if not ok:
                    problems.append(f"{where}: placeholders differ in msgstr[{i}] {text!r}")
        elif not entry.msgstr:
            problems.append(f"{where}: untranslated")
        elif not _same_placeholders(entry.msgid, entry.msgstr, python_format):
            problems.append(f"{where}: placeholders differ in {entry.msgstr!r}")
    return problems


def _compiled_view(catalog: polib._BaseFile) -> tuple[dict, dict]:
    """Return (metadata, {key: translation}) as they end up in a .mo file."""
    entries = {}
    for entry in catalog.translated_entries():
        key = (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")
        if entry.msgid_plural:
            value = tuple(v for _, v in sorted((int(k), v) for k, v in entry.msgstr_plural.items()))
        else:
            value = entry.msgstr
        entries[key] = value
    return dict(catalog.metadata), entries


def check_compiled(po_path: Path, po: polib.POFile) -> list[str]:
    """Return a problem if the .mo next to ``po_path`` is missing or out of date."""
    mo_path = po_path.with_suffix(".mo")
    rel = mo_path.relative_to(ROOT) if mo_path.is_relative_to(ROOT) else mo_path
    if not mo_path.exists():
        return [f"{rel}: missing; run tools/compile_messages.py"]
    try:
        mo = polib.mofile(str(mo_path))
    except (OSError, ValueError) as exc:
        return [f"{rel}: unreadable ({exc}); run tools/compile_messages.py"]
    po_meta, po_entries = _compiled_view(po)
    mo_meta, mo_entries = _compiled_view(mo)
    if po_meta != mo_meta or po_entries != mo_entries:
        changed = set(po_entries.items()) ^ set(mo_entries.items())
        return [
            f"{rel}: out of date with its .po ({len({k for k, _ in changed})} entries differ"
            f"{', header differs' if po_meta != mo_meta else ''}); run tools/compile_messages.py"
        ]
    return []


def check(paths: list[Path]) -> list[str]:
    """Return every problem found in the given .po files and their .mo files."""
    problems: list[str] = []
    for po_path in paths:
        po = polib.pofile(str(po_path))
        problems += check_entries(po_path, po)
        problems += check_compiled(po_path, po)
    return problems


def main(argv: list[str] | None = None) -> int:
    """Compile every catalog, or with ``--check`` report problems; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if a catalog is incomplete, inconsistent or not compiled",
    )
    args = parser.parse_args(argv)
    paths = catalogs()
    if not paths:
        print(f"no .po files under {LOCALE_DIR}", file=sys.stderr)
        return 1
    if args.check:
        problems = check(paths)
        if problems:
            print(f"{len(problems)} translation problem(s):", file=sys.stderr)
            for problem in problems:
                print(f"  {problem}", file=sys.stderr)
            return 1
        print(f"{len(paths)} catalog(s) complete and compiled")
        return 0
    for po_path in paths:
        mo_path = compile_catalog(po_path)
        print(f"compiled {mo_path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
