"""The forms of claiming a page and of the right of reply (Flask-WTF: CSRF on every one)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tracker.accounts.users import MAX_PASSWORD, MIN_PASSWORD
from tracker.replies.claims import MAX_NAME
from tracker.replies.responses import MAX_BODY, MAX_REASON
from tracker.web.forms import Form


class ClaimForm(FlaskForm):  # type: ignore[misc]
    """A claim to speak for a person. Someone without an account also gives a name and a password
    (the claim opens an account, usable once verified); a signed-in user's form drops both."""

    name = StringField("Your name", validators=[DataRequired("Enter your name."), Length(max=MAX_NAME)])
    official_email = EmailField("Your official email address",
                                validators=[DataRequired("Enter the official address to verify."),
                                            Length(max=320)])
    # Counted by the service (after trimming), which says how long the note is.
    note = TextAreaField("A note for the moderators (optional)", validators=[Optional()])
    password = PasswordField(f"Choose a password (at least {MIN_PASSWORD} characters)",
                             validators=[DataRequired("Choose a password."), Length(max=MAX_PASSWORD)])

    @classmethod
    def for_user(cls, signed_in: bool) -> ClaimForm:
        form = cls()
        if signed_in:
            del form.name
            del form.password
        return form

    def show_error(self, field: str | None, message: str) -> None:
        target = getattr(self, field, None) if field else None
        (target if target is not None else self.official_email).errors = [message]


class ConfirmClaimForm(FlaskForm):  # type: ignore[misc]
    password = PasswordField("The password you chose when you claimed the page",
                             validators=[DataRequired("Enter your password."), Length(max=MAX_PASSWORD)])


class ReplyForm(Form):
    body = TextAreaField(f"Your response (plain text, at most {MAX_BODY:,} characters)",
                         validators=[Optional()])
    replied_on = DateField("The date you sign it", validators=[Optional()],
                           render_kw={"autocomplete": "off"})


class ApproveForm(FlaskForm):  # type: ignore[misc]
    pass


class RejectForm(FlaskForm):  # type: ignore[misc]
    reason = StringField("Reason (the person sees it)",
                         validators=[DataRequired("Give a reason; the person sees it."),
                                     Length(max=MAX_REASON)])
