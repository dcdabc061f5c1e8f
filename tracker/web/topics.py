"""Which topic a page is about: ``?topic=SLUG``, else the default topic.

Topics are data (``data/topics/*.toml``): adding a file adds a topic to every page
that takes one, with no code naming it. Their ``order`` sorts them; the first is the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, g, request, url_for

from tracker.queries.stances import scale_for
from tracker.reference import topics_in_order


@dataclass(frozen=True)
class TopicChoice:
    slug: str
    name: str
    selected: bool


def known_topics() -> list[str]:
    """Every topic slug, the default first."""
    if "known_topics" not in g:  # read data/topics once per request
        g.known_topics = topics_in_order(Path(current_app.config["DATA_DIR"]))
    return list(g.known_topics)


def default_topic() -> str:
    """The topic of a page that names none."""
    known = known_topics()
    if not known:
        raise LookupError(f"{current_app.config['DATA_DIR']}/topics holds no topic files")
    return known[0]


def requested_topic() -> str:
    """The topic asked for with ``?topic=``; an unknown one is a 404 that names the known ones."""
    slug = request.args.get("topic") or default_topic()
    known = known_topics()
    if slug not in known:
        abort(404, description=f"There is no topic {slug[:60]!r}; the topics are: {', '.join(known)}.")
    return slug


def topic_choices(selected: str, among: list[str] | None = None) -> list[TopicChoice]:
    """The topics a page can switch between (``among``: only these, e.g. those with evidence)."""
    slugs = [s for s in known_topics() if among is None or s in among or s == selected]
    return [TopicChoice(s, scale_for(s).name, s == selected) for s in slugs]


# Pages that show one topic at a time and offer the others (the person page has its own list).
TOPIC_PAGES = frozenset({"public.home", "public.methodology", "places.constituency", "places.council",
                         "parties.party", "parties.index", "elections.election", "search.search",
                         "coverage.index"})


def topic_nav() -> dict[str, object]:
    """Template context: the topics this page can be switched between, when it takes one."""
    if request.endpoint not in TOPIC_PAGES or request.args.get("format"):
        return {}
    try:
        selected = requested_topic()
    except Exception:  # an unknown topic: the view answers with its 404
        return {}
    args = {**(request.view_args or {}), **request.args.to_dict()}
    links = [(choice, url_for(request.endpoint, **{**args, "topic": choice.slug}))  # type: ignore[arg-type]
             for choice in topic_choices(selected)]
    return {"topic_nav": links}
