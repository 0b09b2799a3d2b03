"""The bus factor: who meets every skill a system needs, computed by hand and as properties
(one more fully skilled person never lowers it; raising a minimum never raises it)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openmis.staffing.busfactor import at_risk, bus_factor, qualified

SKILLS = st.integers(min_value=1, max_value=6)
LEVEL = st.integers(min_value=1, max_value=5)
REQUIREMENTS = st.dictionaries(SKILLS, LEVEL, min_size=1, max_size=6)
TEAM = st.dictionaries(
    st.integers(min_value=1, max_value=30), st.dictionaries(SKILLS, LEVEL, max_size=6), max_size=8
)
#: the machine is shared by several test runs: generation may be slow, never wrong
RELAXED = settings(suppress_health_check=[HealthCheck.too_slow])


def test_a_person_counts_only_when_they_meet_every_minimum():
    needs = {"erp": 4, "sql": 3}
    team = {
        "ala": {"erp": 5, "sql": 3},  # meets both
        "ola": {"erp": 4},  # no SQL at all
        "ela": {"erp": 3, "sql": 5},  # ERP below the minimum
        "iza": {"erp": 4, "sql": 4, "linux": 1},
    }
    assert qualified(needs, team) == ["ala", "iza"]
    assert bus_factor(needs, team) == 2


def test_a_system_that_needs_nothing_has_no_bus_factor_and_is_not_flagged():
    assert bus_factor({}, {"ala": {"erp": 5}}) is None
    assert not at_risk(None)


def test_one_person_or_no_one_is_at_risk_two_are_not():
    assert at_risk(0) and at_risk(1) and not at_risk(2)


@RELAXED
@given(REQUIREMENTS, TEAM, st.integers(min_value=100, max_value=200))
def test_adding_a_person_with_every_skill_never_lowers_it(needs, team, newcomer):
    before = bus_factor(needs, team)
    expert = dict.fromkeys(needs, 5)
    after = bus_factor(needs, {**team, newcomer: expert})
    assert after >= before
    assert after == before + 1  # exactly: the newcomer, and no one else changes


@RELAXED
@given(REQUIREMENTS, TEAM, st.data())
def test_raising_a_minimum_never_raises_it(needs, team, data):
    skill = data.draw(st.sampled_from(sorted(needs)))
    raised = {**needs, skill: data.draw(st.integers(min_value=needs[skill], max_value=5))}
    assert bus_factor(raised, team) <= bus_factor(needs, team)


@RELAXED
@given(REQUIREMENTS, TEAM, SKILLS, LEVEL)
def test_needing_one_more_skill_never_raises_it(needs, team, extra, minimum):
    more = {**needs, extra: max(minimum, needs.get(extra, 0))}
    assert bus_factor(more, team) <= bus_factor(needs, team)
