"""How the evaluation's documents write numbers, years and names (numbers through
:mod:`openmis.core.formatting`, like every page)."""

from __future__ import annotations

from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _

from openmis.appraisal.models import Evaluation
from openmis.core import formatting


def npv_convention() -> str:
    """The sentence that states how NPV is discounted (the same as on the evaluation page)."""
    return _(
        "NPV convention: year 0 is not discounted; year t is divided by (1 + r)^t. (Excel's "
        "NPV() also discounts the first value: add year 0 to it to compare.)"
    )


def number_text(value, places: int = 2) -> str:
    """``value`` in the active language's number format, or an em dash if it does not exist."""
    return formatting.number_text(value, places)


def percent_text(value) -> str:
    """A fraction as a percentage with one decimal, as every page writes it."""
    return formatting.percent_text(value, 1)


def years_text(value) -> str:
    return _("not within the horizon") if value is None else number_text(value, 1)


def irr_text(row: dict) -> str:
    if row["irr"] is None:
        return _("no IRR")
    return percent_text(row["irr"]) + (" *" if row["irr_warning"] else "")


def field_label_text(name: str) -> str:
    return str(capfirst(Evaluation._meta.get_field(name).verbose_name))


def filename_text(evaluation: Evaluation, prefix: str, extension: str) -> str:
    return f"{prefix}-{slugify(evaluation.title)[:60].strip('-') or evaluation.pk}.{extension}"
