"""The governance app's own pages, one module per subject."""
