"""The forms of campaign pages: a campaign (admins), a pledge link (moderators), and a
candidate's answer through their link. Flask-WTF forms, so each carries its CSRF token."""

from __future__ import annotations

from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.accounts.users import may
from tracker.campaigns.edit import MAX_ORGANISATION, MAX_TEXT, MAX_TITLE, CampaignData
from tracker.queries.stances import scale_for
from tracker.text import MAX_URL
from tracker.web.forms import Form


def may_moderate() -> bool:
    return bool(current_user.is_authenticated and may(current_user, "moderator"))  # type: ignore[arg-type]


def may_administer() -> bool:
    return bool(current_user.is_authenticated and may(current_user, "admin"))  # type: ignore[arg-type]


DATE_HINT = "Give the date as day, month and year, or leave it empty."


class CampaignForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=MAX_TITLE)])
    organisation = StringField("Organisation running the campaign",
                               validators=[DataRequired(), Length(max=MAX_ORGANISATION)])
    text = TextAreaField("The words of the pledge", validators=[DataRequired(), Length(max=MAX_TEXT)])
    url = StringField("The campaign’s web address (optional)", validators=[Optional(), Length(max=MAX_URL)])
    topic = SelectField("Topic", validators=[InputRequired()])
    stance = SelectField("What signing it means", validators=[InputRequired()])
    launched_on = DateField("Opens", validators=[Optional()], format="%Y-%m-%d")
    closes_on = DateField("Closes (empty: still open)", validators=[Optional()], format="%Y-%m-%d")

    def set_topics(self, topics: list[str]) -> None:
        """Every topic, and every topic's stances in a group of their own (no JavaScript needed:
        the stance is checked against the topic on submit)."""
        self.topic.choices = [SelectChoice(slug, scale_for(slug).name) for slug in topics]
        self.stance.choices = [SelectChoice(level.key, level.label, optgroup=scale_for(slug).name)
                               for slug in topics for level in scale_for(slug)
                               if level.key != scale_for(slug).default]

    def data_of(self) -> CampaignData:
        return CampaignData(title=self.title.data or "", text=self.text.data or "",
                            organisation=self.organisation.data or "", url=self.url.data or "",
                            topic=self.topic.data or "", stance=self.stance.data or "",
                            launched_on=self.launched_on.data, closes_on=self.closes_on.data)

    def fill(self, data: CampaignData) -> None:
        for name in ("title", "text", "organisation", "url", "topic", "stance", "launched_on", "closes_on"):
            getattr(self, name).data = getattr(data, name)


class EditCampaignForm(CampaignForm):
    opened_on = HiddenField()
    reason = StringField("What you changed and why (shown in the history; optional)",
                         validators=[Optional(), Length(max=1000)])


class LinkForm(FlaskForm):  # type: ignore[misc]
    person = HiddenField(validators=[DataRequired(), Length(max=200)])


class AnswerForm(FlaskForm):  # type: ignore[misc]
    sign = SubmitField("I sign this pledge")
    decline = SubmitField("I decline")
