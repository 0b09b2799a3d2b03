"""Property-based contract test of the REST API: every operation of the published OpenAPI schema,
called with generated valid and invalid data as the MIS director and as an employee, must answer
without a server error, with a documented status code, content type and body, must accept what
the schema admits and refuse what it does not. A short stateful run then chains the operations
(create, then read, change and delete what was created) through the links schemathesis infers.

The schema is loaded from the running WSGI application, so what is tested is exactly what
``/api/schema/`` publishes (drf-spectacular plus the hooks of :mod:`openmis.core.api`).
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.core import signals
from django.core.validators import URLValidator
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

from openmis.core.api.schema import URL_PATTERN
from openmis.org.roles import DIRECTOR, EMPLOYEE
from openmis.wsgi import application

# Loading the schema makes no database query: the schema view is public and anonymous.
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json",
    application,
    config=SchemathesisConfig.from_dict(
        {
            # The coverage phase sends every boundary and every wrong type of every parameter:
            # hundreds of requests per operation, minutes per operation on a shared CI runner.
            # Fuzzing (valid and invalid data) keeps the run within the suite's time budget.
            "phases": {"coverage": {"enabled": False}},
            # Text with a NUL character is refused everywhere (PostgreSQL cannot store it): a
            # rule of the whole API, stated here rather than as a pattern on every string.
            # The token is the caller's: no made-up session cookie beside it.
            "generation": {"allow-x00": False, "with-security-parameters": False},
            # The same examples on every run: a failure in CI is one that reproduces.
            "seed": 20261207,
        }
    ),
)

# --- what a schema cannot say ------------------------------------------------------------------
#
# ``positive_data_acceptance`` expects every schema-valid request to succeed. A schema states
# types, formats, ranges and enums; it cannot state that a referenced row exists (and is visible
# to the caller), that a name is not taken yet, or what a file or a query must contain. A 400
# for those reasons alone is the API doing its job. Each reason is one message (the test runs in
# English), so any other 400 of a schema-valid request still fails the test.
UNSTATABLE = [
    # a reference to a row that does not exist or is hidden from the caller (body, filter)
    r"Invalid pk \".*\" - object does not exist\.",
    r"Select a valid choice\. .* is not one of the available choices\.",
    r"Select a valid choice\. That choice is not one of the available choices\.",
    # uniqueness
    r".* with this .* already exists\.",
    r"The fields .* must make a unique set\.",
    r"A role with this name exists already\.",  # a role's name, unique whatever its case
    # the range of a decimal, which the API sends as text (a pattern states its digits only)
    r"Ensure this value is (less|greater) than or equal to [0-9.-]+\.",
    # rules across fields, and names from a catalog (time zones) too long for an enum
    r"Effort must be more than zero person-weeks\.",
    r"Unknown time zone; use a name such as Europe/Warsaw\.",
    r"Give a query or SQL\.",
    r"Subscribe to either a question or a dashboard\.",
    r"Give exactly one of system, department or person\.",  # governance compliance
    r"“.*” is not a time zone name such as Europe/Warsaw\.",
    # an action item: linked to a meeting or an outcome of it, owned by exactly one person or
    # contact of the meeting's client, due today or later (a schema has no "today")
    r"Link the action item to a meeting or to an outcome\.",
    r"The outcome belongs to another meeting\.",
    r"Choose who does it: a person or a contact of the client\.",
    r"Choose either a person or a client contact as the owner, not both\.",
    r"Only action items of a meeting with a client have contact owners\.",
    r"The contact works for another client than the meeting's series\.",
    r"The due date has passed; choose today or a later day\.",
    # a list of dates kept as text (a series' skipped dates): a schema pattern could state the
    # digits and separators but not which days a calendar has (2026-02-30)
    r"Write the dates as YYYY-MM-DD, separated by commas or new lines\.",
    # an audience must reach somebody: who the organization's people are is data, not schema
    r"This audience reaches nobody: .*",
    # permission names of the running site (``app_label.codename``), a catalog too
    r"Unknown permissions: .*",
    # the warehouse's own catalog: a value picker names a dataset and a column of it
    r"Unknown dataset \".*\"\.",
    r"Unknown column \".*\"\.",
]
# Fields whose every rule is the running site's catalog: a dataset's external table is named
# in a form that depends on the warehouse engine (``schema.table`` on PostgreSQL,
# ``source.table`` of a configured DuckDB file) and must exist there; a question's SQL must be
# one read-only SELECT over the datasets the caller may read (the SQL guard).
UNSTATABLE_FIELDS = {"external_table", "sql"}
# Operations whose 400 depends on content a schema cannot describe: credentials, the rows of an
# imported file, a query against the warehouse, the cross-row rules of the appraisal, the
# content of an attached file.
CONTENT_RULES = re.compile(
    r"^POST /api/(auth/token/"
    r"|[a-z]+/[a-z-]+/import/"
    r"|bi/(query|sql)/|bi/datasets/\{id\}/upload/"
    r"|appraisal/appraise/"
    r"|core/attachments/)$"
)


def _messages(body):
    if isinstance(body, dict):
        for value in body.values():
            yield from _messages(value)
    elif isinstance(body, list):
        for value in body:
            yield from _messages(value)
    elif isinstance(body, str):
        yield body


def unstatable_rejection(response, case) -> bool:
    """A 400 for a reason the schema cannot state (see ``UNSTATABLE`` and ``CONTENT_RULES``)."""
    if response.status_code != 400:
        return False
    if CONTENT_RULES.match(f"{case.method.upper()} {case.path}"):
        return True
    try:
        body = response.json()
    except ValueError:
        return False
    if isinstance(body, dict) and body and set(body) <= UNSTATABLE_FIELDS:
        return True
    messages = list(_messages(body))
    return bool(messages) and all(
        any(re.fullmatch(pattern, message, re.DOTALL) for pattern in UNSTATABLE)
        for message in messages
    )


@schemathesis.check
def schema_valid_data_is_accepted(ctx, response, case):
    """``positive_data_acceptance``, but for the rejections a schema cannot foresee."""
    if unstatable_rejection(response, case):
        return None
    return positive_data_acceptance(ctx, response, case)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    unsupported_method,
    allow_header_conformance,
    ignored_auth,
    schema_valid_data_is_accepted,
    negative_data_rejection,
]


# Workflows add the two checks that need a history: a deleted object is gone (use_after_free)
# and a created one can be read (ensure_resource_availability). ``ignored_auth`` is checked per
# operation above: inside a workflow schemathesis takes the token each step sends for made-up
# credentials and expects a 401 from a request that the token authenticates.
WORKFLOW_CHECKS = [
    *(check for check in CHECKS if check is not ignored_auth),
    use_after_free,
    ensure_resource_availability,
]
# Two checks of ``st run --checks all`` are not here: ``missing_required_header`` judges the
# coverage phase only, and no operation requires a header; ``object_level_authorization`` needs
# a second identity per object, which the walker (test_generic_objects.py) does for every type
# and role.


@pytest.fixture
def in_test_transaction():
    """Let the WSGI handler run inside the test's transaction.

    Django's handler closes "old" database connections when a request starts and finishes;
    inside a test transaction that would break it. Django's own test client disconnects the
    same receiver for the same reason.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=[DIRECTOR, EMPLOYEE])
