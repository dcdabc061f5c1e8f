"""Atom feeds to follow a person, a constituency, a council, a party or a topic.

Every URL in a feed (ids, links) comes from SITE_URL, never from the request's Host header.
Feeds are pages of the page cache (tracker/web/cache.py): kept by data version, with ETags.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Blueprint, Response, abort, render_template, request
from sqlalchemy.sql.expression import SelectBase

from tracker import clock
from tracker.db import get_session
from tracker.prose import feeds as words
from tracker.queries import feeds as q
from tracker.queries import person_page, places
from tracker.queries.parties import party_by_slug
from tracker.web.parties import plausible_slug
from tracker.web.site_url import absolute_url_for, tag_authority
from tracker.web.topics import default_topic, known_topics

bp = Blueprint("feeds", __name__)
# The date of a feed with no entries yet (Atom asks every feed for one): the month the war began.
_EMPTY_UPDATED = datetime(2023, 10, 1, tzinfo=UTC)
# Characters XML 1.0 forbids in a document (a stored text holding one must not break the feed).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Entry:
    """A feed entry with its absolute URLs, as the template writes it."""

    id: str
    title: str
    summary: str
    updated: datetime
    url: str
    change_set_url: str
    change_set: int
    source_url: str | None
    topic: str | None
    topic_name: str | None


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _tag(key: str) -> str:
    return f"tag:{tag_authority()},2023:ceasefire-tracker/{key}"


def _topic_arg(slug: str | None = None) -> str | None:
    """``?topic=SLUG`` (or ``slug``) narrows a feed to one topic; an unknown one is a 404 naming
    the known ones."""
    slug = request.args.get("topic") if slug is None else slug
    if slug is None:
        return None
    known = known_topics()
    if slug not in known:
        abort(404, description=f"There is no topic {slug[:60]!r}; the topics are: {', '.join(known)}.")
    return slug


def _record_url(entry: q.FeedEntry) -> str:
    anchor = entry.anchor or None
    if entry.person_slug:
        topic = entry.topic if entry.topic and entry.topic != default_topic() else None
        return absolute_url_for("people.person", slug=entry.person_slug, topic=topic, _anchor=anchor)
    if entry.party_slug:
        topic = entry.topic if entry.topic and entry.topic != default_topic() else None
        return absolute_url_for("parties.party", slug=entry.party_slug, topic=topic, _anchor="line-h")
    return absolute_url_for("history.change_set", change_set_id=entry.change_set)


def _entry(entry: q.FeedEntry) -> Entry:
    return Entry(id=_tag(entry.key), title=xml_text(entry.title), summary=xml_text(entry.summary),
                 updated=entry.updated, url=_record_url(entry),
                 change_set_url=absolute_url_for("history.change_set", change_set_id=entry.change_set),
                 change_set=entry.change_set,
                 source_url=xml_text(entry.source_url) if entry.source_url else None,
                 topic=entry.topic, topic_name=xml_text(entry.topic_name) if entry.topic_name else None)


def _feed(scope: q.Scope, key: str, name: str, whose: str, page_url: str, topic: str | None) -> Response:
    """``topic``: the slug the feed is narrowed to, and its name for the subtitle."""
    entries = [_entry(e) for e in q.feed_entries(get_session(), scope)]
    updated = max((e.updated for e in entries), default=_EMPTY_UPDATED)
    topic_name = scope.topic.name if scope.topic else topic
    self_url = absolute_url_for(request.endpoint or "", **(request.view_args or {}),
                                topic=topic if request.endpoint != "feeds.topic" else None)
    body = render_template(
        "feed.xml", feed_id=_tag(f"feeds/{key}" + (f"/{topic}" if topic and request.endpoint != "feeds.topic"
                                                    else "")),
        title=xml_text(words.feed_title(name)), subtitle=xml_text(words.feed_subtitle(whose, topic_name)),
        updated=updated, self_url=self_url, page_url=page_url, entries=entries)
    return Response(body, mimetype="application/atom+xml")


def _scope(people: Collection[int] | SelectBase, party_id: int | None = None) -> tuple[q.Scope, str | None]:
    """The scope of a feed of these people, narrowed to ``?topic=`` when asked (and its slug)."""
    slug = _topic_arg()
    if slug is None:
        return q.Scope(people=people, party_id=party_id), None
    row = q.topic_by_slug(get_session(), slug)
    if row is None:  # a topic with no records yet: nothing on it to follow
        return q.Scope(people=[]), slug
    return q.Scope(people=people, party_id=party_id, topic=row), slug


@bp.get("/people/<slug>/feed.atom")
def person(slug: str) -> Response:
    found = person_page.person_by_slug(get_session(), slug)
    if found is None:
        abort(404, description=f"There is no person at /people/{slug[:80]}, so there is no feed to follow.")
    scope, topic = _scope([found.id])  # type: ignore[list-item]
    return _feed(scope, f"person/{found.id}", found.name, found.name,
                 absolute_url_for("people.person", slug=found.slug, topic=topic), topic)


def _area(slug: str, kind: str, words_for: str) -> Response:
    area = places.area_by_slug(get_session(), slug)
    if area is None or area.kind != kind:
        prefix = "constituencies" if kind == places.CONSTITUENCY else "councils"
        abort(404, description=f"There is no {words_for} at /{prefix}/{slug[:80]}, "
                               "so there is no feed to follow.")
    endpoint = "places.constituency" if kind == places.CONSTITUENCY else "places.council"
    who = (f"the MPs and candidates of {area.name}" if kind == places.CONSTITUENCY
           else f"the councillors of {area.name} we hold")
    scope, topic = _scope(q.area_people(area.id))  # type: ignore[arg-type]
    return _feed(scope, f"{words_for}/{area.id}", area.name, who,
                 absolute_url_for(endpoint, slug=area.slug, topic=topic), topic)


@bp.get("/constituencies/<slug>/feed.atom")
def constituency(slug: str) -> Response:
    return _area(slug, places.CONSTITUENCY, "constituency")


@bp.get("/councils/<slug>/feed.atom")
def council(slug: str) -> Response:
    return _area(slug, places.COUNCIL, "council")


@bp.get("/parties/<slug>/feed.atom")
def party(slug: str) -> Response:
    found = party_by_slug(get_session(), slug) if plausible_slug(slug) else None
    if found is None:
        abort(404, description=f"There is no party at /parties/{slug[:80]}, so there is no feed to follow.")
    scope, topic = _scope(q.party_members(found.id, clock.today()), found.id)  # type: ignore[arg-type]
    return _feed(scope, f"party/{found.id}", found.name,
                 f"the members of {found.name} today and the party’s own line",
                 absolute_url_for("parties.party", slug=found.slug, topic=topic), topic)


@bp.get("/topics/<slug>/feed.atom")
def topic(slug: str) -> Response:
    if slug not in known_topics():
        _topic_arg(slug)  # a 404 that names the topics
    row = q.topic_by_slug(get_session(), slug)
    scope = q.Scope(people=None, topic=row) if row is not None else q.Scope(people=[])
    page = absolute_url_for("public.home", topic=None if slug == default_topic() else slug)
    return _feed(scope, f"topic/{slug}", row.name if row is not None else slug, "everyone", page, slug)
