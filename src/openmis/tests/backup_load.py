"""A separate process on one installation, for the backup tests.

``write STOP LOG``: keeps adding people and appending a small file to the ``leads`` dataset
until the file STOP exists, logging each committed count of people and, after each import,
the new data version and the answer to :data:`SPEC` (the source's answer as of that version).

``report``: prints, as JSON, the people, the dataset's version and rows, and the answer to
:data:`SPEC` -- what a restored installation holds.

The installation is the one the environment names (``OPENMIS_DATA_DIR``, ``DATABASE_URL``).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

SPEC = {
    "dataset": "leads",
    "measures": [{"agg": "sum", "column": "amount"}, {"agg": "count"}],
    "dimensions": ["region"],
}
CSV = "id,region,amount\n1,North,1.5\n2,South,2.25\n3,North,4\n"


def _setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "openmis.settings"
    import django

    django.setup()


def write(stop: Path, log: Path) -> None:
    _setup()
    from openmis.bi import loading, services
    from openmis.bi.models import Dataset, ImportJob
    from openmis.org.models import Department, Person
    from openmis.org.roles import ANALYST
    from openmis.org.tests.factories import user_with_role

    reader = user_with_role(ANALYST, username="reader")
    department = Department.objects.create(name="Writers")
    dataset = Dataset.objects.create(name="leads", title="Leads")
    source = log.with_name("leads.csv")
    source.write_text(CSV, encoding="utf-8")
    n = 0
    with log.open("a", encoding="utf-8") as out:
        while not stop.exists():
            Person.objects.create(
                first_name=f"P{n}", last_name="Writer", email=f"p{n}@example.org",
                department=department,
            )  # fmt: skip
            n += 1
            out.write(json.dumps({"people": n}) + "\n")
            if n % 4 == 1:
                dataset.refresh_from_db()
                job = loading.import_now(dataset, source, mode=ImportJob.Mode.APPEND)
                answer = services.run_query(reader, SPEC, use_cache=False)["rows"]
                out.write(json.dumps({"version": job.pk, "answer": answer}) + "\n")
            out.flush()


def report() -> None:
    _setup()
    from django.contrib.auth import get_user_model

    from openmis.bi import services
    from openmis.bi.models import Dataset
    from openmis.org.models import Person

    reader = get_user_model().objects.get(username="reader")
    dataset = Dataset.objects.get(name="leads")
    people = list(
        Person.objects.filter(last_name="Writer")
        .order_by("pk")
        .values_list("first_name", flat=True)
    )
    answer = services.run_query(reader, SPEC, use_cache=False)["rows"]
    print(
        json.dumps(
            {
                "people": people,
                "version": dataset.data_version,
                "rows": dataset.row_count,
                "answer": answer,
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        report()
