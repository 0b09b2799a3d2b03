from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BiConfig(AppConfig):
    """Business intelligence: the warehouse's datasets, questions, dashboards and sharing."""

    name = "openmis.bi"
    label = "bi"
    verbose_name = _("Business intelligence")

    def ready(self):
        from django.db.models.signals import post_delete
        from django.utils import translation

        from openmis.analytics import i18n
        from openmis.bi import (
            loading,
            registry,  # noqa: F401  (registers the objects)
        )
        from openmis.bi.models import Dataset
        from openmis.bi.models.base import warehouse_checks
        from openmis.core import formatting
        from openmis.core.registry import on_call

        # The models state what a valid dataset or question is; the checks that reach the
        # warehouse are the services', plugged in here so that no model imports a service
        # (and imported when first called: the catalog imports the query engine).
        warehouse_checks.install(
            external_table=on_call("openmis.bi.catalog.check_external_table"),
            spec=on_call("openmis.bi.catalog.check_spec"),
            sql=on_call("openmis.bi.catalog.check_sql"),
        )
        post_delete.connect(
            loading.drop_deleted_data, sender=Dataset, dispatch_uid="openmis-bi-dataset-data"
        )

        # The analytics layer has no Django import: its error messages are translated with
        # Django's catalogs (in the active language of the request) once plugged in here.
        i18n.install(
            translation.gettext,
            translation.ngettext,
            formatting.number_text,
        )
