"""Background jobs of the BI app (django-tasks; run by ``openmis worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def import_file(job_id: int) -> None:
    """Load an uploaded file into its dataset (see :func:`openmis.bi.loading.run_import`)."""
    from openmis.bi.loading import run_import

    run_import(job_id)


@task()
def profile_version(dataset_id: int, version: int) -> None:
    """Profile a newly loaded version (see :func:`openmis.bi.loading.profile_dataset`)."""
    from openmis.bi.loading import profile_dataset

    profile_dataset(dataset_id, version)
