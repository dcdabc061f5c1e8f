"""The person page's other names: "Also known as" and the "names" twin table.

The query is in tracker/queries/person_names.py; the page includes
templates/_person_names.html.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from tracker.models import Person
from tracker.queries.person_names import also_known_as, names_of
from tracker.web.twins import Table

NAME_COLUMNS = ("person", "name", "origin", "origin_label", "official", "used_on", "source", "source_url")


def names_table(slug: str, names: list[dict[str, Any]]) -> Table:
    return Table(
        "names", NAME_COLUMNS, [{"person": slug, **n} for n in names],
        "Every spelling of the person's name a source used. origin: the dataset (twfy = "
        "TheyWorkForYou, commons-votes, members-api, hoc-library = the House of Commons Library's "
        "GE2024 results, democracy-club, councillors = news reports, seeds); official: a UK "
        "Parliament source, from which the display name comes (the latest one's spelling); "
        "used_on: the latest day that source is known to have used the name (empty when unknown).",
        frozenset({"name", "source", "origin_label"}))


def person_names(session: Session, person: Person) -> tuple[list[dict[str, Any]], Table]:
    """(the "also known as" entries, the "names" table) of one person: one statement."""
    names = names_of(session, person.id)  # type: ignore[arg-type]
    return also_known_as(person.name, names), names_table(person.slug, names)
