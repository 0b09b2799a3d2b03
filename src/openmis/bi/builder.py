"""The question builder's form, as plain data both ways: its fields to a query spec, and a
saved spec back to its fields (so a saved question opens again in the builder).

The form has any number of rows per section, each row's fields named by section and index:
measures ``m<i>_agg``, ``m<i>_col`` (``m<i>_as``: a name given through the API, kept);
groupings ``d<i>_col``, ``d<i>_bucket``; filters ``f<i>_col``, ``f<i>_op``, ``f<i>_val``,
``f<i>_unit``; sort keys ``o<i>_col``, ``o<i>_desc``. The indexes need not follow each other
(a row removed leaves a gap); rows are read in index order. A submit button ``add`` (``m``,
``d`` or ``f``) adds an empty row and ``remove`` (``m2``) drops one, so the form works
without JavaScript.

A filter's values are typed as one text: a list (``is one of``, ``between``) as
comma-separated values, a value quoted (``"a, b"``) when it holds a comma, a quote or
spaces at its ends, which :func:`split_values` reads back exactly.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field

from django.http import QueryDict

#: Rows per section the form takes (what one request may make the server parse and render).
MAX_ROWS = 40
SECTIONS = {
    "m": ("agg", "col", "as"),
    "d": ("col", "bucket", "as"),
    "f": ("col", "op", "val", "unit"),
    "o": ("col", "desc"),
}
LIST_OPS = ("in", "not_in")
RELATIVE_OPS = ("last", "this", "previous")
NULL_OPS = ("is_null", "not_null")
_ROW_KEY = re.compile(r"^([mdfo])(\d{1,4})_([a-z]+)$")


@dataclass
class BuilderForm:
    """The builder's rows, section by section, each row a dict of its fields (text)."""

    dataset: str = ""
    measures: list[dict] = field(default_factory=list)
    dimensions: list[dict] = field(default_factory=list)
    filters: list[dict] = field(default_factory=list)
    orders: list[dict] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    limit: str = ""

    def rows(self, section: str) -> list[dict]:
        return {
            "m": self.measures,
            "d": self.dimensions,
            "f": self.filters,
            "o": self.orders,
        }[section]


# --- filter values as text ----------------------------------------------------------------------


def _needs_quotes(value: str) -> bool:
    return value == "" or value != value.strip() or "," in value or '"' in value


def join_values(values) -> str:
    """Values as one text, quoted where :func:`split_values` needs it to read them back."""
    return ", ".join(
        '"' + v.replace('"', '""') + '"' if _needs_quotes(v) else v for v in map(str, values)
    )


def split_values(text: str) -> list[str]:
    """The values of a comma-separated text: unquoted ones stripped and empty ones dropped,
    quoted ones exactly as written (``""`` inside quotes is one quote)."""
    values: list[str] = []
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i] == " ":
            i += 1
        if i < n and text[i] == '"':
            i += 1
            chunk = []
            while i < n:
                if text[i] == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        chunk.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                chunk.append(text[i])
                i += 1
            values.append("".join(chunk))
            comma = text.find(",", i)
            i = n if comma < 0 else comma + 1
        else:
            comma = text.find(",", i)
            end = n if comma < 0 else comma
            value = text[i:end].strip()
            if value:
                values.append(value)
            i = end + 1
    return values


# --- form fields -> form -> spec ------------------------------------------------------------------


def read_form(params, *, buttons: bool = True) -> BuilderForm:
    """The builder's rows from its submitted fields (a QueryDict or a dict), with the row
    asked for by an ``add`` button added and the one named by ``remove`` dropped (unless
    ``buttons`` is false)."""
    get = params.get
    found: dict[str, dict[int, dict]] = {s: {} for s in SECTIONS}
    for key in params:
        match = _ROW_KEY.match(key)
        if not match or match[3] not in SECTIONS[match[1]]:
            continue
        section, index, name = match[1], int(match[2]), match[3]
        rows = found[section]
        if index not in rows and len(rows) >= MAX_ROWS:
            continue
        rows.setdefault(index, dict.fromkeys(SECTIONS[section], ""))[name] = get(key) or ""
    removed = get("remove", "") if buttons else ""
    if removed[:1] in SECTIONS and removed[1:].isdigit():
        found[removed[0]].pop(int(removed[1:]), None)
    form = BuilderForm(dataset=get("dataset", "") or "", limit=(get("limit", "") or "").strip())
    for section, rows in found.items():
        form.rows(section).extend(rows[i] for i in sorted(rows))
    if get("sort"):  # the single sort of older links
        form.orders.insert(0, {"col": get("sort"), "desc": "1" if get("desc") == "1" else ""})
    added = get("add", "") if buttons else ""
    if added in ("m", "d", "f") and len(form.rows(added)) < MAX_ROWS:
        form.rows(added).append(dict.fromkeys(SECTIONS[added], ""))
    getlist = getattr(params, "getlist", None)
    raw_fields = getlist("fields") if getlist else [get("fields")] if get("fields") else []
    form.fields = [f for f in raw_fields if f][: MAX_ROWS * 5]
    return form


