"""A person's other names: every spelling a source used, and where each came from."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, select

from tracker.models import PersonName, Source
from tracker.names import ORIGINS, is_list_form, name_words, origin_label


def names_of(session: Session, person_id: int) -> list[dict[str, Any]]:
    """Every stored spelling of the person, one row per spelling and origin (one statement)."""
    rows = session.exec(
        select(PersonName, Source).outerjoin(Source, Source.id == PersonName.source_id)  # type: ignore[arg-type]
        .where(PersonName.person_id == person_id)).all()
    found = [{"name": n.name, "origin": n.origin, "origin_label": origin_label(n.origin),
              "official": n.official, "used_on": n.used_on,
              "source": (s.title or s.publisher) if s else None, "source_url": s.url if s else None}
             for n, s in rows]
    rank = {origin: i for i, origin in enumerate(ORIGINS)}
    found.sort(key=lambda r: (r["name"].casefold(), rank.get(r["origin"], len(rank)),
                              -(r["used_on"] or date.min).toordinal()))
    return found


def also_known_as(display: str, names: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The spellings other than the display name, each once, with the origins that used it.

    Spellings with the same words (case, punctuation or list form apart: 'Shah, Naseem')
    are one entry, shown in running order; the display name's own variants are left out.
    """
    shown = name_words(display)
    groups: dict[tuple[str, ...], dict[str, Any]] = {}
    for row in names:
        words = tuple(name_words(row["name"]))
        if not words or list(words) == shown:
            continue
        entry = groups.setdefault(words, {"name": row["name"], "origins": []})
        if is_list_form(entry["name"]) and not is_list_form(row["name"]):
            entry["name"] = row["name"]
        if all(o["origin"] != row["origin"] for o in entry["origins"]):
            entry["origins"].append({"origin": row["origin"], "label": row["origin_label"],
                                     "url": row["source_url"]})
    return sorted(groups.values(), key=lambda e: e["name"].casefold())
