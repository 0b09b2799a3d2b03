"""Every registered model, for every built-in role: list, detail, create, edit, delete, import
and export through the UI and through the API are allowed or denied as the role says.

What a role may do is read from its group's permissions and its write scope (the migrations
define them); a new model is covered as soon as its app declares a sample in tests/samples.py.
"""

import io
import json

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

    def __init__(self, label: str, role: str):
        self.ot = registry.get(label)
        self.sample = all_samples()[label]
        self.role = role
        self.home = DepartmentFactory(name="Home")
        self.away = DepartmentFactory(name="Away")
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
        assert response.json() == {"created": 0, "updated": 1, "errors": []}
    else:
        assert response.status_code == denied
        assert ot.model.objects.get(pk=obj.pk).version == obj.version
