"""BI exports (question downloads, delivered files) write stored text as inert text: no live
formulas, no control characters that make the XLSX answer 500; numbers stay numbers."""

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from openmis.bi import deliveries, presentation, results
from openmis.bi.models import Question
from openmis.bi.tests import factories as f
from openmis.org.roles import ANALYST
from openmis.org.tests.factories import DepartmentFactory, user_with_role

pytestmark = pytest.mark.django_db

NOTES_CSV = 'id,label,amount\n1,"=HYPERLINK(""http://x"",""y"")",-5\n2,"\x1b[31mred",3\n'
NEUTRALISED = [["label", "total"], ["[31mred", "3"], ['\'=HYPERLINK("http://x","y")', "-5"]]


@pytest.fixture
def owner():
    return user_with_role(ANALYST, DepartmentFactory(name="Finance"), username="ana")


@pytest.fixture
def question(owner):
    dataset = f.load_csv("notes", NOTES_CSV)
    return Question.objects.create(
        title="Notes",
        spec={
            "dataset": "notes",
            "measures": [{"agg": "sum", "column": "amount", "as": "total"}],
            "dimensions": ["label"],
            "order_by": [{"column": "label"}],
        },
        chart="table",
        dataset=dataset,
        owner=owner,
    )


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def xlsx_cells(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    numbers = [c.number_format for row in sheet.iter_rows() for c in row if c.data_type == "n"]
    assert numbers and set(numbers) == {"#,##0"}  # whole numbers shown with thousands
    return [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]


XLSX_CELLS = [
    [("label", "s"), ("total", "s")],
    [("[31mred", "s"), (3, "n")],
    [('\'=HYPERLINK("http://x","y")', "s"), (-5, "n")],  # a negative number stays a number
]


def test_question_csv_export_neutralises_formulas(owner, question):
    response = client_for(owner).get(f"/bi/questions/{question.pk}/export.csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert list(csv.reader(io.StringIO(body))) == NEUTRALISED


def test_question_xlsx_export_writes_text_cells_and_copes_with_control_characters(owner, question):
    response = client_for(owner).get(f"/bi/questions/{question.pk}/export.xlsx")
    assert response.status_code == 200
    assert xlsx_cells(response.getvalue()) == XLSX_CELLS


def test_delivered_files_are_neutralised_too(owner, question):
    result = results.run_question(owner, question, export=True)
    csv_text = deliveries._csv_bytes(result).decode()
    assert list(csv.reader(io.StringIO(csv_text))) == NEUTRALISED
    assert xlsx_cells(results.result_xlsx(result)) == XLSX_CELLS


VISITS_CSV = "id,place,day,at,amount\n1,North,2024-01-05,2024-01-05 10:30:00,1500\n"


def test_xlsx_exports_write_dates_and_times_as_date_cells(owner):
    # Given a question whose rows hold a date, a date and time, text and a number
    dataset = f.load_csv("visits", VISITS_CSV)
    question = Question.objects.create(
        title="Visits",
        spec={"dataset": "visits", "fields": ["place", "day", "at", "amount"]},
        chart="table",
        dataset=dataset,
        owner=owner,
    )
    downloaded = client_for(owner).get(f"/bi/questions/{question.pk}/export.xlsx")
    assert downloaded.status_code == 200
    delivered = results.result_xlsx(results.run_question(owner, question, export=True))
    # When either workbook is read back
    for content in (downloaded.getvalue(), delivered):
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        place, day, at, amount = next(sheet.iter_rows(min_row=2))
        # Then the date and the moment are dates with a date format, text stays text and
        # the number a number
        assert (day.value, day.is_date, day.number_format) == (
            dt.datetime(2024, 1, 5),
            True,
            "yyyy-mm-dd",
        )
        assert (at.value, at.is_date, at.number_format) == (
            dt.datetime(2024, 1, 5, 10, 30),
            True,
            "yyyy-mm-dd hh:mm",
        )
        assert (place.value, place.data_type) == ("North", "s")
        assert (amount.value, amount.data_type) == (1500, "n")


def test_text_that_only_looks_like_a_date_stays_text():
    assert presentation.typed("2024-02-30") == "2024-02-30"
    assert presentation.typed("2024-02-03") == dt.date(2024, 2, 3)
    assert presentation.typed("2024-02-03T10:00:00+00:00") == dt.datetime(
        2024, 2, 3, 10, tzinfo=dt.UTC
    )
    assert presentation.typed("North") == "North"
