"""Properties of the pure audience resolver (no database)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from openmis.governance.audiences import AudienceSpec, Organization, department_closure, resolve

ids = st.integers(min_value=1, max_value=30)
id_sets = st.frozensets(ids, max_size=8)


@st.composite
def organizations(draw):
    """A department forest (each parent has a smaller id, so there are no cycles), people in
    it, their roles and the users of some systems."""
    count = draw(st.integers(min_value=1, max_value=12))
    parents = {1: None}
    for department in range(2, count + 1):
        parents[department] = draw(st.none() | st.integers(min_value=1, max_value=department - 1))
    people = draw(st.dictionaries(ids, st.integers(min_value=1, max_value=count), max_size=25))
    roles_of = draw(st.dictionaries(ids, st.frozensets(st.integers(1, 5), max_size=3)))
    users_of = draw(st.dictionaries(st.integers(1, 6), st.frozensets(ids, max_size=10)))
    return Organization(parents=parents, people=people, roles_of=roles_of, users_of=users_of)


specs = st.builds(
    AudienceSpec,
    organization=st.booleans(),
    departments=st.frozensets(st.integers(1, 12), max_size=4),
    sub_departments=st.booleans(),
    roles=st.frozensets(st.integers(1, 5), max_size=3),
    systems=st.frozensets(st.integers(1, 6), max_size=3),
    include=id_sets,
    exclude=id_sets,
)


@given(specs, organizations())
def test_exclude_always_wins(spec, organization):
    assert not resolve(spec, organization) & spec.exclude


@given(specs, organizations())
def test_only_people_of_the_organization_are_reached(spec, organization):
    assert resolve(spec, organization) <= set(organization.people)


@given(specs, organizations(), st.integers(1, 12))
def test_adding_a_department_removes_no_one(spec, organization, department):
    wider = AudienceSpec(**{**spec.__dict__, "departments": spec.departments | {department}})
    assert resolve(spec, organization) <= resolve(wider, organization)


@given(specs, organizations())
def test_the_organization_contains_every_other_audience(spec, organization):
    everyone = AudienceSpec(organization=True, exclude=spec.exclude)
    assert resolve(spec, organization) <= resolve(everyone, organization)
    assert resolve(AudienceSpec(organization=True), organization) == set(organization.people)


@given(organizations(), st.integers(1, 12))
@settings(max_examples=200)
def test_sub_departments_are_included(organization, department):
    spec = AudienceSpec(departments=frozenset({department}))
    below = department_closure(organization.parents, [department])
    expected = {p for p, d in organization.people.items() if d in below}
    assert resolve(spec, organization) == expected
    only = AudienceSpec(departments=frozenset({department}), sub_departments=False)
    assert resolve(only, organization) == {
        p for p, d in organization.people.items() if d == department
    }


def test_each_part_of_a_spec_reaches_its_people():
    # Given Sales (1) with Field sales (2) below it, and IT (3)
    organization = Organization(
        parents={1: None, 2: 1, 3: None},
        people={10: 1, 11: 2, 12: 3, 13: 3, 14: 3},
        roles_of={12: {7}},
        users_of={5: {13, 99}},  # 99 left the organization
    )
    assert resolve(AudienceSpec(departments=frozenset({1})), organization) == {10, 11}
    assert resolve(AudienceSpec(roles=frozenset({7})), organization) == {12}
    assert resolve(AudienceSpec(systems=frozenset({5})), organization) == {13}
    assert resolve(AudienceSpec(include=frozenset({14, 99})), organization) == {14}
    assert resolve(AudienceSpec(), organization) == set()
    assert resolve(AudienceSpec(organization=True, exclude=frozenset({10, 11})), organization) == {
        12,
        13,
        14,
    }


def test_a_cycle_of_departments_is_followed_once():
    assert department_closure({1: 2, 2: 1}, [1]) == {1, 2}
