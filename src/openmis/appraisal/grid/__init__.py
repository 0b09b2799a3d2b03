"""The cash-flow grid: enter an alternative's amounts by year and line in one table (htmx).

The grid is another view of the :class:`~openmis.appraisal.models.CashFlowLine` rows: a grid
row is a category and a note, a cell is the line of that row in one year (its amount is the
most likely value, and it may carry its own minimum and maximum for the risk analysis). An
empty cell is no line. Two lines with the same category, note and year go to two grid rows,
so every stored line has exactly one cell and nothing is merged behind the user's back.

Editing happens in the browser; "Save" posts one alternative's whole table, which is checked
cell by cell and written all or nothing through :func:`openmis.core.services.save_object` and
:func:`~openmis.core.services.delete_object` (so every change is audited and a line changed by
someone else meanwhile is a conflict, not an overwrite). "Add row" and the row's delete button
re-render the posted table without writing anything. A successful save answers
``HX-Refresh: true``: the page reloads, and the results, charts and history follow the data.

Posted fields of an alternative's form (few per row: Django accepts 1000 fields a request):
``horizon`` (the horizon the table was drawn for), ``shown`` (``"id:version ..."`` of the
lines the table was drawn from), ``ranges`` (the ranges switch), and per row ``i``:
``r<i>-category``, ``r<i>-note``, ``r<i>-ids`` (``"year:id ..."``), and per year ``t``:
``r<i>-<t>`` (amount), ``r<i>-<t>-min``, ``r<i>-<t>-max``.

Modules: ``table`` (the grid in memory, from the lines or the post), ``save`` (checking and
writing) and ``views`` (the pages and their URLs).
"""

from openmis.appraisal.grid.save import Plan, execute, plan_save
from openmis.appraisal.grid.table import (
    MAX_ROWS,
    Cell,
    GarbledGrid,
    Grid,
    Row,
    format_amount,
    grid_from_lines,
    grid_from_post,
    parse_amount,
)
from openmis.appraisal.grid.views import line_permissions, urlpatterns

__all__ = [
    "MAX_ROWS",
    "Cell",
    "GarbledGrid",
    "Grid",
    "Plan",
    "Row",
    "execute",
    "format_amount",
    "grid_from_lines",
    "grid_from_post",
    "line_permissions",
    "parse_amount",
    "plan_save",
    "urlpatterns",
]
