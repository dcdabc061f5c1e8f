"""Claiming a person's page and the right of reply: the claim form, the moderators' lists of
claims and responses, the verification link, the response form and the writer's own list.

Rate limits (``init_app``): claims and responses per client address (SUBMISSION_RATE_LIMIT),
and opening a verification link with a password (LOGIN_RATE_LIMIT).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlmodel import SQLModel, select
from werkzeug.wrappers import Response as BaseResponse

from tracker import extensions
from tracker.accounts import mail
from tracker.db import get_session
from tracker.models import Claim, Person, Reply
from tracker.queries import person_page
from tracker.queries.stances import scale_for
from tracker.readmodel import view
from tracker.replies import claims, responses
from tracker.web.auth import role_required, sign_in, signed_in_user
from tracker.web.errors import error_response
from tracker.web.params import parse_int
from tracker.web.reply_forms import (
    ApproveForm,
    ClaimForm,
    ConfirmClaimForm,
    RejectForm,
    ReplyForm,
)
from tracker.web.site_url import absolute_url_for
from tracker.web.topics import requested_topic

bp = Blueprint("replies", __name__)
MAX_ID = 2**31 - 1  # the largest id a column holds on PostgreSQL


def _person(slug: str) -> Person:
    found = person_page.person_by_slug(get_session(), slug)
    if found is None:
        abort(404)
    return found


def _record(model: type[SQLModel], record_id: int) -> Any:
    found = get_session().get(model, record_id) if 0 < record_id <= MAX_ID else None
    if found is None:
        abort(404)
    return found


def _signed_in() -> Any:
    return current_user._get_current_object() if current_user.is_authenticated else None  # type: ignore[attr-defined]


# -- claiming a page ---------------------------------------------------------------------

@bp.route("/people/<slug>/claim", methods=["GET", "POST"])
def claim(slug: str) -> BaseResponse | str | tuple[str, int]:
    session = get_session()
    person = _person(slug)
    user = _signed_in()
    if responses.speaks_for(user, person.id):
        flash(f"Your account already speaks for {person.name}.", "info")
        return redirect(url_for("people.person", slug=person.slug))
    form = ClaimForm.for_user(user is not None)
    status = 200
    if form.validate_on_submit():
        try:
            claims.submit(session, person, official_email=form.official_email.data or "", note=form.note.data,
                          user=user, name=form.name.data if form.name else None,
                          password=form.password.data if form.password else None)
        except claims.ClaimError as exc:
            session.rollback()
            form.show_error(exc.field, str(exc))
            status = 400
        else:
            session.commit()
            return redirect(url_for("replies.claim_sent", slug=person.slug))
    elif form.is_submitted():
        status = 400
    return render_template("replies/claim.html", form=form, person=person, signed_in=user is not None), status


@bp.get("/people/<slug>/claim/sent")
def claim_sent(slug: str) -> str:
    return render_template("replies/claim_sent.html", person=_person(slug))


@bp.get("/moderation/claims")
@role_required("moderator")
def claims_queue() -> str:
    return _claims_page()


def _claims_page(made: dict[str, Any] | None = None, errors: dict[int, str] | None = None) -> str:
    return render_template("replies/claims.html", claims=claims.waiting(get_session()), made=made,
                           errors=errors or {}, send_form=ApproveForm(formdata=None),
                           reject_form=RejectForm(formdata=None))


@bp.post("/moderation/claims/<int:claim_id>/send")
@role_required("moderator")
def send_claim_link(claim_id: int) -> str | tuple[str, int]:
    if not ApproveForm().validate_on_submit():
        abort(400)
    session = get_session()
    found: Claim = _record(Claim, claim_id)
    person = session.get(Person, found.person_id)
    assert person is not None
    try:
        link = claims.send_link(session, signed_in_user(), found,
                                float(current_app.config["CLAIM_LINK_DAYS"]))
    except claims.ClaimError as exc:
        session.rollback()
        return _claims_page(errors={claim_id: str(exc)}), 409
    session.commit()
    url = absolute_url_for("replies.verify", token=link.token)
    expires = f"{found.expires_at:%-d %B %Y at %H:%M} UTC"
    sent = mail.send(
        found.official_email, f"Confirm that you speak for {person.name} on the Ceasefire tracker",
        f"Someone asked to respond, on the Ceasefire tracker, for {person.name}, and gave this address "
        f"to prove it.\n\nIf that was you (or your office), open this link and enter the password you "
        f"chose when you claimed the page. It works once and expires on {expires}:\n\n{url}\n\n"
        "If it was not you, ignore this message: nothing happens without the link.\n")
    made = {"email": found.official_email, "person": person, "link": url, "sent": sent, "expires": expires}
    return _claims_page(made=made)


@bp.post("/moderation/claims/<int:claim_id>/reject")
@role_required("moderator")
def reject_claim(claim_id: int) -> BaseResponse | tuple[str, int]:
    session = get_session()
    found: Claim = _record(Claim, claim_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            claims.reject(session, signed_in_user(), found, form.reason.data or "")
        except claims.ClaimError as exc:
            session.rollback()
            return _claims_page(errors={claim_id: str(exc)}), 409
        session.commit()
        flash(f"Claim {claim_id} rejected.", "info")
        return redirect(url_for("replies.claims_queue"))
    return _claims_page(errors={claim_id: "; ".join(form.reason.errors) or "Give a reason."}), 400


@bp.route("/claims/<token>", methods=["GET", "POST"])
def verify(token: str) -> BaseResponse | str | tuple[str, int]:
    session = get_session()
    try:
        found = claims.open_link(session, token)
    except claims.ClaimError as exc:
        return render_template("replies/link_invalid.html", message=str(exc)), 404
    person = session.get(Person, found.person_id)
    form = ConfirmClaimForm()
    if form.validate_on_submit():
        try:
            user = claims.verify(session, token, form.password.data or "")
        except claims.ClaimError as exc:
            session.rollback()
            form.password.errors = [str(exc)]
        else:
            sign_in(session, user)
            flash(f"Thank you: your account now speaks for {person.name}. You can respond to what "  # type: ignore[union-attr]
                  "this page says.", "info")
            return redirect(url_for("people.person", slug=person.slug))  # type: ignore[union-attr]
    status = 400 if form.errors else 200
    return render_template("replies/verify.html", form=form, person=person, claim=found), status


# -- responses ---------------------------------------------------------------------------

@bp.route("/people/<slug>/replies/new", methods=["GET", "POST"])
@role_required("representative")
def new_reply(slug: str) -> BaseResponse | str | tuple[str, int]:
    session = get_session()
    person = _person(slug)
    user = signed_in_user()
    if not responses.speaks_for(user, person.id):
        return error_response(403, "Not allowed", f"Only {person.name}’s own verified account may respond "
                                                  "on their page.")
    raw = request.args.get("evidence", "")
    evidence_id = parse_int("evidence", raw, minimum=1, maximum=MAX_ID) if raw else None
    answering = responses.target(session, person, evidence_id=evidence_id,
                                 topic_slug=None if evidence_id else requested_topic())
    if answering is None:
        abort(404, description=f"There is no evidence {evidence_id} about {person.name} on the site.")
    form = ReplyForm()
    if not form.is_submitted():
        form.replied_on.data = responses.today()
    status = 200
    if form.validate_on_submit():
        try:
            responses.submit(session, user, person, answering, form.body.data or "", form.replied_on.data)
        except responses.ReplyError as exc:
            session.rollback()
            form.show_errors(exc.errors)
            status = 400
        else:
            session.commit()
            flash("Thank you: a moderator will check that your response is in order (not whether they agree "
                  "with it) before it appears on your page.", "info")
            return redirect(url_for("replies.mine"))
    elif form.is_submitted():
        status = 400
    scale = scale_for(answering.topic.slug)
    current = view.stances(session, [person.id], answering.topic.slug)[person.id]  # type: ignore[list-item, index]
    return render_template("replies/new.html", form=form, person=person, answering=answering, scale=scale,
                           current=current), status


@bp.get("/moderation/replies")
@role_required("moderator")
def replies_queue() -> str:
    return _replies_page()


def _replies_page(errors: dict[int, str] | None = None) -> str:
    return render_template("replies/queue.html", replies=responses.waiting(get_session()),
                           errors=errors or {}, approve_form=ApproveForm(formdata=None),
                           reject_form=RejectForm(formdata=None))


@bp.post("/moderation/replies/<int:reply_id>/<decision>")
@role_required("moderator")
def decide_reply(reply_id: int, decision: str) -> BaseResponse | tuple[str, int]:
    if decision not in ("approve", "reject"):
        abort(404)
    session = get_session()
    found: Reply = _record(Reply, reply_id)
    form = ApproveForm() if decision == "approve" else RejectForm()
    if not form.validate_on_submit():
        reason = getattr(form, "reason", None)
        return _replies_page({reply_id: "; ".join(reason.errors) if reason else "Try again."}), 400
    try:
        if decision == "approve":
            responses.approve(session, signed_in_user(), found)
        else:
            responses.reject(session, signed_in_user(), found, form.reason.data or "")
    except responses.ReviewError as exc:
        session.rollback()
        return _replies_page({reply_id: str(exc)}), 409
    session.commit()
    done = "approved: it is on the page now" if decision == "approve" else "rejected"
    flash(f"Response {reply_id} {done}.", "info")
    return redirect(url_for("replies.replies_queue"))


@bp.get("/account/replies")
@login_required
def mine() -> str:
    session = get_session()
    user = signed_in_user()
    made = claims.claims_of(session, user.id)  # type: ignore[arg-type]
    people = {p.id: p for p in session.exec(select(Person).where(
        Person.id.in_(sorted({c.person_id for c in made}))))} if made else {}  # type: ignore[union-attr]
    return render_template("replies/mine.html", user=user, claims=made, people=people,
                           replies=responses.of_user(session, user))


def init_app(app: Flask) -> None:
    """Rate limits on the registered views; ``speaks_for_person(id)`` in templates (the person
    page's reply links: only a signed-in request, never kept in the page cache, sees them)."""
    app.context_processor(lambda: {"speaks_for_person": lambda person_id: responses.speaks_for(_signed_in(),
                                                                                              person_id)})
    limiter = extensions.limiter(app)
    for endpoint, setting in (("replies.claim", "SUBMISSION_RATE_LIMIT"),
                              ("replies.new_reply", "SUBMISSION_RATE_LIMIT"),
                              ("replies.verify", "LOGIN_RATE_LIMIT")):
        app.view_functions[endpoint] = limiter.limit(
            lambda setting=setting: str(current_app.config[setting]), methods=["POST"], scope=endpoint,
            error_message=_limit_message(setting))(app.view_functions[endpoint])


def _limit_message(setting: str) -> Callable[[], str]:
    def message() -> str:
        limits = "; ".join(p.strip() for p in str(current_app.config[setting]).split(";"))
        return f"Too many attempts from your address (the limit is {limits}). Please wait and try again."
    return message
