"""Periodic jobs: the worker runs each registered job at its start, then every period, with one
run waiting at a time; the immediate backend runs them once and plans nothing."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from openmis.core import periodic

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
calls: list[str] = []


def count_a_call():
    """A periodic job of these tests."""
    calls.append("ran")
    return len(calls)


@pytest.fixture
def job(monkeypatch):
    # The worker closes a connection found inside a transaction, as each test's is here.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(periodic, "_jobs", {})
    calls.clear()
    return periodic.register_periodic(count_a_call, every=timedelta(hours=1))


def waiting():
    return list(
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).values_list(
            "args_kwargs", "run_after"
        )
    )


def run_ready_tasks():
    """What ``openmis worker`` does with the queue, until nothing is ready (without the
    command's signal handlers, which would outlive the test)."""
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_job_runs_at_the_worker_s_start_then_every_period_one_run_waiting(job):
    # when the worker starts
    periodic.start()
    # then one run of the job is queued to run now
    assert [args for args, _after in waiting()] == [{"args": [job.name], "kwargs": {}}]
    before = timezone.now()
    run_ready_tasks()
    # and once it ran, the next run waits an hour later, and only that one
    assert calls == ["ran"]
    ((args, run_after),) = waiting()
    assert args == {"args": [job.name], "kwargs": {}}
    assert before + job.every <= run_after <= timezone.now() + job.every
    # when the worker is restarted before that, the job runs at once in place of the waiting one
    periodic.start()
    ((_args, run_after),) = waiting()
    assert run_after > timezone.now() + timedelta(days=365)  # "now" is stored as the far future
    run_ready_tasks()
    assert calls == ["ran", "ran"]
    assert len(waiting()) == 1
    # and planning again while a run waits adds none
    assert periodic.plan(job) is None
    assert len(waiting()) == 1


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_failed_run_is_recorded_and_the_job_still_planned(job):
    def fail():
        raise RuntimeError("the mail server is down")

    periodic._jobs[job.name] = periodic.PeriodicJob(job.name, fail, job.every)
    periodic.start()
    run_ready_tasks()
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert failed.exception_class_path == "builtins.RuntimeError"
    assert len(waiting()) == 1


@override_settings(TASKS=DATABASE_QUEUE)
def test_old_successful_runs_are_pruned(job):
    periodic.start()
    run_ready_tasks()
    DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).update(
        finished_at=timezone.now() - periodic.KEEP_RESULTS - timedelta(minutes=1)
    )
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).delete()
    periodic.plan(job)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 0
    assert len(waiting()) == 1


def test_the_immediate_backend_runs_each_job_once_at_start_and_plans_nothing(job):
    (result,) = periodic.start()
    assert (result.status, result.return_value, calls) == (TaskResultStatus.SUCCESSFUL, 1, ["ran"])
    assert DBTaskResult.objects.count() == 0


def test_a_period_must_be_positive(job):
    with pytest.raises(ValueError, match="positive period"):
        periodic.register_periodic(count_a_call, every=timedelta(0))
