"""Every registered model, for every built-in role: list, detail, create, edit, delete, import
and export through the UI and through the API are allowed or denied as the role says.

What a role may do is read from its group's permissions and its write scope (the migrations
define them); a new model is covered as soon as its app declares a sample in tests/samples.py.
"""

import io
import json
import re

import pytest
from django.test import Client

from openmis.conftest import ROLES
from openmis.core import imports, registry
from openmis.core.tests.samples import all_samples, form_data
from openmis.org.models import Role
from openmis.org.tests.factories import DepartmentFactory, user_with_role

TYPES = [ot.label for ot in registry.all_types()]
ANONYMOUS = "anonymous"
NO_ROLE = "no-role"
ALL_ROLES = [*ROLES, NO_ROLE, ANONYMOUS]


def test_every_registered_model_declares_sample_data():
    assert sorted(all_samples()) == sorted(TYPES)


def granted(role: str, object_type, action: str) -> bool:
    if role in (ANONYMOUS, NO_ROLE) or (object_type.read_only and action != "view"):
        return False
    group = Role.objects.get(slug=role).group
    return group.permissions.filter(
        content_type__app_label=object_type.app_label,
        codename=f"{action}_{object_type.model_name}",
    ).exists()


def scoped(role: str) -> bool:
    return role not in (ANONYMOUS, NO_ROLE) and Role.objects.get(slug=role).scope == "department"


class World:
    """A user of the role in their department, another department, and sample objects."""

    def __init__(self, label: str, role: str, home=None, away=None):
        self.ot = registry.get(label)
        self.sample = all_samples()[label]
        self.role = role
        self.home = home or DepartmentFactory(name="Home")
        self.away = away or DepartmentFactory(name="Away")
        self.user = None
        if role != ANONYMOUS:
            self.user = user_with_role(None if role == NO_ROLE else role, self.home)

    def may(self, action: str, where: str = "home") -> bool:
        """Expected outcome: the role grants it, and the scope admits an object in ``where``."""
        if not granted(self.role, self.ot, action):
            return False
        if action == "view" or not scoped(self.role):
            return True
        return self.sample["owned_by"] is not None and where == "home"

    def obj(self, where: str = "home"):
        obj = self.sample["make"](self.home if where == "home" else self.away)
        if self.sample.get("owned_by_user") and self.user is not None:
            # Objects only their owner may change (BI subscriptions): the acting user owns it.
            obj.owner = self.user
            obj.save()
        if self.sample.get("make_own") and self.user is not None and where == "home":
            # Rows some roles see only when they are their own (employees' action items): the
            # acting user's own, in their department, so the role's rights decide.
            self.sample["make_own"](obj, self.user)
        return obj

    def count(self) -> int:
        return self.ot.model._default_manager.count()

    def csv_of(self, obj) -> bytes:
        return "".join(
            imports.export_csv(self.ot, self.ot.model.objects.filter(pk=obj.pk))
        ).encode()


def ui_form(object_type, data: dict) -> dict:
    """Sample form data as a browser posts it: JSON fields as JSON text."""
    from django.db.models import JSONField

    posted = {}
    for name, value in data.items():
        field = next((f for f in object_type.opts.fields if f.name == name), None)
        is_json = isinstance(field, JSONField) and not isinstance(value, str)
        posted[name] = json.dumps(value) if is_json else value
    return posted


def ui_client(world):
    client = Client()
    if world.user is not None:
        client.force_login(world.user)
    return client


def denied_ui(response, world):
    if world.role == ANONYMOUS:
        return response.status_code == 302 and "/accounts/login/" in response["Location"]
    return response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("label", TYPES)
