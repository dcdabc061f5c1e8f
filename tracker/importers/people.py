"""Finding people again across sources, so no person is created twice."""

from __future__ import annotations

from sqlmodel import Session, select

from tracker.models import Person
from tracker.reference import TRANSACTION_INDEXES
from tracker.revisions import Recorder
from tracker.text import Slugs, sort_name_for

ID_FIELDS = ("parliament_id", "twfy_id", "democracy_club_id", "wikidata_id")


_PERSON_INDEX = "person_index"
TRANSACTION_INDEXES.append(_PERSON_INDEX)


class PersonIndex:
    """All people, indexed by each external id; finds, creates and enriches them."""

    def __init__(self, session: Session, recorder: Recorder) -> None:
        self.session = session
        self.recorder = recorder
        # Every importer of a transaction shares one index (kept current as people are added).
        shared = session.info.get(_PERSON_INDEX)
        if shared is None:
            shared = session.info[_PERSON_INDEX] = (Slugs(session, Person), {f: {} for f in ID_FIELDS})
            self.slugs, self.by_id = shared
            for person in session.exec(select(Person)).all():
                self._index(person)
        self.slugs, self.by_id = shared

    def _index(self, person: Person) -> None:
        for field in ID_FIELDS:
            value = getattr(person, field)
            if value is not None:
                self.by_id[field][value] = person

    def find(self, **ids: object) -> Person | None:
        """The person matching any of the given ids (checked in ID_FIELDS order)."""
        for field in ID_FIELDS:
            value = ids.get(field)
            if value is not None and value in self.by_id[field]:
                return self.by_id[field][value]
        return None

    def upsert(self, *, name: str, sort_name: str | None = None, slug_hints: tuple[str, ...] = (),
               existing: Person | None = None, source: str | None = None,
               update_name: bool = False, **ids: object) -> Person:
        """Find the person by any id (or use ``existing``), else create; fill in missing ids.

        Ids already set are never overwritten: a conflicting id is a data problem
        the caller should report, not silently merge.
        """
        person = existing or self.find(**ids)
        clean_ids = {k: v for k, v in ids.items() if k in ID_FIELDS and v is not None}
        if person is None:
            person = Person(name=name, sort_name=sort_name or sort_name_for(name),
                            slug=self.slugs.claim(name, *slug_hints), **clean_ids)
            self.recorder.add(person, source=source)
        else:
            values: dict[str, object] = {k: v for k, v in clean_ids.items()
                                         if getattr(person, k) is None}
            if update_name:
                values["name"] = name
                values["sort_name"] = sort_name or sort_name_for(name)
            if values:
                self.recorder.update(person, values, source=source)
        self._index(person)
        return person
