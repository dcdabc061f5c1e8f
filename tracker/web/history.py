"""History pages of every record that has a page, and change set pages."""

from __future__ import annotations

from flask import Blueprint, Response, abort, url_for
from sqlmodel import SQLModel, select

from tracker.db import get_session
from tracker.exports.history import CHANGE_SET, HISTORY, ChangeSetData, HistoryData
from tracker.models import Area, Decision, Division, Election, Evidence, Party, Person, Pledge
from tracker.prose.history import counts_text
from tracker.queries import history as q
from tracker.queries.places import CONSTITUENCY, COUNCIL
from tracker.web.errors import error_response
from tracker.web.moderation import RestoreForm, is_moderator
from tracker.web.params import page_arg
from tracker.web.parties import plausible_slug
from tracker.web.twins import page, requested_format

bp = Blueprint("history", __name__)

# URL prefix -> (model, subject table, the record page's endpoint, area kind).
RECORDS: dict[str, tuple[type[SQLModel], str, str, str | None]] = {
    "people": (Person, "person", "people.person", None),
    "constituencies": (Area, "area", "places.constituency", CONSTITUENCY),
    "councils": (Area, "area", "places.council", COUNCIL),
    "parties": (Party, "party", "parties.party", None),
    "divisions": (Division, "division", "divisions.division", None),
    "decisions": (Decision, "decision", "decisions.decision", None),
    "elections": (Election, "election", "elections.election", None),
    "pledges": (Pledge, "pledge", "pledges.pledge", None),
}
_WORDS = {"people": "person", "constituencies": "constituency", "councils": "council", "parties": "party",
          "divisions": "division", "decisions": "decision", "elections": "election", "pledges": "pledge"}
_NAME = {"division": "title", "decision": "title", "pledge": "title"}
# An import at national scale writes a million revisions in one change set: 50 a page.
CHANGE_SET_MAX_PAGE = 100_000


def not_found(message: str) -> Response:
    """A 404 in the format asked for: JSON for a JSON twin, the site's 404 page otherwise."""
    if not requested_format():
        abort(404, description=message)
    return error_response(404, "Not found", message)


def _entry(subject: q.SubjectRef) -> tuple[str, str] | None:
    """(URL prefix, page endpoint) of a record a revision is about, if it has a page."""
    if not subject.slug:
        return None
    for prefix, (_model, table, endpoint, kind) in RECORDS.items():
        if table == subject.table and kind in (None, subject.kind):
            return prefix, endpoint
    return None


def record_url(subject: q.SubjectRef) -> str | None:
    entry = _entry(subject)
    return url_for(entry[1], slug=subject.slug) if entry else None


def history_url(subject: q.SubjectRef) -> str | None:
    entry = _entry(subject)
    return url_for(f"history.{entry[0]}", slug=subject.slug) if entry else None


def _history(prefix: str, slug: str) -> Response | str:
    model, table, endpoint, kind = RECORDS[prefix]
    record = (get_session().exec(select(model).where(model.slug == slug)).first()  # type: ignore[attr-defined]
              if plausible_slug(slug) else None)
    if record is None or (kind is not None and record.kind != kind):  # type: ignore[attr-defined]
        return not_found(f"There is no {_WORDS[prefix]} at /{prefix}/{slug}, so there is no history to show.")
    name = getattr(record, _NAME.get(table, "name"))
    moderator = is_moderator()
    result = q.subject_history(get_session(), table, record.id, page_arg(),  # type: ignore[attr-defined]
                               include_private=moderator)
    twin = HISTORY.bind(HistoryData(result.change_sets))
    return page("history.html", twin, f"{prefix}-{slug}-history-page-{result.page}", result=result, name=name,
                record_url=url_for(endpoint, slug=slug), restore_form=RestoreForm() if moderator else None)


def _route(prefix: str):  # type: ignore[no-untyped-def]
    def view(slug: str) -> Response | str:
        return _history(prefix, slug)

    view.__name__ = prefix
    bp.add_url_rule(f"/{prefix}/<slug>/history", endpoint=prefix, view_func=view, methods=["GET"])


for _prefix in RECORDS:
    _route(_prefix)


@bp.get("/evidence/<int:evidence_id>/history")
def evidence(evidence_id: int) -> Response | str:
    """One piece of evidence: every change to it (its submission, review, edits, restores)."""
    session = get_session()
    moderator = is_moderator()
    found = session.get(Evidence, evidence_id) if 0 < evidence_id <= q.MAX_ID else None
    if found is None or (found.status != "approved" and not moderator):
        return not_found(f"There is no evidence {evidence_id} on the site, so there is no history to show.")
    owner = session.get(Person, found.person_id) if found.person_id else session.get(Party, found.party_id)
    result = q.record_history(session, "evidence", evidence_id, page_arg(), include_private=moderator)
    twin = HISTORY.bind(HistoryData(result.change_sets))
    name = f"a piece of evidence about {owner.name}" if owner else f"evidence {evidence_id}"
    return page("history.html", twin, f"evidence-{evidence_id}-history-page-{result.page}", result=result,
                name=name, record_url=_owner_page(owner) if owner else None,
                pager_args={"evidence_id": evidence_id}, restore_form=RestoreForm() if moderator else None)


def _owner_page(owner: Person | Party) -> str:
    return url_for("people.person" if isinstance(owner, Person) else "parties.party", slug=owner.slug)


@bp.get("/changes/<int:change_set_id>")
def change_set(change_set_id: int) -> Response | str:
    moderator = is_moderator()
    result = q.change_set_page(get_session(), change_set_id, page_arg(maximum=CHANGE_SET_MAX_PAGE),
                               include_private=moderator)
    if result is None:
        return not_found(f"There is no change set {change_set_id}.")
    cs = result.change_set
    twin = CHANGE_SET.bind(ChangeSetData(cs, result.counts))
    return page("change_set.html", twin, f"change-set-{cs.id}-page-{result.page}", result=result, cs=cs,
                counts_text=counts_text, record_url_for=record_url, history_url_for=history_url,
                restore_form=RestoreForm() if moderator else None)
