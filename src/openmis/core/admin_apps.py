"""Django's admin as OpenMIS installs it (``openmis.core.admin_apps.AdminConfig``).

A module of its own: a second AppConfig in ``openmis.core.apps`` would stop Django from picking
``CoreConfig`` for ``openmis.core`` by itself.
"""

from django.contrib.admin.apps import SimpleAdminConfig


class AdminConfig(SimpleAdminConfig):
    """Django's admin (``django.contrib.admin``), discovering the ``admin`` module of every
    installed app except those in :attr:`skip_admin_modules`.

    ``import_export.admin`` holds only mixins for ModelAdmins (OpenMIS uses none) and registers
    nothing, but importing it loads tablib, openpyxl and numpy: a third of a second on every
    start of every process. It is still importable by whoever needs it.
    """

    default = False
    skip_admin_modules = frozenset({"import_export"})

    def ready(self):
        """``django.utils.module_loading.autodiscover_modules("admin")``, skipping some apps."""
        import copy
        from importlib import import_module

        from django.apps import apps
        from django.utils.module_loading import module_has_submodule

        super().ready()
        site = self.module.site
        for app_config in apps.get_app_configs():
            if app_config.name in self.skip_admin_modules:
                continue
            registry = copy.copy(site._registry)
            try:
                import_module(f"{app_config.name}.admin")
            except Exception:
                site._registry = registry  # as autodiscover_modules: undo a partial import
                if module_has_submodule(app_config.module, "admin"):
                    raise
