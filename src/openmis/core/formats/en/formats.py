"""English dates as CLDR's medium patterns write them (what :mod:`openmis.core.formatting`
and the charts show), for the dates Django renders itself (``{{ object.updated }}``).
Input formats stay Django's."""

DATE_FORMAT = "M j, Y"
SHORT_DATE_FORMAT = DATE_FORMAT
TIME_FORMAT = "g:i\u202fA"
DATETIME_FORMAT = "M j, Y, g:i\u202fA"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = "M Y"
MONTH_DAY_FORMAT = "M j"
