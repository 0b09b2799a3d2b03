"""BI exports (question downloads, delivered files) write stored text as inert text: no live
formulas, no control characters that make the XLSX answer 500; numbers stay numbers."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from openmis.bi import deliveries, results
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
