"""Bulk upload of a campaign's list: the form and its templates, the preview where rows get
their people, submitting, and the moderators' side (the lists waiting, approve or reject).

Views are thin: reading and matching is :mod:`tracker.uploads`, every write is one of
:mod:`tracker.uploads.service`'s steps (one change set each), committed here or rolled back
whole. The upload POST is rate limited per client (SUBMISSION_RATE_LIMIT).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlmodel import select
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from tracker import extensions
from tracker.accounts.users import may
from tracker.db import get_session
from tracker.models import Person, Pledge, Topic, Upload, User
from tracker.moderation.trust import is_trusted
from tracker.queries.stances import scale_for
from tracker.uploads import format as fmt
from tracker.uploads import service
from tracker.uploads.commit import CommitError
from tracker.uploads.parse import Limits, UploadRefused
from tracker.uploads.read import size_text
from tracker.web.auth import role_required, signed_in_user
from tracker.web.topics import known_topics

bp = Blueprint("uploads", __name__)
_MEDIA = {"csv": "text/csv; charset=utf-8",
          "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class UploadForm(FlaskForm):  # type: ignore[misc]
    pledge = SelectField("Whose list is it?")
    topic = SelectField("Topic (for a list without a campaign)")
    file = FileField("The list: a CSV (.csv) or Excel (.xlsx) file", validators=[FileRequired(
        message="Choose the file to upload.")])


class RowsForm(FlaskForm):  # type: ignore[misc]
    """The preview's choices: CSRF only; the rows' fields are read by line (``_choices``)."""


class RejectForm(FlaskForm):  # type: ignore[misc]
    reason = TextAreaField("Why? (the person who uploaded it sees this)",
                           validators=[DataRequired(), Length(max=1000)])


def _upload_form(**kwargs: Any) -> UploadForm:
    session = get_session()
    form = UploadForm(**kwargs)
    pledges = session.exec(select(Pledge).order_by(Pledge.title)).all()
    form.pledge.choices = [SelectChoice("", "No campaign: a list of statements and other evidence")] + [
        SelectChoice(p.slug, f"{p.title} ({p.organisation})") for p in pledges]
    form.topic.choices = [SelectChoice(slug, scale_for(slug).name) for slug in known_topics()]
    return form


def _docs() -> dict[str, Any]:
    scale = scale_for(known_topics()[0])
    return {kind: {"columns": fmt.documentation(kind, scale), "values": fmt.allowed_values(kind, scale)}
            for kind in fmt.LIST_KINDS}


def _new_page(form: UploadForm, problems: list[Any] | None = None, status: int = 200) -> tuple[str, int]:
    limits = Limits.from_config(current_app.config)
    return render_template("uploads/new.html", form=form, problems=problems or [],
                           docs=_docs(), limits=limits, size_limit=size_text(limits.max_bytes),
                           topics=known_topics()), status


@bp.route("/uploads/new", methods=["GET", "POST"])
@role_required("contributor")
def new() -> BaseResponse | tuple[str, int]:
    form = _upload_form()
    if not form.validate_on_submit():
        return _new_page(form, status=400 if form.is_submitted() else 200)
    session = get_session()
    pledge = session.exec(select(Pledge).where(Pledge.slug == form.pledge.data)).first() \
        if form.pledge.data else None
    topic = session.get(Topic, pledge.topic_id) if pledge else \
        session.exec(select(Topic).where(Topic.slug == form.topic.data)).first()
    if topic is None:
        form.topic.errors = ["Choose one of the topics listed."]
        return _new_page(form, status=400)
    stored = form.file.data
    data = stored.read(Limits.from_config(current_app.config).max_bytes + 1)
    user = signed_in_user()
    try:
        upload = service.create(session, user, data, stored.filename or "", topic=topic,
                                scale=scale_for(topic.slug), pledge=pledge,
                                limits=Limits.from_config(current_app.config))
    except UploadRefused as exc:
        session.rollback()
        return _new_page(form, exc.problems, status=400)
    session.commit()
    return redirect(url_for("uploads.show", upload_id=upload.id))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error: Exception) -> BaseResponse:
    """A body over MAX_CONTENT_LENGTH is never read (so no page here may read the form): the
    upload page says why, after a redirect."""
    limits = Limits.from_config(current_app.config)
    flash(f"The file was not accepted: it is too large (the limit is {size_text(limits.max_bytes)}). "
          "Split the list into smaller files.", "error")
    return redirect(url_for("uploads.new"), 303)


@bp.get("/uploads/template.<ext>")
def template(ext: str) -> Response:
    """The template of a list (``?list=campaign|evidence``, ``?topic=`` for the stances)."""
    if ext not in _MEDIA:
        abort(404)
    kind = request.args.get("list", fmt.CAMPAIGN)
    if kind not in fmt.LIST_KINDS:
        abort(404, description=f"There is no list {kind[:40]!r}; the lists are: {', '.join(fmt.LIST_KINDS)}.")
    topic = request.args.get("topic") or known_topics()[0]
    if topic not in known_topics():
        abort(404, description=f"There is no topic {topic[:60]!r}.")
    scale = scale_for(topic)
    body = fmt.template_csv(kind, scale) if ext == "csv" else fmt.template_xlsx(kind, scale)  # type: ignore[arg-type]
    name = f"{kind}-list-template.{ext}"
    return Response(body, mimetype=_MEDIA[ext].split(";")[0], headers={
        "Content-Type": _MEDIA[ext], "Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/uploads")
@role_required("contributor")
def mine() -> str:
    session = get_session()
    uploads = service.of_user(session, signed_in_user())
    return render_template("uploads/mine.html", uploads=uploads, described=_described(uploads))


@bp.get("/moderation/uploads")
@role_required("moderator")
def waiting() -> str:
    session = get_session()
    uploads = service.waiting(session)
    return render_template("uploads/waiting.html", uploads=uploads, described=_described(uploads))


def _described(uploads: list[Upload]) -> dict[int, dict[str, Any]]:
    """Each upload's campaign or topic, uploader and row counts, for the lists."""
    session = get_session()
    pledges = {p.id: p for p in session.exec(select(Pledge)).all()}
    topics = {t.id: t for t in session.exec(select(Topic)).all()}
    user_ids = sorted({u.user_id for u in uploads})
    users = {u.id: u for u in session.exec(select(User).where(User.id.in_(user_ids)))} if user_ids else {}  # type: ignore[union-attr]
    return {u.id: {"pledge": pledges.get(u.pledge_id), "topic": topics.get(u.topic_id),  # type: ignore[misc]
                   "user": users.get(u.user_id), "counts": service.counts(service.entries(u)),
                   "rows": len(u.rows)} for u in uploads}


