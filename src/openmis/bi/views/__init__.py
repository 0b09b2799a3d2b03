"""Pages of the BI app, by subject: datasets and imports, questions (builder, SQL editor,
results, exports), dashboards, and sharing. Their URLs are in :mod:`openmis.bi.urls`."""
