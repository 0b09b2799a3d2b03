"""The demo data of every app, loaded and removed in dependency order."""

from __future__ import annotations

from django.db import transaction

from openmis.core import demotext


def _apps():
    from openmis.appraisal import demo as appraisal
    from openmis.bi import demo as bi
    from openmis.feedback import demo as feedback
    from openmis.governance import demo as governance
    from openmis.meetings import demo as meetings
    from openmis.org import demo as org
    from openmis.portfolio import demo as portfolio
    from openmis.staffing import demo as staffing

    return [org, portfolio, governance, staffing, meetings, feedback, appraisal, bi]


def is_loaded() -> bool:
    from openmis.org import demo as org

    return org.is_loaded()


@transaction.atomic
def load(language: str = "en") -> dict[str, int]:
    """Load every app's demo data written in ``language`` (``en`` or ``pl``: department,
    system and product names, meetings, feedback, policies, courses…); returns what the
    organization part counted."""
    language = demotext.normalise(language)
    modules = _apps()
    counts = modules[0].load(language=language)
    for module in modules[1:]:
        module.load(language=language)
    return counts


@transaction.atomic
def reset() -> None:
    for module in reversed(_apps()):
        module.reset()