def test_ui_permissions(label, role):
    world = World(label, role)
    ot = world.ot
    client = ui_client(world)
    home_obj = world.obj("home")

    # list, detail, export
    for url in (ot.url("list"), ot.url("detail", home_obj), ot.url("export") + "?format=csv"):
        response = client.get(url)
        if world.may("view"):
            assert response.status_code == 200, url
        else:
            assert denied_ui(response, world), url

    # create
    before = world.count()
    response = client.post(ot.url("add"), ui_form(ot, world.sample["form"](world.home)))
    if world.may("add"):
        assert response.status_code == 302
        assert world.count() == before + 1
    else:
        assert denied_ui(response, world)
        assert world.count() == before

    # edit, in the user's department and outside it
    field, value = world.sample["change"]
    for where in ("home", "away"):
        obj = world.obj(where)
        posted = json.dumps(value) if isinstance(value, list | dict) else value
        data = form_data(ot, obj) | {field: posted, "version": str(obj.version)}
        response = client.post(ot.url("edit", obj), data)
        obj.refresh_from_db()
        if world.may("change", where):
            assert response.status_code == 302, response.content[:2000]
            assert getattr(obj, field) == value
        else:
            assert denied_ui(response, world)
            assert getattr(obj, field) != value

    # delete, in the user's department and outside it
    for where in ("home", "away"):
        obj = world.obj(where)
        response = client.post(ot.url("delete", obj))
        exists = ot.model.objects.filter(pk=obj.pk).exists()
        if world.may("delete", where):
            assert response.status_code == 302 and not exists
        else:
            assert denied_ui(response, world)
            assert exists

    # import: re-importing an exported row updates it; allowed only with add and change
    obj = world.obj("home")
    upload = io.BytesIO(world.csv_of(obj))
    upload.name = "rows.csv"
    response = client.post(ot.url("import"), {"file": upload})
    if world.may("add") and world.may("change"):
        assert response.status_code == 200
        assert response.context["report"].errors == []
        assert response.context["report"].updated == 1
        token = response.context["token"]
        response = client.post(ot.url("import"), {"token": token})
        assert response.status_code == 302
    else:
        assert denied_ui(response, world)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("label", TYPES)
def test_api_permissions(label, role, api_client_for):
    world = World(label, role)
    ot = world.ot
    client = api_client_for(world.user)
    base = f"/api/{ot.app_label}/{ot.slug}/"
    home_obj = world.obj("home")
    denied = 401 if role == ANONYMOUS else 403

    for url in (base, f"{base}{home_obj.pk}/", f"{base}export/?format=csv"):
        response = client.get(url)
        assert response.status_code == (200 if world.may("view") else denied), url

    before = world.count()
    response = client.post(base, world.sample["form"](world.home), format="json")
    if world.may("add"):
        assert response.status_code == 201, response.content
        assert world.count() == before + 1
    else:
        assert response.status_code == denied
        assert world.count() == before

    field, value = world.sample["change"]
    for where in ("home", "away"):
        obj = world.obj(where)
        response = client.patch(
            f"{base}{obj.pk}/", {field: value, "version": obj.version}, format="json"
        )
        obj.refresh_from_db()
        if world.may("change", where):
            assert response.status_code == 200, response.content
            assert getattr(obj, field) == value
        else:
            assert response.status_code == denied
            assert getattr(obj, field) != value

    for where in ("home", "away"):
        obj = world.obj(where)
        response = client.delete(f"{base}{obj.pk}/")
        exists = ot.model.objects.filter(pk=obj.pk).exists()
        if world.may("delete", where):
            assert response.status_code == 204 and not exists
        else:
            assert response.status_code == denied and exists

    obj = world.obj("home")
    upload = io.BytesIO(world.csv_of(obj))
    upload.name = "rows.csv"
    response = client.post(f"{base}import/", {"file": upload}, format="multipart")
    if world.may("add") and world.may("change"):
        assert response.status_code == 200, response.content
        assert response.json() == {"created": 0, "updated": 1, "errors": [], "encoding": "utf-8"}
    else:
        assert response.status_code == denied
        assert ot.model.objects.get(pk=obj.pk).version == obj.version


# --- references and import scope ----------------------------------------------------------------


