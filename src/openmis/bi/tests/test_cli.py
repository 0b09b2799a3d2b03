"""``openmis warehouse import FILE --dataset NAME [--replace|--append] [--types JSON]``."""

import pytest
from django.conf import settings

from openmis import cli
from openmis.bi import services
from openmis.bi.models import Dataset, ImportJob
from openmis.bi.tests import factories as f
from openmis.org.roles import ANALYST

pytestmark = pytest.mark.django_db

SUM_BY_REGION = {
    "dataset": "leads",
    "measures": [{"agg": "sum", "column": "amount"}, {"agg": "count"}],
    "dimensions": ["region"],
}
ROWS = [["North", 375.75, 3], ["South", 350.25, 2], ["West", 25.0, 1]]


@pytest.fixture(autouse=True)
def _no_migrate(monkeypatch):
    """The test database is migrated already; the command's own migrate is skipped."""
    calls = []
    monkeypatch.setattr(cli, "_manage", lambda *args: calls.append(args))
    return calls


@pytest.fixture
def orders_csv(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text(f.ORDERS_CSV, encoding="utf-8")
    return path


@pytest.fixture
def reader(make_user):
    return make_user(ANALYST)


def run(capsys, *args):
    code = cli.main(["warehouse", "import", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_creates_the_dataset_and_loads_the_file(capsys, orders_csv, reader, _no_migrate):
    # Given no dataset named leads
    assert not Dataset.objects.filter(name="leads").exists()
    # When the file is imported into it
    code, out, err = run(capsys, orders_csv, "--dataset", "leads")
    # Then the dataset is created, loaded, and the command says how many rows
    dataset = Dataset.objects.get(name="leads")
    job = ImportJob.objects.get(dataset=dataset)
    assert code == 0
    assert out == f"Loaded {orders_csv}: 'leads' now has 6 rows (data version {job.pk}).\n"
    assert err == ""
    assert _no_migrate == [("migrate", "--no-input", "-v", "0")]
    assert (dataset.title, dataset.row_count, dataset.data_version) == ("Leads", 6, job.pk)
    assert (job.status, job.mode, job.file_name) == ("done", "replace", "leads.csv")
    # And the file given is kept where it was (the CLI reads it in place)
    assert orders_csv.read_text(encoding="utf-8") == f.ORDERS_CSV
    assert services.run_query(reader, SUM_BY_REGION)["rows"] == ROWS


def test_append_doubles_the_rows(capsys, orders_csv, reader):
    # Given leads loaded once
    assert run(capsys, orders_csv, "--dataset", "leads")[0] == 0
    # When the same file is appended
    code, out, _err = run(capsys, orders_csv, "--dataset", "leads", "--append")
    # Then the dataset has twice the rows
    job = ImportJob.objects.latest("pk")
    assert code == 0
    assert out == f"Loaded {orders_csv}: 'leads' now has 12 rows (data version {job.pk}).\n"
    assert job.mode == "append"
    assert Dataset.objects.get(name="leads").row_count == 12
    doubled = [[region, amount * 2, n * 2] for region, amount, n in ROWS]
    assert services.run_query(reader, SUM_BY_REGION)["rows"] == doubled


def test_replace_is_the_default_and_explicit(capsys, orders_csv, tmp_path):
    # Given leads loaded once
    run(capsys, orders_csv, "--dataset", "leads")
    smaller = tmp_path / "two.csv"
    smaller.write_text("id,region,amount\n1,East,1.5\n2,East,2.5\n", encoding="utf-8")
    # When a smaller file replaces it
    code, out, _err = run(capsys, smaller, "--dataset", "leads", "--replace")
    # Then only the new rows remain, with the new columns
    dataset = Dataset.objects.get(name="leads")
    assert code == 0
    assert out.startswith(f"Loaded {smaller}: 'leads' now has 2 rows")
    assert dataset.row_count == 2
    assert list(dataset.columns.values_list("name", flat=True)) == ["id", "region", "amount"]


def test_types_override_the_inferred_column_types(capsys, orders_csv):
    code, _out, _err = run(
        capsys, orders_csv, "--dataset", "leads", "--types", '{"id": "string", "amount": "float64"}'
    )
    types = dict(Dataset.objects.get(name="leads").columns.values_list("name", "type"))
    assert code == 0
    assert (types["id"], types["amount"]) == ("string", "float64")


def test_a_malformed_file_exits_1_and_leaves_the_data(capsys, orders_csv, tmp_path, reader):
    # Given leads loaded once
    run(capsys, orders_csv, "--dataset", "leads")
    dataset = Dataset.objects.get(name="leads")
    ragged = tmp_path / "ragged.csv"
    ragged.write_text(f.ORDERS_CSV + "7,North,completed,1.00\n", encoding="utf-8")
    # When a file with a short line replaces it
    code, out, err = run(capsys, ragged, "--dataset", "leads")
    # Then the command fails, saying what and where, and the dataset keeps its data
    assert code == 1
    assert out == ""
    assert err == (
        "Import failed: Line 8: expected 7 columns, found 4. (line 8)\n"
        "The dataset 'leads' keeps its previous data.\n"
    )
    after = Dataset.objects.get(name="leads")
    assert (after.data_version, after.row_count, after.profile) == (
        dataset.data_version,
        6,
        dataset.profile,
    )
    assert services.run_query(reader, SUM_BY_REGION, use_cache=False)["rows"] == ROWS


def test_a_value_of_the_wrong_type_names_its_line_and_column(capsys, orders_csv):
    run(capsys, orders_csv, "--dataset", "leads")
    code, _out, err = run(
        capsys, orders_csv, "--dataset", "leads", "--types", '{"region": "int64"}'
    )
    assert code == 1
    assert err == (
        'Import failed: Line 2, column "region": "North" is not a whole number. '
        "(line 2, column region)\n"
        "The dataset 'leads' keeps its previous data.\n"
    )
    assert Dataset.objects.get(name="leads").columns.get(name="region").type == "string"


def test_a_failed_import_into_a_new_dataset_leaves_no_dataset(capsys, orders_csv, tmp_path):
    # Given no dataset named leads, and a file with a short line
    ragged = tmp_path / "ragged.csv"
    ragged.write_text(f.ORDERS_CSV + "7,North,completed,1.00\n", encoding="utf-8")
    # When it is imported into leads
    code, out, err = run(capsys, ragged, "--dataset", "leads")
    # Then the command fails, says no dataset was created, and none (nor its job) is left
    assert code == 1
    assert out == ""
    assert err == (
        "Import failed: Line 8: expected 7 columns, found 4. (line 8)\n"
        "No dataset 'leads' was created.\n"
    )
    assert not Dataset.objects.filter(name="leads").exists()
    assert ImportJob.objects.count() == 0
    # And a good file can then be imported under that name
    assert run(capsys, orders_csv, "--dataset", "leads")[0] == 0
    assert Dataset.objects.get(name="leads").row_count == 6


def test_a_date_of_another_form_is_reported_on_its_line(capsys, tmp_path):
    # Given leads with ISO dates, but 31.12.2026 on line 5
    path = tmp_path / "due.csv"
    path.write_text(
        "id,due\n1,2026-01-01\n2,2026-02-01\n3,2026-03-01\n4,31.12.2026\n5,2026-05-01\n",
        encoding="utf-8",
    )
    # When they are imported with due as a date
    code, _out, err = run(capsys, path, "--dataset", "leads", "--types", '{"due": "date"}')
    # Then line 5 is named
    assert code == 1
    assert err.startswith(
        'Import failed: Line 5, column "due": "31.12.2026" is not a date. (line 5, column due)\n'
    )


def test_an_unsupported_file_type_exits_1(capsys, tmp_path):
    path = tmp_path / "leads.pdf"
    path.write_bytes(b"%PDF-1.4")
    code, out, err = run(capsys, path, "--dataset", "leads")
    assert code == 1
    assert out == ""
    assert err == (
        "Import failed: Unsupported file type “pdf”: use CSV, XLSX, Parquet or JSON.\n"
        "No dataset 'leads' was created.\n"
    )
    assert ImportJob.objects.count() == 0
    assert not Dataset.objects.filter(name="leads").exists()


def test_a_missing_file_exits_2(capsys, tmp_path, _no_migrate):
    missing = tmp_path / "nope.csv"
    code, out, err = run(capsys, missing, "--dataset", "leads")
    assert code == 2
    assert out == ""
    assert err == f"No such file: {missing}\n"
    assert not Dataset.objects.exists()
    assert _no_migrate == []


ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.mark.parametrize(
    "name",
    [
        "Leads",
        "2024_leads",
        "leads-2024",
        "a" * 64,
    ],
)
def test_an_invalid_dataset_name_exits_2(capsys, orders_csv, name):
    # When a file is imported under a name that is not an identifier
    code, out, err = run(capsys, orders_csv, "--dataset", name)
    # Then the command refuses, creating nothing
    assert code == 2
    assert out == ""
    assert err.startswith(f"Invalid dataset name {name!r}: ")
    assert not Dataset.objects.exists()
    assert ImportJob.objects.count() == 0


def test_invalid_types_json_exits_2(capsys, orders_csv):
    code, _out, err = run(capsys, orders_csv, "--dataset", "leads", "--types", "{zip: string}")
    assert code == 2
    assert err == '--types must be JSON, e.g. \'{"zip": "string"}\'.\n'
    assert not Dataset.objects.exists()


def test_replace_and_append_cannot_be_combined(capsys, orders_csv):
    with pytest.raises(SystemExit) as exit_:
        cli.main(
            ["warehouse", "import", str(orders_csv), "--dataset", "leads", "--append", "--replace"]
        )
    assert exit_.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
    assert not Dataset.objects.exists()
