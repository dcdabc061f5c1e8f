"""The moderators' desk: the queue of submissions, the review feed of live ones, each
submission beside the person's evidence and timeline, decisions with reasons, edits that
never overwrite someone else's, locks, and restoring any earlier revision."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response as BaseResponse
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional

from tracker.accounts.users import may
from tracker.db import get_session
from tracker.models import Evidence, Person, RecordLock, Revision, Source, Topic, User
from tracker.moderation import submissions as service
from tracker.moderation.trust import lock_on
from tracker.queries.stances import scale_for
from tracker.readmodel import view
from tracker.revisions import RESTORED_FROM, Recorder, RestoreError, restore
from tracker.web.auth import local_path, role_required, signed_in_user
from tracker.web.site_url import absolute_url_for
from tracker.web.submission_forms import EditForm

bp = Blueprint("moderation", __name__)
FEED_SALT = "moderation-feed"


class ReasonForm(FlaskForm):  # type: ignore[misc]
    reason = StringField("Reason (the person who submitted it sees this)",
                         validators=[Optional(), Length(max=1000)])


class LockForm(FlaskForm):  # type: ignore[misc]
    reason = StringField("Why lock it?", validators=[DataRequired(), Length(max=1000)])


class RestoreForm(FlaskForm):  # type: ignore[misc]
    revision = HiddenField(validators=[DataRequired()])
    reason = StringField("Why restore this version?", validators=[DataRequired(), Length(max=1000)])


class PlainForm(FlaskForm):  # type: ignore[misc]
    pass


def _evidence(evidence_id: int) -> Evidence:
    evidence = get_session().get(Evidence, evidence_id)
    if evidence is None or evidence.person_id is None:
        abort(404)
    return evidence


def _feed_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=FEED_SALT)


@bp.get("/moderation")
@role_required("moderator")
def queue() -> str:
    session = get_session()
    pending = service.queue(session)
    live = service.unchecked_live(session)
    people = service.people_by_id(session, {e.person_id for e in [*pending, *live] if e.person_id})
    submitters = _users(session, {e.submitted_by_id for e in [*pending, *live] if e.submitted_by_id})
    user = signed_in_user()
    feed = absolute_url_for("moderation.feed", key=_feed_serializer().dumps(user.id))
    return render_template("moderation/queue.html", pending=pending, live=live, people=people,
                           submitters=submitters, feed_url=feed,
                           locks=session.exec(_locks_statement()).all())


def _locks_statement():  # type: ignore[no-untyped-def]
    from sqlmodel import select

    return select(RecordLock).order_by(RecordLock.locked_at.desc())  # type: ignore[attr-defined]


def _users(session: Any, ids: set[int | None]) -> dict[int, User]:
    from sqlmodel import select

    wanted = sorted(i for i in ids if i is not None)
    return {u.id: u for u in session.exec(select(User).where(User.id.in_(wanted))).all()} if wanted else {}  # type: ignore[union-attr, misc]


@bp.get("/moderation/feed.atom")
def feed() -> Response:
    """The queue and review feed as Atom, for a moderator's feed reader: the address carries a
    signed key (shown on the queue page), since a feed reader cannot sign in."""
    try:
        user_id = _feed_serializer().loads(request.args.get("key", ""))
    except BadSignature:
        abort(403)
    session = get_session()
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if not may(user, "moderator"):
        abort(403)
    items = sorted([*service.queue(session), *service.unchecked_live(session)],
                   key=lambda e: (e.created_at, e.id or 0), reverse=True)
    people = service.people_by_id(session, {e.person_id for e in items if e.person_id})
    body = render_template("moderation/feed.xml", items=items, people=people,
                           updated=max((e.created_at for e in items), default=datetime.now(UTC)),
                           self_url=absolute_url_for("moderation.feed", key=request.args.get("key", "")),
                           review_url=lambda e: absolute_url_for("moderation.review", evidence_id=e.id))
    response = Response(body, mimetype="application/atom+xml")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/moderation/evidence/<int:evidence_id>")
@role_required("moderator")
def review(evidence_id: int) -> str:
    return _review_page(_evidence(evidence_id))


def _review_page(evidence: Evidence, form: ReasonForm | None = None, status: int = 200) -> Any:
    session = get_session()
    person = session.get(Person, evidence.person_id)
    topic = session.get(Topic, evidence.topic_id)
    assert person is not None and topic is not None
    scale = scale_for(topic.slug)
    history = view.histories(session, [person.id], topic.slug)[person.id]  # type: ignore[list-item, index]
    source = session.get(Source, evidence.source_id)
    submitter = session.get(User, evidence.submitted_by_id) if evidence.submitted_by_id else None
    reviewer = session.get(User, evidence.reviewed_by_id) if evidence.reviewed_by_id else None
    dupes = service.duplicates(session, person.id, source.url if source and source.url else "",  # type: ignore[arg-type]
                               evidence.kind, evidence.evidence_date, exclude=evidence.id)
    body = render_template(
        "moderation/review.html", evidence=evidence, person=person, topic=topic, scale=scale, history=history,
        source=source, submitter=submitter, reviewer=reviewer, duplicates=dupes,
        record=service.submitter_record(session, submitter) if submitter else None,
        lock=lock_on(session, "person", person.id), form=form or ReasonForm(formdata=None),  # type: ignore[arg-type]
        lock_form=LockForm(formdata=None), plain=PlainForm())
    return (body, status) if status != 200 else body


@bp.post("/moderation/evidence/<int:evidence_id>/<decision>")
@role_required("moderator")
def decide(evidence_id: int, decision: str) -> BaseResponse | tuple[str, int]:
    if decision not in ("approve", "reject", "checked"):
        abort(404)
    session = get_session()
    evidence = _evidence(evidence_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _review_page(evidence, form, 400)
    moderator = signed_in_user()
    try:
        if decision == "approve":
            service.approve(session, moderator, evidence, form.reason.data or "")
        elif decision == "reject":
            service.reject(session, moderator, evidence, form.reason.data or "")
        else:
            service.mark_checked(session, moderator, evidence)
    except service.ReviewError as exc:
        session.rollback()
        form.reason.errors = [str(exc)]
        return _review_page(_evidence(evidence_id), form, 409 if "not waiting" in str(exc) else 400)
    session.commit()
    flash({"approve": "Approved: it is on the site now.", "reject": "Done: it is off the site, and the "
           "person who sent it can see your reason.", "checked": "Marked as checked."}[decision], "info")
    return redirect(url_for("moderation.queue"))


@bp.route("/moderation/evidence/<int:evidence_id>/edit", methods=["GET", "POST"])
@role_required("moderator")
def edit(evidence_id: int) -> BaseResponse | str | tuple[str, int]:
    session = get_session()
    evidence = _evidence(evidence_id)
    topic = session.get(Topic, evidence.topic_id)
    assert topic is not None
    scale = scale_for(topic.slug)
    form = EditForm()
    form.set_scale(scale)
    conflict: dict[str, Any] | None = None
    status = 200
    if not form.is_submitted():
        source = session.get(Source, evidence.source_id)
        form.process(data={
            "kind": evidence.kind, "stance": evidence.stance, "evidence_date": evidence.evidence_date,
            "summary": evidence.summary, "quote": evidence.quote or "",
            "source_url": source.url if source else "", "publisher": source.publisher if source else "",
            "opened_on": service.newest_revision(session, "evidence", evidence_id) or ""})
    elif form.validate_on_submit():
        opened = int(form.opened_on.data) if (form.opened_on.data or "").isdigit() else None
        try:
            changed = service.edit(session, signed_in_user(), evidence, form.submission(
                evidence.person_id, topic.slug), opened, form.reason.data or "")  # type: ignore[arg-type]
        except service.EditConflict as exc:
            session.rollback()
            current = _evidence(evidence_id)
            source = session.get(Source, current.source_id)
            conflict = {"current": current, "source": source, "newest": exc.newest_revision}
            form.opened_on.data = str(exc.newest_revision or "")  # a second save overwrites knowingly
            status = 409
        except service.SubmissionError as exc:
            session.rollback()
            form.show_errors(exc.errors)
            status = 400
        except service.ReviewError as exc:
            session.rollback()
            form.reason.errors = [str(exc)]
            status = 409
        else:
            session.commit()
            flash("Saved." if changed else "Nothing was changed.", "info")
            return redirect(url_for("moderation.review", evidence_id=evidence_id))
    else:
        status = 400
    return render_template("moderation/edit.html", form=form, evidence=_evidence(evidence_id), scale=scale,
                           conflict=conflict), status


@bp.post("/moderation/people/<int:person_id>/lock")
@role_required("moderator")
def lock(person_id: int) -> BaseResponse | tuple[str, int]:
    session = get_session()
    person = session.get(Person, person_id)
    if person is None:
        abort(404)
    form = LockForm()
    back = _back(person)
    if not form.validate_on_submit():
        flash("Give a reason to lock the record.", "error")
        return redirect(back)
    if lock_on(session, "person", person_id) is None:
        moderator = signed_in_user()
        recorder = Recorder(session, actor=moderator.name, user_id=moderator.id, reason=form.reason.data)
        recorder.add(RecordLock(table_name="person", record_id=person_id, reason=form.reason.data or "",
                                locked_by_id=moderator.id))  # type: ignore[arg-type]
        recorder.flush()
        session.commit()
    flash(f"{person.name}’s record is locked: nothing about them goes live without review, and their "
          "evidence cannot be edited or restored until it is unlocked.", "info")
    return redirect(back)


@bp.post("/moderation/people/<int:person_id>/unlock")
@role_required("moderator")
def unlock(person_id: int) -> BaseResponse:
    session = get_session()
    person = session.get(Person, person_id)
    if person is None or not PlainForm().validate_on_submit():
        abort(404 if person is None else 400)
    found = lock_on(session, "person", person_id)
    if found is not None:
        moderator = signed_in_user()
        recorder = Recorder(session, actor=moderator.name, user_id=moderator.id, reason="unlocked")
        recorder.delete(found)
        recorder.flush()
        session.commit()
    flash(f"{person.name}’s record is unlocked.", "info")
    return redirect(_back(person))


def _back(person: Person) -> str:
    return local_path(request.form.get("back"), url_for("history.people", slug=person.slug))


@bp.post("/moderation/restore")
@role_required("moderator")
def restore_revision() -> BaseResponse | tuple[str, int]:
    session = get_session()
    form = RestoreForm()
    back = local_path(request.form.get("back"), url_for("moderation.queue"))
    if not form.validate_on_submit() or not (form.revision.data or "").isdigit():
        flash("Say why you are restoring it.", "error")
        return redirect(back)
    revision = session.get(Revision, int(form.revision.data or 0))
    if revision is None:
        abort(404)
    found = lock_on(session, "person", revision.subject_id) if revision.subject_table == "person" else None
    if found is not None:
        flash(f"This record is locked ({found.reason}): unlock it before restoring.", "error")
        return redirect(back)
    moderator = signed_in_user()
    try:
        change_set = restore(session, revision.id, actor=moderator.name, user_id=moderator.id,  # type: ignore[arg-type]
                             reason=form.reason.data or "")
    except RestoreError as exc:
        session.rollback()
        flash(f"Not restored: {exc}.", "error")
        return redirect(back)
    session.commit()
    flash(f"Restored as it stood after revision {revision.id} ({RESTORED_FROM.strip()} "
          f"{revision.id}, change set {change_set.id}).", "info")
    return redirect(back)


def is_moderator() -> bool:
    return bool(current_user.is_authenticated and may(current_user, "moderator"))  # type: ignore[arg-type]
