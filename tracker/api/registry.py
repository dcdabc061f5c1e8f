"""Every resource of the API, declared once each, in the order /api and the OpenAPI document list them."""

from __future__ import annotations

from tracker.api.declare import Resource
from tracker.api.resources import changes, edms, elections, evidence, people, places, votes

RESOURCES: tuple[Resource, ...] = (
    people.PEOPLE, people.STANCES, people.STANCE_PERIODS, evidence.EVIDENCE, votes.VOTES, votes.DIVISIONS,
    votes.DECISIONS, edms.EDMS, edms.EDM_SIGNATURES, places.AREAS, places.COUNCILS, places.BODIES,
    places.PARTIES, elections.ELECTIONS, elections.CANDIDACIES, elections.CAMPAIGNS, evidence.REPLIES,
    changes.CHANGE_SETS, changes.REVISIONS,
)
BY_NAME: dict[str, Resource] = {r.name: r for r in RESOURCES}


def _check() -> None:
    if len(BY_NAME) != len(RESOURCES):
        raise ValueError("two resources share a name")
    items = [r.schema_name for r in RESOURCES]
    if len(set(items)) != len(items):
        raise ValueError(f"two resources share an item name: {items}")
    for resource in RESOURCES:
        for related in resource.related:
            target = BY_NAME.get(related.resource)
            if target is None or target.filter(related.filter) is None:
                raise ValueError(f"{resource.name}: {related.name} links to {related.resource}?"
                                 f"{related.filter}=, which does not exist")
            if related.value not in {c.name for c in resource.columns}:
                raise ValueError(f"{resource.name}: {related.name} reads column {related.value}, "
                                 "which is not declared")


_check()
