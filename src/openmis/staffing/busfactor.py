"""Who can run a system and how many such people there are (the bus factor).

Pure Python (no Django): a system's requirements are ``{skill: minimum level}``; the team's
levels ``{person: {skill: level}}``. A person can run the system when they hold every needed
skill at its minimum level or above. A system that declares no skill has no bus factor
(None): nothing says who can run it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping


def qualified(
    requirements: Mapping[Hashable, int], levels: Mapping[Hashable, Mapping[Hashable, int]]
) -> list:
    """The people of ``levels`` who meet every requirement, in the order of ``levels``."""
    if not requirements:
        return []
    return [
        person
        for person, held in levels.items()
        if all(held.get(skill, 0) >= minimum for skill, minimum in requirements.items())
    ]


def bus_factor(
    requirements: Mapping[Hashable, int], levels: Mapping[Hashable, Mapping[Hashable, int]]
) -> int | None:
    """How many people meet every requirement; None when nothing is required."""
    if not requirements:
        return None
    return len(qualified(requirements, levels))


#: A bus factor at or below this is flagged: one person leaving and no one can run the system.
AT_RISK = 1


def at_risk(factor: int | None) -> bool:
    """Whether a system with this bus factor is flagged (it declares skills and at most one
    person holds them all)."""
    return factor is not None and factor <= AT_RISK
