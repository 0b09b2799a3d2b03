"""Polish dates as CLDR's medium patterns write them ("7 gru 2026, 03:50"), the same as
:mod:`openmis.core.formatting` and the charts, for the dates Django renders itself
(``{{ object.updated }}``). Input formats stay Django's."""

DATE_FORMAT = "j b Y"
SHORT_DATE_FORMAT = DATE_FORMAT
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j b Y, H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = "b Y"
MONTH_DAY_FORMAT = "j b"
