"""Pages of the appraisal app beyond the generic ones (added to the "appraisal" namespace)."""

from openmis.appraisal import documents, entry, grid

urlpatterns = [*documents.urlpatterns, *grid.urlpatterns, *entry.urlpatterns]
