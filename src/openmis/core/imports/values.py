"""Numbers and dates as spreadsheets write them, in English or Polish: the rules live in
:mod:`openmis.analytics.textvalues`, shared with the BI warehouse's CSV loading."""

from openmis.analytics.textvalues import (
    DATE_FORMATS,
    DATETIME_FORMATS,
    GROUP_SPACES,
    parse_date,
    parse_datetime,
    parse_number,
)

__all__ = [
    "DATETIME_FORMATS",
    "DATE_FORMATS",
    "GROUP_SPACES",
    "parse_date",
    "parse_datetime",
    "parse_number",
]