def _upload_for(upload_id: int, user: User) -> Upload:
    upload = get_session().get(Upload, upload_id)
    if upload is None or not service.may_view(user, upload):
        abort(404)
    return upload


@bp.route("/uploads/<int:upload_id>", methods=["GET", "POST"])
@role_required("contributor")
def show(upload_id: int) -> BaseResponse | tuple[str, int]:
    session = get_session()
    user = signed_in_user()
    upload = _upload_for(upload_id, user)
    form = RowsForm()
    errors: list[str] = []
    status = 200
    action = request.form.get("action", "save")
    if form.validate_on_submit() and (service.may_edit(user, upload) or action == "discard"):
        try:
            done = _act(upload, user, action)
        except (service.UploadError, CommitError) as exc:
            session.rollback()
            upload = _upload_for(upload_id, user)
            errors, status = [str(exc)], 400
        else:
            session.commit()
            if done:
                flash(done, "info")
            return redirect(url_for("uploads.show", upload_id=upload_id, show=request.args.get("show")))
    elif form.is_submitted():
        errors, status = ["This list cannot be changed now."], 400
    return _show_page(upload, user, form, errors), status


def _act(upload: Upload, user: User, action: str) -> str:
    """Save the rows' choices, then take the action asked for; returns what to tell the user."""
    session = get_session()
    if action == "discard":
        service.discard(session, user, upload)
        return "The list is discarded: nothing from it was recorded."
    changed = service.choose(session, user, upload, _choices(upload))
    if action == "submit":
        if service.submit(session, user, upload) == "committed":
            return _committed(upload)
        return "Thank you: a moderator will review the list before anything from it goes on the site."
    if action == "approve":
        service.approve(session, user, upload)
        return _committed(upload)
    return f"Saved ({changed} row{'s' if changed != 1 else ''} changed)."


