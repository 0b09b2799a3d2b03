"""Jobs the background worker runs on a schedule (django-tasks), registered by the apps.

An app registers a function without arguments with :func:`register_periodic`, e.g. in its
``registry.py``::

    register_periodic(materialising.materialise_due, every=timedelta(hours=1))

``openmis worker`` calls :func:`start` as it starts: every job runs at once, and each run
plans the job's next run ``every`` later (a task with ``run_after``), so a job runs at the
worker's start and then periodically for as long as a worker runs. A run that fails is
recorded as a failed task result and the job is still planned again. One run of a job waits
in the queue at a time: a restarted worker replaces the waiting run by one that runs now, and
successful runs older than a week are pruned, so the queue does not grow.

With a backend that cannot defer (the immediate backend of the tests and of
``OPENMIS_TASKS=immediate``, which starts no worker), :func:`start` runs each job once and
plans nothing: run the jobs' management commands from cron there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import task

#: Successful runs of periodic jobs are kept this long (failed ones until pruned by hand).
KEEP_RESULTS = timedelta(days=7)


@dataclass(frozen=True)
class PeriodicJob:
    """A function the worker calls every ``every``; ``name`` is its dotted path."""

    name: str
    func: Callable[[], object]
    every: timedelta


_jobs: dict[str, PeriodicJob] = {}


def register_periodic(func: Callable[[], object], every: timedelta) -> PeriodicJob:
    """Have the worker call ``func()`` when it starts and then every ``every``.

    ``func`` takes no arguments and returns something JSON can hold (or ``None``); it should
    be safe to run twice in a row and cheap when there is nothing to do.
    """
    if every <= timedelta(0):
        raise ValueError("A periodic job needs a positive period.")
    job = PeriodicJob(f"{func.__module__}.{func.__qualname__}", func, every)
    _jobs[job.name] = job
    return job


def jobs() -> list[PeriodicJob]:
    """The registered jobs, in the order they were registered."""
    return list(_jobs.values())


@task()
def run_job(name: str):
    """Run the periodic job ``name`` once, then plan its next run (also when it fails)."""
    job = _jobs[name]
    try:
        return job.func()
    finally:
        plan(job)


def _results():
    """Stored results of :func:`run_job` (database backend only), else ``None``."""
    from django_tasks_db.backend import DatabaseBackend

    backend = run_job.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=run_job.module_path, backend_name=backend.alias)


def _waiting(job: PeriodicJob):
    from django_tasks import TaskResultStatus

    return _results().filter(status=TaskResultStatus.READY, args_kwargs__args__0=job.name)


def plan(job: PeriodicJob, now: datetime | None = None):
    """Queue the next run of ``job``, ``job.every`` after ``now``, unless one is waiting
    already; returns the queued task result, or ``None``."""
    if not run_job.get_backend().supports_defer or _results() is None:
        return None
    from django_tasks import TaskResultStatus

    now = now or timezone.now()
    _results().filter(
        status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - KEEP_RESULTS
    ).delete()
    if _waiting(job).exists():
        return None
    return run_job.using(run_after=now + job.every).enqueue(job.name)


def start() -> list:
    """Run every registered job now (queued for the worker; at once with the immediate
    backend), in place of any run that was waiting; returns the task results."""
    started = []
    for job in jobs():
        if _results() is not None:
            _waiting(job).delete()
        started.append(run_job.enqueue(job.name))
    return started
