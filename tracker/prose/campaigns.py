"""Pledge campaigns in words: what a candidate's own answer through their link records."""

from __future__ import annotations

from tracker.models import Pledge


def answer_summary(pledge: Pledge, answer: str) -> str:
    """The evidence summary of an answer given through a personal link."""
    verb = "Signed" if answer == "signed" else "Declined"
    return f"{verb} the {pledge.title} pledge through their personal link"


def link_source_title(pledge: Pledge) -> str:
    """The title of the source of answers given through links (its publisher is the campaign)."""
    return "Signed or declined through personal links" if pledge.url else (
        f"{pledge.title}: signed or declined through personal links on this site")


def link_reason(answer: str) -> str:
    """The change set's reason."""
    return ("signed the pledge through their personal link" if answer == "signed"
            else "declined the pledge through their personal link")
