"""The language of the demo data: which one to load, and the texts of each app's demo in it.

The demo's sentences are data, not interface strings: each app keeps them beside its demo
module (``<app>/demo_texts.py``) as a table from the English text to its Polish one, so the
main message catalogue stays about the interface, and a demo loaded in Polish reads like a
Polish company's records (which a catalogue switched by the reader's language could not do:
the data is stored once, in one language).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

LANGUAGES = ("en", "pl")
DEFAULT = "en"
ENVIRONMENT = "OPENMIS_DEMO_LANGUAGE"


def detect(environ: Mapping[str, str] | None = None) -> str:
    """The demo language a first run should load: ``OPENMIS_DEMO_LANGUAGE`` when set, else
    the locale of the environment (``LC_ALL``, ``LC_MESSAGES``, ``LANG``, the first one set,
    as the C library reads them) when it is Polish, else English."""
    env = os.environ if environ is None else environ
    chosen = env.get(ENVIRONMENT, "").strip().lower()
    if chosen:
        return normalise(chosen)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "").strip()
        if value:
            return "pl" if value.lower().startswith("pl") else DEFAULT
    return DEFAULT


def normalise(language: str) -> str:
    """``pl``, ``pl_PL.UTF-8`` or ``pl-PL`` -> ``pl``; anything not Polish -> English."""
    return "pl" if language.strip().lower()[:2] == "pl" else DEFAULT


class Texts:
    """``t("English text")``: the text in the demo's language.

    ``polish`` maps each English text to its Polish one; a text missing from it stays English
    (names of real products and vendors are the same in both languages).
    """

    def __init__(self, language: str, polish: Mapping[str, str]):
        self.language = normalise(language)
        self.polish = polish

    def __call__(self, text: str) -> str:
        if self.language == "pl":
            return self.polish.get(text, text)
        return text

    def all(self, texts):
        """Every text of ``texts`` in the demo's language (a list)."""
        return [self(text) for text in texts]