def reference_fields() -> list[tuple[str, str]]:
    """``(type, field)`` of every reference field that a registered type's form, API or import
    accepts and whose target's rows are not visible to everyone (the target has
    ``visible_to``): the fields through which a hidden object could be reached."""
    found = []
    for ot in registry.all_types():
        if ot.read_only:
            continue
        for name in dict.fromkeys([*ot.form_fields, *ot.columns_for_import]):
            try:
                field = ot.opts.get_field(name)
            except Exception:  # noqa: S112  (a computed column)
                continue
            target = field.related_model if field.is_relation else None
            private = target is not None and registry.is_registered(target)
            if private and registry.get(target).visible_to is not None:
                found.append((ot.label, name))
    return found


REFERENCES = reference_fields()
# Types whose rows a department-scoped role may write, by the path to their department.
DEPARTMENT_TYPES = [
    ot.label for ot in registry.all_types() if ot.department_field and not ot.read_only
]


def test_reference_fields_to_private_objects_are_found():
    # The generated tests below cover at least the references of BI content.
    assert {
        ("bi.card", "question"),
        ("bi.card", "dashboard"),
        ("bi.subscription", "question"),
        ("bi.subscription", "dashboard"),
        ("bi.alert", "question"),
        ("bi.share", "question"),
    } <= set(REFERENCES)


def test_every_referenced_private_type_declares_a_hidden_sample():
    # A type some reference points to, whose rows are private, says how to make one that a
    # given user may not see (its "hidden" sample).
    samples = all_samples()
    targets = {
        registry.get(registry.get(label).opts.get_field(name).related_model).label
        for label, name in REFERENCES
    }
    assert targets and all("hidden" in samples[t] for t in targets), targets


def _csv_rows(content: bytes) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _csv_bytes(rows: list[list[str]]) -> bytes:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def _with_cell(content: bytes, column: str, value) -> bytes:
    rows = _csv_rows(content)
    rows[1][rows[0].index(column)] = str(value)
    return _csv_bytes(rows)


def _answers(world, field: str, target_pk, api) -> dict:
    """What the API, the form and an import answer when ``field`` names ``target_pk``;
    the id itself is replaced by ``<id>`` so that answers for two ids can be compared."""
    from openmis.core.imports.resource import _natural_key_field

    ot = world.ot
    many = ot.opts.get_field(field).many_to_many
    data = world.sample["form"](world.home) | {field: [target_pk] if many else target_pk}
    answers = {}
    if field in ot.form_fields:
        response = api.post(f"/api/{ot.app_label}/{ot.slug}/", data, format="json")
        answers["api"] = (response.status_code, response.json().get(field))
        response = ui_client(world).post(ot.url("add"), ui_form(ot, data))
        errors = response.context["form"].errors if response.context else None
        answers["form"] = (response.status_code, errors and list(errors.get(field, [])))
    if field in ot.filters:
        response = api.get(f"/api/{ot.app_label}/{ot.slug}/", {field: target_pk})
        answers["filter"] = (response.status_code, response.json())
    if field in ot.columns_for_import and world.may("add") and world.may("change"):
        target_model = ot.opts.get_field(field).related_model
        key = _natural_key_field(target_model)
        value = target_pk
        if key not in ("pk", "id"):
            found = target_model._default_manager.filter(pk=target_pk).first()
            value = getattr(found, key) if found is not None else f"missing-{target_pk}"
        upload = io.BytesIO(_with_cell(world.csv_of(world.obj("home")), field, value))
        upload.name = "rows.csv"
        response = api.post(
            f"/api/{ot.app_label}/{ot.slug}/import/",
            {"file": upload, "dry_run": True},
            format="multipart",
        )
        answers["import"] = (response.status_code, response.json())
    return _without_id(answers, target_pk)


