"""People side by side: ``/compare?people=a,b,...`` (two to six person slugs).

The page shows each person's current stance (the read model's ``StanceView``), what places
them, one chart of everyone's stance over time and all their evidence merged, newest first.
Its form (a plain GET, no JavaScript) keeps the people ticked and adds people by name
(``add=``, resolved here and redirected to the address with slugs only), so the address
of a comparison is always ``/compare?people=a,b,...`` and is kept by the page cache.

A list that cannot be compared (fewer than two, more than six, a repeat, an address that
is no one's) is a 400 saying which and what to do: a page with the form to put it right,
or for a twin, JSON (or text) with a ``reason``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for
from sqlmodel import Session
from werkzeug.wrappers import Response as BaseResponse

from tracker import charts, clock, compare_chart
from tracker.db import get_session
from tracker.exports.compare import COMPARE, Compared, CompareData
from tracker.models import Person
from tracker.prose.compare import (
    REASONS,
    chart_summary,
    problem_text,
    stance_summary,
    standing_text,
    standing_words,
)
from tracker.queries.compare import (
    MAX_PEOPLE,
    MIN_PEOPLE,
    Standing,
    people_by_slugs,
    people_named,
    rivals,
    standings,
)
from tracker.queries.stances import scale_for
from tracker.readmodel import view
from tracker.web.errors import error_response
from tracker.web.page_charts import STANCE_OVER_TIME, chart_links
from tracker.web.pagination import paginate
from tracker.web.topics import default_topic, requested_topic
from tracker.web.twins import FORMATS as TWIN_FORMATS
from tracker.web.twins import page, requested_format

bp = Blueprint("compare", __name__)
EVIDENCE_PER_PAGE = 25
# The longest name or address read from the form, and how many people a refused list shows
# in its form (a list of hundreds is refused without looking them all up).
MAX_TEXT = 200
SHOWN_WHEN_REFUSED = 20


@dataclass(frozen=True)
class Problem:
    """Why the people asked for cannot be compared, and what the reader can do."""

    reason: str  # a key of tracker.prose.compare.REASONS
    title: str
    message: str
    todo: str
    names: list[str] = field(default_factory=list)  # the slugs or names at fault


def compare_url(slugs: Sequence[str], **args: str) -> str:
    """The address of a comparison of these people (slugs, in order)."""
    return url_for("compare.compare", people=",".join(slugs), **args)


def _asked() -> list[str]:
    """The slugs ``?people=`` names, in order: comma-separated, in one value or several (the
    form's ticks); blanks left out."""
    return [s.strip()[:MAX_TEXT] for value in request.args.getlist("people") for s in value.split(",")
            if s.strip()]


def _added() -> list[str]:
    """The names typed into the form's boxes (blank boxes left out)."""
    return [" ".join(v.split())[:MAX_TEXT] for v in request.args.getlist("add") if v.strip()]


def _other_args() -> dict[str, str]:
    """The address's arguments besides the people (the topic, a twin's format and table)."""
    return {k: v for k, v in request.args.items() if k not in ("people", "add")}


def _topic_args(topic: str) -> dict[str, str]:
    return {} if topic == default_topic() else {"topic": topic}


@bp.get("/compare")
def compare() -> BaseResponse | str:
    fmt = requested_format()  # an unknown format is a 400 before anything else
    topic = requested_topic()
    session = get_session()
    asked = _asked()
    added = _added()
    if fmt is None and "people" not in request.args and "add" not in request.args:
        return render_template("compare.html", people=[], problem=None, choices=[], topic=topic,
                               scale=scale_for(topic), form_people=[], add_boxes=MIN_PEOPLE,
                               **_form_context(topic))
    distinct = list(dict.fromkeys(asked))
    known = people_by_slugs(session, distinct[:SHOWN_WHEN_REFUSED])
    in_form = [known[s] for s in distinct[:SHOWN_WHEN_REFUSED] if s in known]
    if len(distinct) > MAX_PEOPLE:
        return _refuse("too_many_people", [], len(distinct), in_form, topic)
    times = Counter(asked)
    repeated = [s for s in distinct if times[s] > 1]
    if repeated:
        return _refuse("duplicate_person", repeated, len(asked), in_form, topic)
    unknown = [s for s in distinct if s not in known]
    if unknown:
        return _refuse("unknown_person", unknown, len(distinct), in_form, topic)
    if added:
        return _add(session, distinct, added, in_form, topic)
    if len(distinct) < MIN_PEOPLE:
        return _refuse("too_few_people", [p.name for p in in_form], len(distinct), in_form, topic)
    if request.args.getlist("people") != [",".join(distinct)] or "add" in request.args:
        return redirect(compare_url(distinct, **_other_args()))
    return _comparison(session, [known[s] for s in distinct], topic)


def _add(session: Session, slugs: list[str], added: list[str], in_form: list[Person],
         topic: str) -> BaseResponse | str:
    """Resolve the names typed into the form: all found, to the comparison's address; else
    which name matched no one (a 400), or whom an ambiguous name could mean."""
    if len(added) > MAX_PEOPLE:
        return _refuse("too_many_people", [], len(slugs) + len(added), in_form, topic)
    today = clock.today()
    chosen = list(slugs)
    missing: list[str] = []
    choices: list[tuple[str, list[Person]]] = []
    for text in added:
        found = people_named(session, text, topic, today)
        if not found:
            missing.append(text)
        elif len(found) > 1:
            choices.append((text, [p for p in found if p.slug not in chosen]))
        elif found[0].slug not in chosen:
            chosen.append(found[0].slug)
    if missing:
        return _refuse("no_match", missing, len(chosen), [*in_form, *people_by_slugs(
            session, chosen[len(slugs):]).values()], topic)
    if choices:
        if request.args.get("format") in TWIN_FORMATS:  # a twin cannot ask which one
            return _refuse("ambiguous_name", [text for text, _people in choices], len(chosen), in_form, topic)
        kept = people_by_slugs(session, chosen)
        offered = {p.id: p for _text, found in choices for p in found}
        placed = standings(session, list(offered), today)  # type: ignore[arg-type]
        return render_template(
            "compare.html", people=[], problem=None, topic=topic, scale=scale_for(topic),
            choices=[(text, [(p, compare_url([*chosen, p.slug], **_topic_args(topic))) for p in found])
                     for text, found in choices],
            choice_lines={pid: _line(placed[pid])[2] for pid in offered},
            form_people=[kept[s] for s in chosen], add_boxes=1, **_form_context(topic))
    return redirect(compare_url(chosen, **_other_args()))


def _refuse(reason: str, names: list[str], given: int, in_form: list[Person], topic: str) -> Response:
    """A 400 saying why these people cannot be compared: JSON or text for a twin, else the page
    with its form holding the people we know, to put it right."""
    message, todo = problem_text(reason, names, given, MIN_PEOPLE, MAX_PEOPLE)
    title = REASONS[reason]
    parameter = "add" if reason in ("no_match", "ambiguous_name") else "people"
    if request.args.get("format") in TWIN_FORMATS:
        return error_response(400, title, message, parameter=parameter, reason=reason, names=names,
                              what_to_do=todo, minimum=MIN_PEOPLE, maximum=MAX_PEOPLE)
    problem = Problem(reason, title, message, todo, names)
    body = render_template("compare.html", people=[], problem=problem, choices=[], topic=topic,
                           scale=scale_for(topic), form_people=in_form,
                           add_boxes=max(1, MIN_PEOPLE - len(in_form)),
                           **_form_context(topic))
    return Response(body, status=400)


def _form_context(topic: str) -> dict[str, Any]:
    # The form keeps the page's topic and day (as_of) in hidden fields.
    kept = {k: request.args[k] for k in ("topic", "as_of") if request.args.get(k)}
    return {"topic_args": _topic_args(topic), "form_args": kept, "max_people": MAX_PEOPLE,
            "min_people": MIN_PEOPLE}


def _line(standing: Standing) -> tuple[str, str, str | None]:
    lead, tail = standing_words(standing.kind, body=standing.body, membership=standing.membership,
                                area=standing.area, election=standing.election,
                                candidacy=standing.candidacy)
    text = standing_text(lead, standing.area.name if standing.area and lead else None, tail,
                         standing.party_name)
    return lead, tail, text


def _comparison(session: Session, people: list[Person], topic: str) -> Response | str:
    scale = scale_for(topic)
    today = clock.today()
    ids: list[int] = [p.id for p in people]  # type: ignore[misc]
    histories = view.histories(session, ids, topic)
    placed = standings(session, ids, today)
    compared, lines = [], {}
    for person in people:
        standing = placed[person.id]  # type: ignore[index]
        lead, tail, text = _line(standing)
        lines[person.id] = (lead, tail)
        compared.append(Compared(person, standing, text, histories[person.id]))  # type: ignore[index]
    # Newest first; on one day, in the order the people are compared (the sort is stable).
    evidence = [{"person": c.person.slug, "name": c.person.name, **e.as_dict(), "evidence_id": e.id}
                for c in compared for e in reversed(c.history.evidence)]
    evidence.sort(key=lambda e: e["date"], reverse=True)
    chart = compare_chart.frame(people, histories, scale, today)
    twin = COMPARE.bind(CompareData(topic, compared, evidence, chart))
    drawn = set(chart["person"])
    summary = chart_summary(
        [stance_summary(c.person.name, c.history.current.label, c.history.current.start)
         for c in compared if c.person.slug in drawn],
        [c.person.name for c in compared if c.person.slug not in drawn], scale.label(scale.default))
    return page(
        "compare.html", twin, "compare-" + "-".join(p.slug for p in people)[:120],
        people=compared, lines=lines, problem=None, choices=[], topic=topic, scale=scale,
        chart_json=charts.to_json(compare_chart.figure(chart, people, scale)),
        chart_table=compare_chart.steps_table(chart, people), chart_summary=summary,
        chart_links=chart_links("chart", STANCE_OVER_TIME),
        evidence_page=paginate(evidence, parameter="evidence_page", per_page=EVIDENCE_PER_PAGE,
                               table="evidence", anchor="evidence-h"),
        form_people=people, add_boxes=1 if len(people) < MAX_PEOPLE else 0,
        **_form_context(topic))


# Links into a comparison from other pages (template globals, so those pages' views need no change).

@dataclass(frozen=True)
class CompareLink:
    url: str
    shown: int  # people compared by the link
    total: int  # people it could have compared (more than MAX_PEOPLE: the first ones only)


def _link(slugs: Sequence[str]) -> CompareLink | None:
    distinct = list(dict.fromkeys(slugs))
    if len(distinct) < MIN_PEOPLE:
        return None
    shown = distinct[:MAX_PEOPLE]
    return CompareLink(compare_url(shown, **_topic_args(requested_topic())), len(shown), len(distinct))


@bp.app_template_global()
def compare_candidates(current: Sequence[Any], stood: Sequence[Any]) -> CompareLink | None:
    """A constituency's current MPs (``Seat``) and the candidates at its latest election
    (``Stood``, most votes first), when that makes two people or more."""
    latest = max((s.election.election_date for s in stood), default=None)
    candidates = [s for s in stood if s.election.election_date == latest]
    candidates.sort(key=lambda s: -(s.candidacy.votes or 0))
    mps = sorted((s.person for s in current), key=lambda p: (p.sort_name, p.id))
    return _link([p.slug for p in mps] + [s.person.slug for s in candidates]) if candidates else None


@bp.app_template_global()
def compare_rivals(person: Person) -> tuple[CompareLink, Any] | None:
    """A comparison of the person with those who stood against them at their latest election,
    most votes first, and that election's ``Rivals`` (one or two queries)."""
    found = rivals(get_session(), person.id)  # type: ignore[arg-type]
    if found is None or not found.people:
        return None
    link = _link([person.slug, *(p.slug for p in found.people)])
    return (link, found) if link else None
