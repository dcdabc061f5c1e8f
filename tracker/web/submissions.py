"""Contributors submit evidence about a person, and see what became of what they sent."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse

from tracker import extensions
from tracker.db import get_session
from tracker.moderation import submissions as service
from tracker.queries import person_page
from tracker.queries.stances import scale_for
from tracker.web.auth import role_required, signed_in_user
from tracker.web.submission_forms import SubmitForm
from tracker.web.topics import requested_topic, topic_choices

bp = Blueprint("submissions", __name__)


@bp.route("/people/<slug>/submit", methods=["GET", "POST"])
@role_required("contributor")
def submit(slug: str) -> BaseResponse | str | tuple[str, int]:
    session = get_session()
    person = person_page.person_by_slug(session, slug)
    if person is None:
        abort(404)
    topic = requested_topic()
    scale = scale_for(topic)
    form = SubmitForm()
    form.set_scale(scale)
    if not form.is_submitted():
        form.evidence_date.data = datetime.now(UTC).date()
    dupes = []
    status = 200
    if form.validate_on_submit():
        data = form.submission(person.id, topic)  # type: ignore[arg-type]
        dupes = service.duplicates(session, person.id, data.source_url, data.kind,  # type: ignore[arg-type]
                                   data.evidence_date)
        if dupes and not form.confirm_duplicate.data:
            status = 409
        else:
            user = signed_in_user()
            try:
                evidence = service.submit(session, user, data)
            except service.SubmissionError as exc:
                form.show_errors(exc.errors)
                status = 400
            else:
                session.commit()
                if evidence.status == "approved":
                    flash("Thank you: it is on the site now. A moderator will still look at it.", "info")
                else:
                    flash("Thank you: a moderator will review it before it appears on the site.", "info")
                return redirect(url_for("submissions.mine"))
    elif form.is_submitted():
        status = 400
    return render_template("submissions/new.html", form=form, person=person, scale=scale, duplicates=dupes,
                           topics=topic_choices(topic)), status


@bp.get("/account/submissions")
@role_required("contributor")
def mine() -> str:
    session = get_session()
    user = signed_in_user()
    sent = service.of_submitter(session, user)
    return render_template("submissions/mine.html", submissions=sent,
                           record=service.submitter_record(session, user),
                           people=service.people_by_id(session, {e.person_id for e in sent if e.person_id}))


def init_app(app: Flask) -> None:
    """Limit submissions per client (SUBMISSION_RATE_LIMIT)."""
    endpoint = "submissions.submit"
    app.view_functions[endpoint] = extensions.limiter(app).limit(
        lambda: str(current_app.config["SUBMISSION_RATE_LIMIT"]), methods=["POST"], scope=endpoint,
    )(app.view_functions[endpoint])
