"""Uploaded campaign lists in words: the summary of an answer that a list records without one,
and the reasons given to change sets."""

from __future__ import annotations

from tracker.models import Pledge


def list_answer_summary(pledge: Pledge, answer: str, organisation: str | None = None) -> str:
    """The evidence summary of a row of a campaign's list that gives none of its own."""
    by = organisation or pledge.organisation
    if answer == "signed":
        return f"Signed the {pledge.title} pledge, as listed by {by}"
    return f"Declined to sign the {pledge.title} pledge, as listed by {by}"


def commit_reason(filename: str, rows: int, uploader: str | None = None) -> str:
    """The change set's reason: the list, and whose it was when a moderator approves it."""
    what = f"{rows} row{'s' if rows != 1 else ''} of the list {filename}"
    return f"approved {what} uploaded by {uploader}" if uploader else f"uploaded {what}"