def to_spec(form: BuilderForm) -> dict:
    """The query spec the form asks for (rows left blank ask for nothing)."""
    spec: dict = {"dataset": form.dataset}
    measures = []
    for row in form.measures:
        if row["agg"]:
            measure = {"agg": row["agg"]}
            if row["col"]:
                measure["column"] = row["col"]
            if row["as"]:
                measure["as"] = row["as"]
            measures.append(measure)
    dimensions = []
    for row in form.dimensions:
        if row["col"]:
            if row["bucket"] or row["as"]:
                dim = {"column": row["col"]}
                if row["bucket"]:
                    dim["bucket"] = row["bucket"]
                if row["as"]:
                    dim["as"] = row["as"]
                dimensions.append(dim)
            else:
                dimensions.append(row["col"])
    filters = [_filter(row) for row in form.filters if row["col"] and row["op"]]
    orders = [
        {"column": row["col"], "desc": row["desc"] == "1"} for row in form.orders if row["col"]
    ]
    if measures:
        spec["measures"] = measures
    if dimensions:
        spec["dimensions"] = dimensions
    if not measures and not dimensions and form.fields:
        spec["fields"] = list(form.fields)
    if filters:
        spec["filters"] = filters
    if orders:
        spec["order_by"] = orders
    if form.limit:
        try:
            spec["limit"] = int(form.limit)
        except ValueError:
            spec["limit"] = form.limit  # refused by the spec's parser, with a sentence
    return spec


def _filter(row: dict) -> dict:
    op, raw, unit = row["op"], row["val"], row["unit"]
    flt: dict = {"column": row["col"], "op": op}
    if op in LIST_OPS:
        flt["value"] = split_values(raw)
    elif op == "between":
        values = split_values(raw)
        if len(values) != 2 and ".." in raw:
            values = [v.strip() for v in raw.split("..", 1)]
        flt["value"] = values if len(values) == 2 else [raw, raw]
    elif op == "last":
        flt["value"], flt["unit"] = raw, unit or "month"
        with contextlib.suppress(ValueError):
            flt["value"] = int(raw)
    elif op in ("this", "previous"):
        flt["unit"] = unit or "month"
    elif op not in NULL_OPS:
        flt["value"] = raw
    return flt


# --- spec -> form fields ------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def from_spec(spec: dict) -> BuilderForm:
    """The form that asks for ``spec`` (a saved question's, in the builder's shape or the
    canonical one the API stores): what :func:`to_spec` turns back into the same spec."""
    form = BuilderForm(dataset=spec.get("dataset", ""))
    for m in spec.get("measures") or []:
        form.measures.append(
            {"agg": m.get("agg", ""), "col": m.get("column") or "", "as": m.get("as") or ""}
        )
    for d in spec.get("dimensions") or []:
        if isinstance(d, str):
            d = {"column": d}
        form.dimensions.append(
            {"col": d.get("column", ""), "bucket": d.get("bucket") or "", "as": d.get("as") or ""}
        )
    for f in spec.get("filters") or []:
        op, value = f.get("op", ""), f.get("value")
        if op in LIST_OPS or op == "between":
            text = join_values(_text(v) for v in (value or []))
        else:
            text = _text(value)
        form.filters.append(
            {"col": f.get("column", ""), "op": op, "val": text, "unit": f.get("unit") or ""}
        )
    for o in spec.get("order_by") or []:
        form.orders.append({"col": o.get("column", ""), "desc": "1" if o.get("desc") else ""})
    form.fields = list(spec.get("fields") or [])
    limit = spec.get("limit")
    form.limit = "" if limit is None else str(limit)
    return form


def to_params(form: BuilderForm) -> QueryDict:
    """The form's fields, as a browser would submit them (rows numbered from 0)."""
    params = QueryDict(mutable=True)
    params["dataset"] = form.dataset
    for section in SECTIONS:
        for i, row in enumerate(form.rows(section)):
            for name in SECTIONS[section]:
                if row.get(name):
                    params[f"{section}{i}_{name}"] = row[name]
            if not any(row.values()):
                params[f"{section}{i}_{SECTIONS[section][0]}"] = ""
    for f in form.fields:
        params.appendlist("fields", f)
    if form.limit:
        params["limit"] = form.limit
    return params


def sorted_by(params, column: str) -> str:
    """The query string of the same form sorted by ``column`` alone: ascending, or descending
    when it already is sorted ascending by it first (a click on a result's column header)."""
    form = read_form(params, buttons=False)
    first = form.orders[0] if form.orders else None
    descending = bool(first and first["col"] == column and first["desc"] != "1")
    form.orders = [{"col": column, "desc": "1" if descending else ""}]
    return _query(form, params)


def sorted_also(params, column: str) -> str:
    """The query string of the same form sorted by ``column`` too, after the keys it has
    (a shift-click on a header): ascending at the end, or, when it is one of them already,
    that key reversed in its place."""
    form = read_form(params, buttons=False)
    for row in form.orders:
        if row["col"] == column:
            row["desc"] = "" if row["desc"] == "1" else "1"
            break
    else:
        if len(form.orders) < MAX_ROWS:
            form.orders.append({"col": column, "desc": ""})
    return _query(form, params)


def _query(form: BuilderForm, params) -> str:
    out = to_params(form)
    for key in ("chart", "question"):
        if params.get(key):
            out[key] = params.get(key)
    return out.urlencode()
