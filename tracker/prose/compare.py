"""A comparison of people (/compare) in words: what places each person, what the chart shows,
and what is wrong with a list of people that cannot be compared."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from tracker.models import Area, Body, Candidacy, Election, Membership
from tracker.stance import format_day


def standing_words(kind: str, *, body: Body | None = None, membership: Membership | None = None,
                   area: Area | None = None, election: Election | None = None,
                   candidacy: Candidacy | None = None) -> tuple[str, str]:
    """The words before and after the place's name: ("MP for", ""), ("Former MP for",
    " (until 30 May 2024)"), ("Candidate in", ", UK general election 2024 (elected)"),
    ("Councillor on", ""); ("", "") when nothing places the person."""
    if kind == "candidate" and election is not None:
        result = " (elected)" if candidacy is not None and candidacy.elected else ""
        return "Candidate in", f", {election.name}{result}"
    if kind in ("seat", "former_seat") and body is not None:
        former = kind == "former_seat"
        if body.kind == "commons":
            role = "MP"
        else:
            written = (membership.role if membership and membership.role else "member").strip()
            role = written[:1].upper() + written[1:]
        until = membership.end_date if membership else None
        tail = f" (until {format_day(until)})" if former and until else ""
        if former:
            role = "Former " + (role if role.isupper() else role[:1].lower() + role[1:])
        if area is None:
            return f"{role} of", tail
        return f"{role} {'for' if body.kind == 'commons' else 'on'}", tail
    return "", ""


def standing_text(lead: str, place: str | None, tail: str, party: str | None) -> str | None:
    """'MP for Birmingham Hall Green and Moseley (Labour)': the line under a person's name."""
    words = " ".join(w for w in (lead, place) if w) + tail
    if party:
        return f"{words} ({party})" if words else party
    return words or None


def stance_summary(name: str, label: str, since: date | None) -> str:
    """'Tahir Ali: “Calls for an immediate ceasefire” since 15 Nov 2023'."""
    return f"{name}: “{label}”" + (f" since {format_day(since)}" if since else "")


def _and(names: Sequence[str]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)


def chart_summary(drawn: Sequence[str], undrawn: Sequence[str], unknown_label: str) -> str:
    """The chart's text alternative: each drawn person's stance now (``stance_summary``), then
    who has no evidence and so no line."""
    parts = [f"Now: {'; '.join(drawn)}." if drawn else "No one compared has any evidence on this question."]
    if drawn and undrawn:
        verb = "have" if len(undrawn) > 1 else "has"
        parts.append(f"{_and(undrawn)} {verb} no evidence (“{unknown_label}”), so no line.")
    return " ".join(parts)


# Why a list of people cannot be compared (the reason codes of the 400 answers), and what to do.
REASONS = {
    "too_few_people": "Fewer than two people",
    "too_many_people": "More than six people",
    "duplicate_person": "The same person twice",
    "unknown_person": "No such person",
    "no_match": "No one of that name",
    "ambiguous_name": "Several people of that name",
}


def problem_text(reason: str, names: Sequence[str], given: int, minimum: int,
                 maximum: int) -> tuple[str, str]:
    """(what is wrong, what to do) for a list of people that cannot be compared."""
    listed = ", ".join(f"“{n}”" for n in names)
    if reason == "too_few_people":
        what = (f"A comparison needs at least {minimum} people; this address names {given}"
                + (f" ({listed})." if names else "."))
        return what, "Add someone by name with the form below."
    if reason == "too_many_people":
        return (f"A comparison shows at most {maximum} people; this address names {given}.",
                f"Untick people below until {maximum} or fewer are left, then update the comparison.")
    if reason == "duplicate_person":
        return (f"This address names {listed} more than once.",
                "Each person appears once: the repeat has been left out of the form below.")
    if reason == "unknown_person":
        return (f"We hold no person at the address {listed}.",
                "Check the address, or find the person by name: type their name in the form below.")
    if reason == "no_match":
        return (f"We found no person called {listed}.",
                "Check the spelling, or try the name people use for them; the site search finds "
                "places and parties too.")
    if reason == "ambiguous_name":
        return (f"Several people match {listed}.",
                "Name the one you mean by the last part of their page’s address (their slug).")
    raise ValueError(f"unknown reason {reason!r}")
