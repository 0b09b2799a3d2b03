"""How the BI app is layered: models hold data and invariants, services act on them.

The models state what a valid dataset or question is, but never import a service module:
the warehouse checks are plugged in at start-up, and a deleted dataset's data is dropped by
a receiver the app connects, so that a dataset deleted any way (a page, the API, a queryset,
the demo reset) leaves nothing in the warehouse.
"""

import grimp
import pytest

from openmis.bi.models import Dataset
from openmis.bi.tests import factories as f
from openmis.bi.tests.test_imports import readable

SERVICES = ["openmis.bi.services", "openmis.bi.loading", "openmis.bi.catalog"]


def test_no_model_module_imports_a_bi_service_module():
    # Given the import graph of the project
    graph = grimp.build_graph("openmis", cache_dir=None)
    models = sorted(m for m in graph.modules if m.startswith("openmis.bi.models"))
    # When each model module's imports are followed, directly or not
    chains = {
        (model, service): graph.find_shortest_chain(importer=model, imported=service)
        for model in models
        for service in SERVICES
    }
    # Then none of them reaches a service module
    assert len(models) == 6
    assert {pair: chain for pair, chain in chains.items() if chain is not None} == {}


@pytest.mark.django_db(transaction=False)
def test_a_dataset_deleted_through_a_queryset_leaves_no_data_once_committed(
    django_capture_on_commit_callbacks,
):
    # Given the orders, loaded into the warehouse
    dataset = f.orders()
    key, version = dataset.key, dataset.data_version
    assert readable(key, version)
    # When they are deleted in bulk, as the demo reset does
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Dataset.objects.filter(pk=dataset.pk).delete()
        # (the data stays until the deletion is committed)
        assert readable(key, version)
    # Then, once committed, the warehouse no longer holds their version
    assert len(callbacks) == 1
    assert not readable(key, version)
