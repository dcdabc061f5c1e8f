"""Search: one box for a postcode, a place or a name.

A valid postcode goes straight to its 2024 constituency (postcodes.io, cached in
the database). Anything else, or a postcode that cannot be looked up, gives the
results of a name search grouped as people, constituencies, councils and
parties, with a message saying what went wrong with the postcode. Searches that
would ask postcodes.io are rate-limited per client (``init_app``).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Blueprint, Flask, current_app, redirect, request, url_for
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response as BaseResponse

from tracker import extensions
from tracker.db import get_session
from tracker.exports.search import SEARCH, PageKind, SearchData, result_urls
from tracker.models import Area
from tracker.postcodes import (
    PostcodeError,
    PostcodeResult,
    UnknownPostcode,
    app_client,
    cache_policy,
    check_postcode,
    lookup_postcode,
    needs_lookup,
)
from tracker.queries import places
from tracker.queries.stances import scale_for
from tracker.search import MAX_LENGTH, SearchResults
from tracker.search import search as find
from tracker.web.site_url import absolute, absolute_url_for
from tracker.web.topics import requested_topic
from tracker.web.twins import page, requested_format

bp = Blueprint("search", __name__)
_GSS_CODE = re.compile(r"^[EWSN][0-9]{8}$")

def init_app(app: Flask) -> None:
    """Limit, per client address, the searches that would ask postcodes.io (after the
    blueprint is registered): POSTCODES_RATE_LIMIT. A name search, or a postcode with a
    fresh answer in the cache, is never limited."""
    endpoint = f"{bp.name}.search"
    app.view_functions[endpoint] = extensions.limiter(app).limit(
        lambda: str(current_app.config["POSTCODES_RATE_LIMIT"]), scope="postcodes-io",
        exempt_when=lambda: not _asks_postcodes_io(), error_message=_limit_message,
    )(app.view_functions[endpoint])


def _query() -> str:
    return " ".join(request.args.get("q", "").split())[:MAX_LENGTH]


def _asks_postcodes_io() -> bool:
    query = _query()
    return (_looks_like_postcode(query)
            and needs_lookup(get_session(), query, cache_policy(current_app.config)))


def _limit_message() -> str:
    limits = "; ".join(p.strip() for p in str(current_app.config["POSTCODES_RATE_LIMIT"]).split(";"))
    return (f"You have looked up too many postcodes in a short time (the limit is {limits}). "
            "Please wait a little and try again. Searching by name still works.")


@bp.get("/search")
def search() -> BaseResponse | str:
    query = _query()
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
    return page("search.html", SEARCH.bind(SearchData(results, result_urls(results, page_url))), "search",
                query=query, results=results, message=message, scale=scale, party_url=party_url)


def is_name_search() -> bool:
    """A search that does not ask postcodes.io: it shows only the data, so the page cache may keep it."""
    return not _looks_like_postcode(_query())


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
    client = app_client()
    try:
        result = lookup_postcode(session, client, postcode, cache=cache_policy(current_app.config))
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


def party_url(slug: str, external: bool = False) -> str:
    """The party page's URL (``/parties/<slug>``), even before that page is registered."""
    try:
        if external:
            return absolute_url_for("parties.party", slug=slug)
        return url_for("parties.party", slug=slug)
    except BuildError:
        path = "/parties/" + quote(slug)
        return absolute(path) if external else path


_ENDPOINTS = {"person": "people.person", "constituency": "places.constituency", "council": "places.council"}


def page_url(kind: PageKind, slug: str) -> str:
    """The absolute URL of a result's page (on SITE_URL)."""
    if kind == "party":
        return party_url(slug, external=True)
    return absolute_url_for(_ENDPOINTS[kind], slug=slug)
