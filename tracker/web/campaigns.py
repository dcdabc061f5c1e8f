"""Writing campaigns: admins create and edit them, moderators make candidates' personal links,
and a candidate signs or declines through their own link (no account: the token is the key).

None of these pages is kept by the page cache: they show forms, per-user state or a secret.
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
from sqlmodel import Session
from werkzeug.wrappers import Response as BaseResponse

from tracker import extensions
from tracker.accounts import tokens
from tracker.campaigns import edit as campaigns
from tracker.campaigns import links
from tracker.db import get_session
from tracker.models import Person
from tracker.queries import people as people_q
from tracker.queries import pledges as q
from tracker.queries.person_page import person_by_slug
from tracker.queries.stances import scale_for
from tracker.web.auth import role_required, signed_in_user
from tracker.web.campaign_forms import AnswerForm, CampaignForm, EditCampaignForm, LinkForm
from tracker.web.parties import plausible_slug
from tracker.web.site_url import absolute_url_for
from tracker.web.topics import default_topic, known_topics

bp = Blueprint("campaigns", __name__)
MAX_QUERY = 100
MATCHES = 20


def _record(session: Session, slug: str) -> q.PledgeRecord:
    record = q.pledge_by_slug(session, slug) if plausible_slug(slug) else None
    if record is None:
        abort(404)
    return record


def _opened_on(raw: str | None) -> int | None:
    """The revision the edit form was opened on; anything but digits matches no revision."""
    if not raw:
        return None
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else -1


@bp.route("/pledges/new", methods=["GET", "POST"])
@role_required("admin")
def new() -> BaseResponse | str | tuple[str, int]:
    session = get_session()
    form = CampaignForm()
    form.set_topics(known_topics())
    if not form.is_submitted():
        form.topic.data = default_topic()
    status = 200
    if form.validate_on_submit():
        try:
            pledge = campaigns.create(session, signed_in_user(), form.data_of())
        except campaigns.CampaignError as exc:
            form.show_errors(exc.errors)
            status = 400
        else:
            session.commit()
            flash(f"The campaign “{pledge.title}” is created.", "info")
            return redirect(url_for("pledges.pledge", slug=pledge.slug))
    elif form.is_submitted():
        status = 400
    return render_template("campaigns/form.html", form=form, record=None), status


@bp.route("/pledges/<slug>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit(slug: str) -> BaseResponse | str | tuple[str, int]:
    session = get_session()
    record = _record(session, slug)
    pledge = record.pledge
    form = EditCampaignForm()
    form.set_topics(known_topics())
    if not form.is_submitted():
        form.fill(campaigns.as_data(pledge, record.topic))
        form.opened_on.data = str(campaigns.newest_revision(session, pledge.id) or "")  # type: ignore[arg-type]
    status, conflict = 200, None
    if form.validate_on_submit():
        yours = form.data_of()
        try:
            changed = campaigns.edit(session, signed_in_user(), pledge, yours,
                                     _opened_on(form.opened_on.data), form.reason.data or "")
        except campaigns.CampaignError as exc:
            form.show_errors(exc.errors)
            status = 400
        except campaigns.EditConflict as exc:
            session.rollback()
            saved = campaigns.as_data(exc.current, campaigns.topic_slugs(session)[exc.current.topic_id])
            conflict = {"changed_by": exc.changed_by, "differences": campaigns.differences(saved, yours),
                        "saved": saved}
            # Submitting again, having seen the saved version, saves the form as it stands.
            form.opened_on.data = str(exc.newest_revision or "")
            status = 409
        else:
            session.commit()
            flash("Saved." if changed else "Nothing changed.", "info")
            return redirect(url_for("pledges.pledge", slug=pledge.slug))
    elif form.is_submitted():
        status = 400
    return render_template("campaigns/form.html", form=form, record=record, conflict=conflict), status


def _links_page(session: Session, record: q.PledgeRecord, made: dict[str, Any] | None = None,
                error: str | None = None, status: int = 200) -> tuple[str, int]:
    query = " ".join(request.args.get("q", "").replace("\x00", "").split())[:MAX_QUERY]
    found = people_q.find_people(session, query, limit=MATCHES) if query else []
    asked = request.args.get("person", "")
    chosen = _person(session, asked) if asked and made is None else None
    if asked and made is None and chosen is None and error is None:
        error, status = ("There is no such person: choose one from the campaign page or find them by name.",
                         404)
    return render_template("campaigns/links.html", record=record, pledge=record.pledge, query=query,
                           found=found, chosen=chosen, made=made, error=error, form=LinkForm(),
                           links=links.links_made(session, record.pledge.id),  # type: ignore[arg-type]
                           expired=lambda link: tokens.expired(link.expires_at)), status


@bp.get("/pledges/<slug>/links")
@role_required("moderator")
def links_page(slug: str) -> tuple[str, int]:
    session = get_session()
    return _links_page(session, _record(session, slug))


@bp.post("/pledges/<slug>/links")
@role_required("moderator")
def make_link(slug: str) -> tuple[str, int]:
    session = get_session()
    record = _record(session, slug)
    form = LinkForm()
    person = _person(session, form.person.data or "") if form.validate_on_submit() else None
    if person is None:
        return _links_page(session, record, error="Choose a person from the list to make a link for.",
                           status=400)
    try:
        new = links.make_link(session, signed_in_user(), record.pledge, person,
                              float(current_app.config["PLEDGE_LINK_DAYS"]))
    except links.LinkError as exc:
        return _links_page(session, record, error=str(exc), status=exc.status)
    session.commit()
    made = {"person": person, "link": absolute_url_for("campaigns.answer", token=new.token),
            "expires_at": new.link.expires_at}
    return _links_page(session, record, made=made, status=201)


def _person(session: Session, slug: str) -> Person | None:
    return person_by_slug(session, slug) if plausible_slug(slug) else None


def _private(response: BaseResponse) -> BaseResponse:
    """A page reached by a secret link: never stored, never indexed, never sent as a referrer."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route("/pledge-links/<token>", methods=["GET", "POST"])
