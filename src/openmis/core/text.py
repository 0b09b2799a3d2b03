"""Text as OpenMIS stores it: without the control characters that XML (hence XLSX, and the
exports) cannot hold. Tab, line feed and carriage return stay.

New text is cleaned when any model of OpenMIS is saved (forms, API, imports, commands alike:
one place); text stored before is cleaned again by the exports (:mod:`openmis.core.exports`).
"""

import re

from django.db import models

#: The control characters XML (and so an .xlsx cell) cannot hold: openpyxl's
#: ``openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE``, written out so that saving a model does not
#: import openpyxl (a third of a second at start-up).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def clean_text(value: str) -> str:
    """``value`` without the control characters XML cannot hold (tab, LF and CR stay)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def clean_instance_text(sender, instance, **kwargs) -> None:
    """``pre_save`` receiver: strip control characters from every text field of OpenMIS's
    own models (a pasted log with terminal colour codes is stored as its plain text)."""
    if not sender.__module__.startswith("openmis."):
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
                setattr(instance, field.attname, clean_text(value))
