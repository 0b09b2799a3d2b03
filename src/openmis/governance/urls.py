"""The governance app's own pages, beside the generic ones of its registered types."""

from openmis.governance.views import training

urlpatterns = [*training.urlpatterns]
