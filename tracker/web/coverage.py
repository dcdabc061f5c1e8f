"""The coverage page: who has no recorded stance on a topic, and where ("where to go knocking").

``/coverage?topic=&role=&region=&council=&party=``: every filter is a GET parameter, so a
narrowed list is a URL to share. An empty value means "any"; a value the site does not
know is a 400 that says what the parameter takes (in JSON for a ``?format=json`` twin).
A known value that matches nobody is an empty list that says so.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, Response, request
from sqlmodel import Session

from tracker import clock
from tracker.db import get_session
from tracker.exports.coverage import COVERAGE, CoverageData
from tracker.prose.coverage import GROUP_LABELS, ROLE_LABELS, unrecorded_sentence
from tracker.queries import unrecorded as q
from tracker.queries.coverage import GROUPS
from tracker.queries.parties import party_by_slug
from tracker.queries.places import usable_slug
from tracker.queries.stances import scale_for
from tracker.web.pagination import paginate
from tracker.web.params import BadParameter
from tracker.web.topics import default_topic, requested_topic
from tracker.web.twins import page

bp = Blueprint("coverage", __name__)


def _shown(raw: str) -> str:
    return repr(raw if len(raw) <= 40 else raw[:40] + "…")


def requested_filters(session: Session, regions: Mapping[str, str]) -> q.Filters:
    """The filters of the URL, each checked against what exists (a 400 naming it if not),
    before the list is worked out."""
    role, region, council, party = (request.args.get(name, "") or None for name in q.FILTERS)
    if role is not None and role not in GROUPS:
        raise BadParameter("role", f"unknown role {_shown(role)}; use one of: {', '.join(GROUPS)}")
    if region is not None and region not in regions:
        raise BadParameter("region", f"unknown region {_shown(region)}; the regions are: "
                                     f"{', '.join(sorted(regions))}")
    place = q.council_place(session, council) if council is not None and usable_slug(council) else None
    if council is not None and place is None:
        raise BadParameter("council", f"no council has the slug {_shown(council)}; use the last part of "
                                      "a council page's address, /councils/<slug> (e.g. oxford-city-council)")
    if party is not None and (not usable_slug(party) or party_by_slug(session, party) is None):
        raise BadParameter("party", f"no party has the slug {_shown(party)}; use the last part of a party "
                                    "page's address, /parties/<slug> (e.g. labour); /parties lists them")
    return q.Filters(role, region, place, party)


def _narrowed(filters: q.Filters, found: q.Unknowns, party_names: Mapping[str, str]) -> list[str]:
    """The filters in force, in words ("region: North West")."""
    words = []
    if filters.role:
        words.append(f"who: {GROUP_LABELS[filters.role]}")
    if filters.region:
        words.append(f"region: {found.regions[filters.region]}")
    if filters.council:
        words.append(f"council area: {filters.council.name}")
    if filters.party:
        words.append(f"party: {party_names.get(filters.party, filters.party)}")
    return words


@bp.get("/coverage")
def index() -> Response | str:
    session = get_session()
    topic = requested_topic()
    scale = scale_for(topic)
    filters = requested_filters(session, q.region_names(session))
    found = q.unknowns(session, topic, clock.today())
    rows = found.matching(filters)
    choices = found.choices(filters)
    parties = {c.value: c.label for c in choices["party"]}
    if filters.party and filters.party not in parties:  # a real party with nobody listed
        record = party_by_slug(session, filters.party)
        parties[filters.party] = record.name if record else filters.party
    twin = COVERAGE.bind(CoverageData(topic, rows))
    return page("coverage.html", twin, f"coverage-{topic}",
                scale=scale, topic=topic, total=len(found.rows), rows=rows, filters=filters,
                choices=choices, party_names=parties, narrowed=_narrowed(filters, found, parties),
                listed=paginate(rows, table="people", anchor="list-h"), role_labels=ROLE_LABELS,
                sentence=unrecorded_sentence(len(found.rows), scale.name),
                topic_arg=topic if request.args.get("topic") and topic != default_topic() else None)
