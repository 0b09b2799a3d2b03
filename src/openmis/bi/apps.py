from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _catalog_check(name: str):
    """:mod:`openmis.bi.catalog`'s check ``name``, imported when first called: the catalog
    imports the query engine (Ibis, sqlglot, DuckDB), which starting Django need not load."""

    def check(*args, **kwargs):
        from openmis.bi import catalog

        return getattr(catalog, name)(*args, **kwargs)

    check.__name__ = check.__qualname__ = name
    return check


class BiConfig(AppConfig):
    """Business intelligence: the warehouse's datasets, questions, dashboards and sharing."""

    name = "openmis.bi"
    label = "bi"
    verbose_name = _("Business intelligence")

    def ready(self):
        from django.db.models.signals import post_delete
        from django.utils import formats, translation

        from openmis.analytics import i18n
        from openmis.bi import (
            loading,
            registry,  # noqa: F401  (registers the objects)
        )
        from openmis.bi.models import Dataset
        from openmis.bi.models.base import warehouse_checks

        # The models state what a valid dataset or question is; the checks that reach the
        # warehouse are the services', plugged in here so that no model imports a service.
        warehouse_checks.install(
            external_table=_catalog_check("check_external_table"),
            spec=_catalog_check("check_spec"),
            sql=_catalog_check("check_sql"),
        )
        post_delete.connect(
            loading.drop_deleted_data, sender=Dataset, dispatch_uid="openmis-bi-dataset-data"
        )

        # The analytics layer has no Django import: its error messages are translated with
        # Django's catalogs (in the active language of the request) once plugged in here.
        i18n.install(
            translation.gettext,
            translation.ngettext,
            lambda n: formats.number_format(n, force_grouping=True),
        )
