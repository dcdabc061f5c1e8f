"""Search: one box for a postcode, a place or a name.

A valid postcode goes straight to its 2024 constituency (postcodes.io, cached in
the database). Anything else, or a postcode that cannot be looked up, gives the
results of a name search grouped as people, constituencies, councils and
parties, with a message saying what went wrong with the postcode.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Blueprint, current_app, redirect, request, url_for
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response as BaseResponse

from tracker.db import get_session
from tracker.models import Area
from tracker.postcodes import (
    PostcodeClient,
    PostcodeError,
    PostcodeResult,
    UnknownPostcode,
    check_postcode,
    lookup_postcode,
)
from tracker.queries import places
from tracker.queries.stances import scale_for
from tracker.search import MAX_LENGTH, PersonResult, SearchResults
from tracker.search import search as find
from tracker.stance import Scale
from tracker.web.topics import requested_topic
from tracker.web.twins import Table, page, requested_format

bp = Blueprint("search", __name__)
_GSS_CODE = re.compile(r"^[EWSN][0-9]{8}$")

COLUMNS = ("kind", "name", "url", "detail", "stance", "stance_label", "stance_conflict", "source_url",
           "source", "also_known_as")
DESCRIPTION = (
    "Search results, best first within each kind (person, constituency, council, party). "
    "url: the result's page; detail: a person's current seat or latest candidacy and party, "
    "or what kind of place or party it is. For people, stance/stance_label is their current "
    "stance on a ceasefire (stance_conflict when the latest evidence disagrees), and source_url "
    "and source the URL and name of the source of the latest evidence for it (empty when no "
    "stance is recorded; source_url is empty when the source has no web address). "
    "also_known_as: for a person found by another name a source used for them (not their "
    "display name, which is name), that name.")


@bp.get("/search")
def search() -> BaseResponse | str:
    query = " ".join(request.args.get("q", "").split())[:MAX_LENGTH]
    session = get_session()
    message: str | None = None
    name_query = query
    if _GSS_CODE.match(query.upper()):  # e.g. E14001094, as in the data downloads
        area = places.area_by_gss(session, query.upper())
        if area is not None and area.kind in ("westminster_constituency", "council"):
            endpoint = "places.constituency" if area.kind != "council" else "places.council"
            return redirect(url_for(endpoint, slug=area.slug))
    if _looks_like_postcode(query):
        try:
            found = _postcode(session, query)
        except PostcodeError as error:
            message = str(error)
        else:
            area = _constituency(session, found.gss_code)
            if area is not None:
                fmt = requested_format()
                return redirect(url_for("places.constituency", slug=area.slug,
                                        **({"format": fmt} if fmt else {})))
            place = found.constituency_name or found.gss_code
            message = (f"{found.postcode} is in {place}, which we have no page for yet. "
                       "Here are the places and people matching its name.")
            name_query = found.constituency_name or query
    topic = requested_topic()
    results = find(session, name_query, topic=topic) if name_query else SearchResults(query)
    scale = scale_for(topic)
    return page("search.html", [results_table(results, scale)], "search",
                query=query, results=results, message=message, scale=scale, party_url=party_url)


def _looks_like_postcode(text: str) -> bool:
    """Letters and digits only, short, starting with a letter and holding a digit: a postcode
    (or an attempt at one), not a name. Names with digits in them are rare enough."""
    compact = "".join(text.split())
    return (len(text.split()) <= 2 and 2 <= len(compact) <= 8 and compact.isascii()
            and compact.isalnum() and compact[0].isalpha() and any(c.isdigit() for c in compact))


def _postcode(session: Session, text: str) -> PostcodeResult:
    """Look a postcode up (cache first) and commit the cached answer.

    Raises PostcodeError (invalid, unknown, service unavailable), whose message a
    voter can read. The cache is an optimisation: if writing it fails, the
    answer is still used.
    """
    postcode = check_postcode(text)
    config = current_app.config
    client = PostcodeClient(str(config.get("POSTCODES_IO_URL", "https://api.postcodes.io")),
                            timeout=float(config.get("HTTP_TIMEOUT", 5.0)),
                            transport=config.get("HTTP_TRANSPORT"))
    try:
        result = lookup_postcode(session, client, postcode)
    except UnknownPostcode:
        _commit(session)
        raise
    except SQLAlchemyError:  # e.g. two requests caching the same postcode at once
        session.rollback()
        return client.lookup(postcode)
    _commit(session)
    return result


def _commit(session: Session) -> None:
    try:
        session.commit()
    except SQLAlchemyError:
        session.rollback()


def _constituency(session: Session, gss_code: str) -> Area | None:
    """The Westminster constituency with this GSS code (2024 codes are E14001000 upward)."""
    return session.exec(select(Area).where(Area.gss_code == gss_code,
                                           Area.kind == "westminster_constituency")).first()


def _person_row(result: PersonResult, scale: Scale) -> dict[str, object]:
    current = result.stance
    latest = max(current.evidence, key=lambda e: (e.date, e.source_url is not None), default=None)
    return {"kind": "person", "name": result.person.name,
            "url": url_for("people.person", slug=result.person.slug, _external=True),
            "detail": " · ".join(p for p in (result.role, result.party) if p) or None,
            "stance": scale.default if current.conflict else current.stance,
            "stance_label": scale.label(scale.default if current.conflict else current.stance),
            "stance_conflict": current.conflict,
            "source_url": latest.source_url if latest else None,
            "source": latest.source_label if latest else None,
            "also_known_as": result.also_known_as}


def party_url(slug: str, external: bool = False) -> str:
    """The party page's URL (``/parties/<slug>``), even before that page is registered."""
    try:
        return url_for("parties.party", slug=slug, _external=external)
    except BuildError:
        return (request.host_url.rstrip("/") if external else "") + "/parties/" + quote(slug)


def constituency_detail(area: Area) -> str:
    if area.boundary_set == "2024":
        return "Westminster constituency"
    return "Westminster constituency before 2024 (boundaries of 2010–2024)"


def results_table(results: SearchResults, scale: Scale) -> Table:
    """The results as the CSV/JSON twins give them (one row per result)."""
    rows: list[dict[str, object]] = [_person_row(p, scale) for p in results.people]
    rows += [{"kind": "constituency", "name": a.name, "detail": constituency_detail(a),
              "url": url_for("places.constituency", slug=a.slug, _external=True)}
             for a in results.constituencies]
    rows += [{"kind": "council", "name": a.name, "detail": "Council",
              "url": url_for("places.council", slug=a.slug, _external=True)}
             for a in results.councils]
    rows += [{"kind": "party", "name": p.name, "detail": p.short_name,
              "url": party_url(p.slug, external=True)}
             for p in results.parties]
    return Table("results", COLUMNS, rows, DESCRIPTION,
                 frozenset({"name", "detail", "source", "also_known_as"}))

