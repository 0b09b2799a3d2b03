"""Pure analytics layer (no Django): query spec -> Ibis expression -> SQL -> engine -> result.

The BI app (``openmis.bi``) is the only Django code that calls into this package. Modules:

- ``errors``    the exceptions every caller turns into a 400 (or an import failure)
- ``i18n``      the translator of their messages (English until the BI app plugs in Django's)
- ``catalog``   plain descriptions of datasets, their physical location, relations, row policies
- ``spec``      parsing and validating a query spec (the JSON of ``POST /api/bi/query/``)
- ``compile``   spec + catalog + row policies -> Ibis expression -> SQL for the engine's dialect
- ``guard``     the read-only SQL guard (sqlglot): one SELECT, known tables only, rewritten to
                the secured relations
- ``warehouse`` engines: DuckDB per-version files (default) and any Ibis backend by URL;
                loading files with the engine's native readers, executing with limits, profiling

The package itself imports nothing: every process that starts Django loads the BI models,
which need only :mod:`.errors`, so Ibis, sqlglot and the engines are imported by the modules
that use them. Ibis teaches sqlglot's dialects its own SQL (PostgreSQL's ``make_date``, for
instance) when ``ibis.backends.sql.dialects`` is imported, and sqlglot caches a dialect's
generator on first use: every module here that writes SQL (:mod:`.compile`, :mod:`.guard`,
:mod:`.warehouse.base`) imports it first, or date filters compile to functions PostgreSQL
does not have.
"""
