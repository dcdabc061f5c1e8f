"""Finding a council by any of its names, so that one council is one Area and one Body.

Three writers make councils: ``tracker import councils`` (mySociety's register: official
name, GSS code, alternative names), ``tracker import councillors`` and the seed loader
(a council named in a news report: "Walsall Council", "Burnley Borough Council (per
article context)"). All three go through ``CouncilIndex``, which finds a council by its
name or any alternative name before it makes one, whichever ran first.

Names are compared after ``normalise_name``: case, punctuation, "&" and a trailing
parenthesis do not count. A name first matches official names, then alternative names;
only then is a final "council" dropped ("Haringey Council" -> "Haringey"). Among equal
matches a current council wins over a former one; two current councils that both match
are ambiguous, and the caller says so rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlmodel import Session, select

from tracker.models import Area, Body
from tracker.revisions import Recorder
from tracker.text import Slugs, slugify

T = TypeVar("T")
KIND = "council"
_CAVEAT = re.compile(r"\([^)]*\)")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
# The register separates alternative names with a comma and no space; a comma followed by
# a space is part of a name ("Bristol, City of").
_ALT_SEPARATOR = re.compile(r",(?!\s)")


def normalise_name(text: str) -> str:
    """'Burnley Borough Council (per article context)' -> 'burnley borough council'."""
    text = _CAVEAT.sub(" ", text).casefold().replace("&", " and ").replace("'", "").replace("’", "")
    return " ".join(_NOT_WORD.sub(" ", text).split())


def name_variants(text: str) -> list[str]:
    """The normalised name, then (if it ends so) the name without a final 'council'."""
    name = normalise_name(text)
    variants = [name] if name else []
    if name.endswith(" council") and name != "council":
        variants.append(name.removesuffix(" council"))
    return variants


def split_alt_names(text: str | None) -> list[str]:
    """The register's alt-names: 'Bristol, City of,bristol city council' -> two names."""
    return [part.strip() for part in _ALT_SEPARATOR.split(text or "") if part.strip()]


def join_alt_names(names: Iterable[str], leave_out: str = "") -> str | None:
    """Alternative names as ``Area.alt_names`` holds them: one a line, the first spelling of
    each normalised name, leaving out spellings of ``leave_out`` (the official name)."""
    seen = {normalise_name(leave_out)} if leave_out else set()
    kept = []
    for name in (n.strip() for n in names):
        key = normalise_name(name)
        if key and key not in seen:
            kept.append(name)
            seen.add(key)
    return "\n".join(kept) or None


def stored_alt_names(area: Area) -> list[str]:
    return [line for line in (area.alt_names or "").splitlines() if line.strip()]


class AmbiguousCouncilName(Exception):
    """A name that fits more than one current council."""

    def __init__(self, name: str, candidates: list[str]) -> None:
        self.name = name
        self.candidates = candidates
        super().__init__(f"{name!r} could be any of {', '.join(candidates)}; "
                         "give the council's official name")


@dataclass
class NameMatcher(Generic[T]):
    """Items (register rows, areas) by their official and alternative names."""

    label: dict[int, str] = field(default_factory=dict)
    _items: dict[int, T] = field(default_factory=dict)
    _current: dict[int, bool] = field(default_factory=dict)
    _official: dict[str, list[int]] = field(default_factory=dict)
    _other: dict[str, list[int]] = field(default_factory=dict)

    def add(self, item: T, official: str, others: Iterable[str] = (), current: bool = True) -> None:
        key = id(item)
        self._items[key], self._current[key], self.label[key] = item, current, official
        self._official.setdefault(normalise_name(official), []).append(key)
        for name in others:
            normalised = normalise_name(name)
            if normalised and key not in self._other.setdefault(normalised, []):
                self._other[normalised].append(key)

    def matches(self, name: str) -> list[T]:
        """The best matches: official names, then other names, then without 'council'."""
        for variant in name_variants(name):
            for names in (self._official, self._other):
                keys = names.get(variant, [])
                if keys:
                    current = [k for k in keys if self._current[k]]
                    return [self._items[k] for k in (current or keys)]
        return []

    def find(self, name: str) -> T | None:
        """The one item the name fits, None if none; AmbiguousCouncilName if several."""
        found = self.matches(name)
        if len(found) > 1:
            raise AmbiguousCouncilName(name, sorted(self.label[id(item)] for item in found))
        return found[0] if found else None


class CouncilIndex:
    """Council areas and bodies in the database, found by name (two queries)."""

    def __init__(self, session: Session, recorder: Recorder) -> None:
        self.session = session
        self.recorder = recorder
        self.matcher: NameMatcher[Area] = NameMatcher()
        self.areas: list[Area] = []
        for area in session.exec(select(Area).where(Area.kind == KIND).order_by(Area.id)).all():
            self.add_area(area)
        self.body_of_area: dict[int, Body] = {}
        self.loose_bodies: dict[str, Body] = {}  # council bodies with no area, by name
        for body in session.exec(select(Body).where(Body.kind == KIND).order_by(Body.id)).all():
            if body.area_id is not None:
                self.body_of_area.setdefault(body.area_id, body)
            else:
                self.loose_bodies.setdefault(normalise_name(body.name), body)
        self._area_slugs: Slugs | None = None
        self._body_slugs: Slugs | None = None

    def add_area(self, area: Area) -> None:
        self.areas.append(area)
        self.matcher.add(area, area.name, stored_alt_names(area), current=area.valid_to is None)

    def find(self, name: str) -> Area | None:
        return self.matcher.find(name)

    def ensure(self, name: str) -> tuple[Area, Body]:
        """The council this name fits, or a new one named so (an area and its body)."""
        area = self.find(name)
        if area is None:
            if self._area_slugs is None:
                self._area_slugs = Slugs(self.session, Area)
            area = self.recorder.add(Area(slug=self._area_slugs.claim(name), name=name, kind=KIND))
            self.recorder.flush()
            self.add_area(area)
        return area, self.body_for(area, name)

    def body_for(self, area: Area, name: str | None = None) -> Body:
        """The area's council body: by area, else an unattached body of its name, else new."""
        assert area.id is not None
        body = self.body_of_area.get(area.id)
        if body is None:
            names = {normalise_name(n) for n in (area.name, name) if n}
            body = next((self.loose_bodies.pop(n) for n in names if n in self.loose_bodies), None)
            if body is not None:
                self.recorder.update(body, {"area_id": area.id})
            else:
                if self._body_slugs is None:
                    self._body_slugs = Slugs(self.session, Body)
                body = self.recorder.add(Body(slug=self._body_slugs.claim(area.slug, slugify(area.name)),
                                              name=area.name, kind=KIND, area_id=area.id))
                self.recorder.flush()
            self.body_of_area[area.id] = body
        return body