def _committed(upload: Upload) -> str:
    items = service.entries(upload)
    written = sum(1 for e in items if e.evidence_id)
    skipped = sum(1 for e in items if e.skipped)
    told = f"Recorded {written} row{'s' if written != 1 else ''} of the list as one change."
    return told + (f" {skipped} were already recorded and were left out." if skipped else "")


def _choices(upload: Upload) -> dict[int, service.Choice]:
    """The choices posted for the rows shown (``row`` lists their lines): a checkbox ``drop-N``
    for a matched row; a radio ``choice-N`` (a candidate's id, ``drop`` or empty) and a text
    ``other-N`` (a person's address on this site) for the others."""
    session = get_session()
    items = {e.line: e for e in service.entries(upload)}
    lines = [int(n) for n in request.form.getlist("row") if n.isdigit() and int(n) in items]
    out: dict[int, service.Choice] = {}
    for line in lines:
        other = request.form.get(f"other-{line}", "").strip().lower().rstrip("/").rsplit("/", 1)[-1]
        if other:
            person = session.exec(select(Person).where(Person.slug == other[:150])).first()
            if person is None:
                raise service.UploadError(f"Line {line}: nobody’s address on this site is “{other[:60]}”.")
            out[line] = person.id
        elif items[line].match.status == "matched":
            out[line] = service.DROP if request.form.get(f"drop-{line}") else None
        else:
            picked = request.form.get(f"choice-{line}", "")
            out[line] = service.DROP if picked == service.DROP else int(picked) if picked.isdigit() else None
    return out


def _show_page(upload: Upload, user: User, form: RowsForm, errors: list[str]) -> str:
    session = get_session()
    items = service.entries(upload)
    shown = [e for e in items if not e.resolved] if request.args.get("show") == "waiting" else items
    ids = {e.person_id for e in items if e.person_id}
    ids |= {c.person_id for e in shown for c in e.match.candidates}
    people = {p.id: p for p in session.exec(select(Person).where(Person.id.in_(sorted(ids))))} if ids else {}  # type: ignore[union-attr]
    return render_template(
        "uploads/show.html", upload=upload, items=shown, all_count=len(items), people=people,
        counts=service.counts(items), editable=service.may_edit(user, upload), form=form,
        reject_form=RejectForm(formdata=None), errors=errors, owner=upload.user_id == user.id,
        moderator=may(user, "moderator"), kind=service.list_kind(upload),
        pledge=session.get(Pledge, upload.pledge_id) if upload.pledge_id else None,
        topic=session.get(Topic, upload.topic_id), uploader=session.get(User, upload.user_id),
        reviewer=session.get(User, upload.reviewed_by_id) if upload.reviewed_by_id else None,
        waiting_only=request.args.get("show") == "waiting",
        trusted=upload.user_id == user.id and is_trusted(session, user))


@bp.post("/uploads/<int:upload_id>/reject")
@role_required("moderator")
def reject(upload_id: int) -> BaseResponse | tuple[str, int]:
    session = get_session()
    user = signed_in_user()
    upload = _upload_for(upload_id, user)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            service.reject(session, user, upload, form.reason.data or "")
        except service.UploadError as exc:
            session.rollback()
            return _show_page(_upload_for(upload_id, user), user, RowsForm(formdata=None), [str(exc)]), 400
        session.commit()
        flash("The list is rejected; the person who uploaded it sees your reason.", "info")
        return redirect(url_for("uploads.waiting"))
    return _show_page(upload, user, RowsForm(formdata=None),
                      ["Give a reason: the person who uploaded it will see it."]), 400


def init_app(app: Flask) -> None:
    """Limit uploads per client (SUBMISSION_RATE_LIMIT)."""
    endpoint = "uploads.new"
    app.view_functions[endpoint] = extensions.limiter(app).limit(
        lambda: str(current_app.config["SUBMISSION_RATE_LIMIT"]), methods=["POST"], scope=endpoint,
    )(app.view_functions[endpoint])
