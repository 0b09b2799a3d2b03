"""Values in a query spec: JSON values coerced to the Python values a column compares with."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from decimal import Decimal, InvalidOperation
from typing import Any

import ibis.expr.datatypes as dtypes

from openmis.analytics.errors import SpecError
from openmis.analytics.i18n import _
from openmis.analytics.spec.model import LIST_OPS, NULL_OPS, TEXT_OPS


def coerce_value(dtype: dtypes.DataType, value: Any) -> Any:
    """Coerce one JSON value to the Python value a column of ``dtype`` compares with.

    Raises
    ------
    ValueError
        With a sentence saying what was expected.
    """
    if value is None:
        raise ValueError(_("A value is required here (to match empty values, use is_null)."))
    if dtype.is_boolean():
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise ValueError(_("The value must be true or false."))
    if dtype.is_numeric():
        return _coerce_number(value)
    if dtype.is_string():
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        raise ValueError(_("The value must be a text."))
    if dtype.is_date():
        if isinstance(value, str) and len(value) == 10:
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(value)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        raise ValueError(_("The value must be a date in ISO format, e.g. 2024-03-31."))
    if dtype.is_timestamp():
        return _coerce_timestamp(dtype, value)
    raise ValueError(
        _("Columns of type %(type)s can only be tested with is_null or not_null.") % {"type": dtype}
    )


def _coerce_number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise ValueError(_("The value must be a number."))
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise ValueError(_("The number is too large."))
        return value
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(_('"%(value)s" is not a number.') % {"value": value.strip()}) from None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(_("The value must be a finite number."))
        if value == value.to_integral_value() and "." not in str(value):
            return _coerce_number(int(value))
        value = float(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(_("The value must be a finite number."))
        return value
    raise ValueError(_("The value must be a number."))


def _coerce_timestamp(dtype: dtypes.DataType, value: Any) -> dt.date:
    if isinstance(value, str):
        text = value.strip()
        try:
            value = (dt.date if len(text) == 10 else dt.datetime).fromisoformat(text)
        except ValueError:
            raise ValueError(
                _(
                    "The value must be a date or a timestamp in ISO format, "
                    "e.g. 2024-03-31 or 2024-03-31T14:30:00."
                )
            ) from None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
            if dtype.timezone is None:
                value = value.replace(tzinfo=None)
        return value
    if isinstance(value, dt.date):
        return value
    raise ValueError(_("The value must be a date or a timestamp in ISO format."))


def _same_kind_timestamps(values: tuple) -> tuple:
    """A date among timestamps means its midnight; a list of dates only compares days."""
    if any(isinstance(v, dt.datetime) for v in values):
        return tuple(
            v if isinstance(v, dt.datetime) else dt.datetime.combine(v, dt.time()) for v in values
        )
    return values


def filter_value(dtype: dtypes.DataType, op: str, value: Any, field: str) -> Any:
    """Check and coerce the value of a filter or row-rule condition for ``op``.

    Lists come back as tuples. Raises :class:`SpecError` at ``field`` when the value does not
    fit the operator or the column type.
    """
    if op in NULL_OPS:
        return None
    try:
        if op == "between":
            if not isinstance(value, list | tuple) or len(value) != 2:
                raise ValueError(_('"between" needs a list of two values: [low, high].'))
            values = tuple(coerce_value(dtype, v) for v in value)
        elif op in LIST_OPS:
            if not isinstance(value, list | tuple) or not value:
                raise ValueError(_('"%(op)s" needs a non-empty list of values.') % {"op": op})
            values = tuple(coerce_value(dtype, v) for v in value)
        elif op in TEXT_OPS:
            if not isinstance(value, str):
                raise ValueError(_('"%(op)s" needs a text value.') % {"op": op})
            return value
        else:
            if isinstance(value, list | tuple | dict):
                raise ValueError(_('"%(op)s" needs a single value, not a list.') % {"op": op})
            return coerce_value(dtype, value)
    except ValueError as exc:
        raise SpecError(field, str(exc)) from None
    return _same_kind_timestamps(values) if dtype.is_timestamp() else values
