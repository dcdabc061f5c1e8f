"""Signing in and out, invitations, and the role check every write goes through.

- ``/login`` and invitation links are rate limited per client address (LOGIN_RATE_LIMIT).
- ``role_required(role)``: anonymous → the sign-in page (HTML) or 401 (JSON); a role that
  does not grant ``role`` (tracker.accounts.users.GRANTS) → 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as flask_session
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlmodel import Session
from werkzeug.wrappers import Response as BaseResponse
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from tracker import extensions
from tracker.accounts import invitations, mail
from tracker.accounts.users import (
    GRANTS,
    MAX_PASSWORD,
    MIN_PASSWORD,
    ROLE_LABELS,
    AccountError,
    authenticate,
    may,
    note_login,
)
from tracker.db import get_session
from tracker.models import User
from tracker.web.errors import error_response
from tracker.web.site_url import absolute_url_for

bp = Blueprint("auth", __name__)
F = TypeVar("F", bound=Callable[..., Any])


def role_required(role: str) -> Callable[[F], F]:
    """Only a signed-in, active user whose role grants ``role`` gets through."""
    if not any(role in granted for granted in GRANTS.values()):
        raise ValueError(f"no role grants {role!r}")

    def decorate(view: F) -> F:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                if request.args.get("format") == "json" or request.is_json:
                    return error_response(401, "Sign in needed", "Sign in to do this.")
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if not may(current_user, role):  # type: ignore[arg-type]
                return error_response(403, "Not allowed",
                                      f"This needs a {ROLE_LABELS.get(role, role).lower()}’s account.")
            return view(*args, **kwargs)

        checked.required_role = role  # type: ignore[attr-defined]  # read by the route audit test
        return checked  # type: ignore[return-value]

    return decorate


def signed_in_user() -> User:
    """The user of a view behind ``role_required`` (typed)."""
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _load_user(user_id: str) -> User | None:
    if not user_id.isascii() or not user_id.isdigit() or len(user_id) > 12:
        return None
    user = get_session().get(User, int(user_id))
    return user if user is not None and user.active else None


def local_path(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site (never another host, however spelt), else ``default``:
    for every "go back to" a form or link carries."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return default


def sign_in(session: Session, user: User) -> None:
    """Note the sign-in, commit what the request wrote, and sign ``user`` in (instead of
    anyone signed in before) for SESSION_HOURS (the cookie then carries an expiry)."""
    note_login(session, user)
    session.commit()
    logout_user()
    login_user(user)
    flask_session.permanent = True


class LoginForm(FlaskForm):  # type: ignore[misc]
    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_PASSWORD)])


class InviteForm(FlaskForm):  # type: ignore[misc]
    email = EmailField("Their email", validators=[DataRequired(), Length(max=320)])
    role = SelectField("Role", choices=[SelectChoice(r, ROLE_LABELS[r]) for r in invitations.INVITABLE_ROLES])


class AcceptForm(FlaskForm):  # type: ignore[misc]
    name = StringField("Your name, as shown beside your edits", validators=[DataRequired(), Length(max=200)])
    password = PasswordField(f"Choose a password (at least {MIN_PASSWORD} characters)",
                             validators=[DataRequired(), Length(max=MAX_PASSWORD)])


class LogoutForm(FlaskForm):  # type: ignore[misc]
    pass


@bp.route("/login", methods=["GET", "POST"])
def login() -> BaseResponse | str | tuple[str, int]:
    form = LoginForm()
    if form.validate_on_submit():
        session = get_session()
        user = authenticate(session, form.email.data or "", form.password.data or "")
        if user is None:
            form.password.errors = ["That email and password do not match an active account."]
            return render_template("auth/login.html", form=form), 401
        sign_in(session, user)
        flash(f"Signed in as {user.name}.", "info")
        return redirect(local_path(request.args.get("next"), url_for("auth.account")))
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout() -> BaseResponse:
    form = LogoutForm()
    if not form.validate_on_submit():
        abort(400)
    logout_user()
    flash("Signed out.", "info")
    return redirect(url_for("public.home"))


@bp.get("/account")
@login_required
def account() -> str:
    return render_template("auth/account.html", user=signed_in_user(), role_label=ROLE_LABELS)


@bp.route("/admin/invitations", methods=["GET", "POST"])
@role_required("admin")
def invite() -> str | tuple[str, int]:
    form = InviteForm()
    session = get_session()
    made: dict[str, Any] | None = None
    status = 200
    if form.validate_on_submit():
        admin = signed_in_user()
        try:
            new = invitations.invite(session, admin, form.email.data or "", form.role.data or "",
                                     float(current_app.config["INVITATION_DAYS"]))
        except AccountError as exc:
            form.email.errors = [str(exc)]
            status = 400
        else:
            session.commit()
            link = absolute_url_for("auth.accept", token=new.token)
            sent = mail.send(new.invitation.email, "You are invited to the Ceasefire tracker",
                             f"{admin.name} invites you to help keep the Ceasefire tracker "
                             f"({ROLE_LABELS[new.invitation.role].lower()}).\n\nOpen this link to "
                             f"choose your password; it works once and expires on "
                             f"{new.invitation.expires_at:%d %B %Y at %H:%M} UTC:\n\n{link}\n")
            made = {"email": new.invitation.email, "role": ROLE_LABELS[new.invitation.role], "link": link,
                    "sent": sent, "expires_at": new.invitation.expires_at}
            form = InviteForm(formdata=None)
    elif form.errors:
        status = 400
    return render_template("auth/invite.html", form=form, made=made,
                           pending=invitations.pending_invitations(session), role_label=ROLE_LABELS), status


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept(token: str) -> BaseResponse | str | tuple[str, int]:
    session = get_session()
    try:
        invitation = invitations.open_invitation(session, token)
    except AccountError as exc:
        return render_template("auth/invitation_invalid.html", message=str(exc)), 404
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept(session, token, form.name.data or "", form.password.data or "")
        except AccountError as exc:
            form.password.errors = [str(exc)]
        else:
            sign_in(session, user)
            flash(f"Welcome, {user.name}. Your account is open.", "info")
            return redirect(url_for("auth.account"))
    status = 400 if form.errors else 200
    return render_template("auth/accept.html", form=form, invitation=invitation,
                           role_label=ROLE_LABELS), status


def init_app(app: Flask) -> None:
    """The user loader, and the rate limits on sign-in and invitations (after registration)."""
    app.login_manager.user_loader(_load_user)  # type: ignore[attr-defined]
    limiter = extensions.limiter(app)
    for endpoint, setting in (("auth.login", "LOGIN_RATE_LIMIT"), ("auth.accept", "LOGIN_RATE_LIMIT"),
                              ("auth.invite", "INVITATION_RATE_LIMIT")):
        app.view_functions[endpoint] = limiter.limit(
            lambda setting=setting: str(current_app.config[setting]), methods=["POST"],
            scope=endpoint, error_message=_limit_message(setting))(app.view_functions[endpoint])

    @app.context_processor
    def account_nav() -> dict[str, Any]:
        return {"may": lambda role: may(current_user, role) if current_user.is_authenticated else False,
                "logout_form": LogoutForm}


def _limit_message(setting: str) -> Callable[[], str]:
    def message() -> str:
        limits = "; ".join(p.strip() for p in str(current_app.config[setting]).split(";"))
        return f"Too many attempts from your address (the limit is {limits}). Please wait and try again."
    return message


