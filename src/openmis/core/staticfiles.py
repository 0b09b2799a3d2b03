"""The storage of static files in production: WhiteNoise's compressed manifest storage, whose
URLs are kept once looked up."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """:class:`~whitenoise.storage.CompressedManifestStaticFilesStorage` that keeps each URL.

    Every page links the same stylesheets and scripts, and ``{% static %}`` looked each one up
    in the manifest and joined it to ``STATIC_URL`` (a tenth of a list page's rendering). The
    manifest is read once when the process starts and never changes while it runs, so the
    URL of a name is the same for the life of the process.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url