def caller_headers(request, department, make_user, in_test_transaction):
    """The token of the widest role and of the narrowest one."""
    from openmis.core import tokens

    user = make_user(request.param, department, username=request.param)
    _token, secret = tokens.issue(user)
    return {"Authorization": f"Token {secret}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_api_conforms_to_its_schema(case, caller_headers):
    case.call_and_validate(headers=caller_headers, checks=CHECKS)


@pytest.mark.django_db
def test_api_workflows_conform_to_its_schema(caller_headers):
    """Chains of calls: what one operation creates, the linked ones read, change and delete.

    The links are inferred by schemathesis (a created object's ``id`` feeds ``{id}``); the run
    is kept short (a few scenarios of a few steps) for the suite's time budget.
    """
    from hypothesis import stateful

    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": caller_headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=WORKFLOW_CHECKS, transport_kwargs=kwargs)

    stateful.run_state_machine_as_test(
        Workflow,
        settings=settings(
            max_examples=8,
            stateful_step_count=6,
            derandomize=True,  # the same scenarios on every run, as the seed above does
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


@settings(max_examples=300, deadline=None)
@given(st.from_regex(URL_PATTERN, fullmatch=True).filter(lambda url: len(url) <= 200))
def test_every_url_the_schema_admits_is_one_a_url_field_accepts(url):
    # the schema's "format: uri" alone admits "staffing:matrix", which a URL field refuses:
    # a client following the schema would be refused with valid data
    URLValidator()(url)


@pytest.mark.parametrize("url", ["staffing:matrix", "mailto:anna@example.com", "http://a"])
def test_the_schema_does_not_admit_what_a_url_field_refuses(url):
    assert re.search(URL_PATTERN, url) is None
