"""The form for a piece of evidence, shared by contributors (submit) and moderators (edit)."""

from __future__ import annotations

from datetime import UTC, datetime

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.moderation.submissions import MAX_QUOTE, MAX_SUMMARY, SUBMITTABLE_KINDS, Submission
from tracker.stance import Scale
from tracker.web.forms import Form

_DATE = "Give the date as day, month and year (for example 2024-02-21)."


class EvidenceForm(Form):
    kind = SelectField("What kind of evidence is it?",
                       choices=[SelectChoice(k, label) for k, label in SUBMITTABLE_KINDS.items()])
    stance = SelectField("What stance does it show?", validators=[InputRequired()])
    evidence_date = DateField("When did they say or do it?", validators=[InputRequired(message=_DATE)],
                              invalid_value_message=_DATE)
    summary = TextAreaField("What did they say or do? In your own words",
                            validators=[DataRequired(), Length(max=MAX_SUMMARY)])
    quote = TextAreaField("A short quote (optional)", validators=[Optional(), Length(max=MAX_QUOTE)])
    source_url = StringField("Source: the address of the page, video or post",
                             validators=[DataRequired(), Length(max=1000)])
    publisher = StringField("Who published it (optional)", validators=[Optional(), Length(max=200)])

    def set_scale(self, scale: Scale) -> None:
        self.stance.choices = [SelectChoice(level.key, level.label) for level in scale
                               if level.key != scale.default]

    def submission(self, person_id: int, topic: str) -> Submission:
        return Submission(
            person_id=person_id, topic=topic, kind=self.kind.data or "", stance=self.stance.data or "",
            evidence_date=self.evidence_date.data or datetime.now(UTC).date(),
            summary=self.summary.data or "", source_url=self.source_url.data or "",
            publisher=self.publisher.data or "", quote=self.quote.data or "")


class SubmitForm(EvidenceForm):
    confirm_duplicate = BooleanField("It is not the same: submit it anyway")


class EditForm(EvidenceForm):
    opened_on = HiddenField()
    reason = StringField("Why are you changing it? (shown in the history)",
                         validators=[DataRequired(), Length(max=1000)])
