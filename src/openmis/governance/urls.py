"""The governance app's own pages, beside the generic ones of its registered types."""

urlpatterns = []
