"""Collects the sample data that every app declares for its registered models."""

from importlib import import_module

from openmis.core import registry


def all_samples() -> dict[str, dict]:
    """``{"app.model": sample}`` from each app's ``tests/samples.py``."""
    samples: dict[str, dict] = {}
    for app_label in sorted({ot.app_label for ot in registry.all_types()}):
        module = import_module(f"openmis.{app_label}.tests.samples")
        samples.update(module.SAMPLES)
    return samples


def form_data(object_type, obj) -> dict:
    """The POST data of the edit form as the browser would send it for ``obj`` unchanged."""
    form = object_type.form(instance=obj)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return data