def answer(token: str) -> BaseResponse:
    session = get_session()
    try:
        opened = links.open_link(session, token)
    except links.LinkError as exc:
        return _private(Response(render_template("campaigns/link_invalid.html", message=str(exc)),
                                 status=exc.status))
    form = AnswerForm()
    if form.validate_on_submit() and (form.sign.data or form.decline.data):
        given = "signed" if form.sign.data else "declined"
        page = absolute_url_for("pledges.pledge", slug=opened.pledge.slug)
        try:
            evidence = links.answer(session, token, given, page)
        except links.LinkError as exc:  # used or expired since the page was opened
            session.rollback()
            return _private(Response(render_template("campaigns/link_invalid.html", message=str(exc)),
                                     status=exc.status))
        session.commit()
        return _private(Response(render_template(
            "campaigns/answered.html", pledge=opened.pledge, person=opened.person, evidence=evidence,
            given=given)))
    record = q.pledge_by_slug(session, opened.pledge.slug)
    assert record is not None
    return _private(Response(render_template(
        "campaigns/answer.html", link=opened.link, pledge=opened.pledge, person=opened.person, record=record,
        scale=scale_for(record.topic), form=form), status=400 if form.is_submitted() else 200))


def init_app(app: Flask) -> None:
    """The rate limit on pledge links: like signing in (LOGIN_RATE_LIMIT), since the token is a key."""
    limiter = extensions.limiter(app)
    endpoint = "campaigns.answer"
    app.view_functions[endpoint] = limiter.limit(
        lambda: str(current_app.config["LOGIN_RATE_LIMIT"]), scope=endpoint,
        error_message=_limit_message)(app.view_functions[endpoint])


def _limit_message() -> str:
    limits = "; ".join(p.strip() for p in str(current_app.config["LOGIN_RATE_LIMIT"]).split(";"))
    return (f"Too many tries of pledge links from your address (the limit is {limits}). "
            "Please wait and try again.")