def _without_id(value, pk):
    """``value`` with the number ``pk`` in its texts replaced by ``<id>``."""
    if isinstance(value, str):
        return re.sub(rf"(?<!\d){pk}(?!\d)", "<id>", value)
    if isinstance(value, dict):
        # The encoding an import was read in names no object ("utf-8" beside object 8).
        return {k: v if k == "encoding" else _without_id(v, pk) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_id(v, pk) for v in value]
    return value


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "field"), REFERENCES)
def test_hidden_objects_cannot_be_referenced(label, field, api_client_for):
    """Every role that may add the type, and cannot see a sample of the field's target (which
    some role may not), is refused that target's id on the API, the form, an import and the
    list's filter, with the very answer an id that does not exist gets; nothing is written,
    and no page names it."""
    home, away = DepartmentFactory(name="Home"), DepartmentFactory(name="Away")
    target_type = registry.get(registry.get(label).opts.get_field(field).related_model)
    checked, hidden_from = [], []
    for role in ROLES:
        world = World(label, role, home, away)
        hidden = all_samples()[target_type.label]["hidden"](world.home)
        if target_type.for_user(world.user).filter(pk=hidden.pk).exists():
            continue  # this role sees every such object (the MIS office)
        hidden_from.append(role)
        if not world.may("add"):
            continue
        api = api_client_for(world.user)
        refused = _answers(world, field, hidden.pk, api)
        missing = target_type.model._default_manager.order_by("-pk").first().pk + 1000
        assert refused == _answers(world, field, missing, api), role
        for status, body in refused.values():
            assert status == 400, (role, refused)
            assert body, (role, refused)
        assert not world.ot.model._default_manager.filter(**{field: hidden}).exists()
        # and neither the form nor the list's filters offer it by name
        for url in (world.ot.url("add"), world.ot.url("list")):
            page = ui_client(world).get(url)
            assert page.status_code == 200 and str(hidden) not in page.content.decode(), url
        # nor does the search of the field's picker
        search = api.get(
            f"/api/{target_type.app_label}/{target_type.slug}/choices/", {"q": str(hidden)}
        )
        assert search.status_code == 403 or hidden.pk not in {
            r["id"] for r in search.json()["results"]
        }, role
        checked.append(role)
    # Some role was checked, or the sample is hidden from some role and only roles that see
    # it may write the field (the MIS office groups confidential feedback into improvements).
    assert checked or hidden_from, "no role could be checked"


def _first_hop(object_type) -> str:
    return object_type.department_field.split("__")[0]


@pytest.mark.django_db
@pytest.mark.parametrize("label", DEPARTMENT_TYPES)
def test_import_keeps_to_the_write_scope_of_the_record_as_it_is(label, api_client_for):
    """A role whose write scope is its department may not update, through an import, a record
    of another department: neither as it is, nor moved into its own department (the API
    refuses both, 403); a dry run says the same. A role that may not import is refused."""
    from openmis.core.imports.resource import _natural_key_field

    home, away = DepartmentFactory(name="Home"), DepartmentFactory(name="Away")
    refusal = {"row": 2, "message": "You may only import records of your own department."}
    for role in [r for r in ROLES if scoped(r)]:
        world = World(label, role, home, away)
        ot = world.ot
        api = api_client_for(world.user)
        url = f"/api/{ot.app_label}/{ot.slug}/import/"
        theirs = world.obj("away")
        files = {"as it is": world.csv_of(theirs)}
        hop = _first_hop(ot)
        if hop in ot.columns_for_import and hop not in ot.natural_key:
            # moved into the role's department: the first step of its path names a home object
            # (where that step identifies the row, naming another is another row: not a move)
            mine = getattr(world.obj("home"), hop)
            key = _natural_key_field(type(mine))
            moved = mine.pk if key in ("pk", "id") else getattr(mine, key)
            files["moved"] = _with_cell(world.csv_of(theirs), hop, moved)
        for how, content in files.items():
            for dry_run in (True, False):
                upload = io.BytesIO(content)
                upload.name = "rows.csv"
                response = api.post(url, {"file": upload, "dry_run": dry_run}, format="multipart")
                theirs_now = ot.model._default_manager.get(pk=theirs.pk)
                assert theirs_now.version == theirs.version, (role, how)
                if not (world.may("add") and world.may("change")):
                    assert response.status_code == 403, (role, how)
                    continue
                assert response.status_code == 400, (role, how, response.content)
                body = response.json()
                assert (body["created"], body["updated"]) == (0, 0)
                found = [{"row": e["row"], "message": e["message"]} for e in body["errors"]]
                assert refusal in found, (role, how, body)
