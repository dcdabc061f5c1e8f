"""An upload's rows as stored (``Upload.rows``, JSON): each row as read, as matched, and what
was decided about it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tracker.models import Upload
from tracker.uploads.format import CAMPAIGN, EVIDENCE, ListKind
from tracker.uploads.match import Match
from tracker.uploads.parse import UploadRow


class UploadError(ValueError):
    """A step that cannot be taken now (the message says why)."""


@dataclass(frozen=True)
class Entry:
    """One row of an upload: as read, as matched, and what was decided about it."""

    row: UploadRow
    match: Match
    person_id: int | None  # whom the row will be recorded for (None: undecided)
    dropped: bool = False
    evidence_id: int | None = None  # once committed
    skipped: str | None = None  # why the commit left it out (already recorded)

    @property
    def line(self) -> int:
        return self.row.line

    @property
    def resolved(self) -> bool:
        return self.dropped or self.person_id is not None

    @property
    def chosen(self) -> bool:
        """A person picked by hand (not the matcher's own match)."""
        return self.person_id is not None and self.person_id != self.match.person_id

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row.to_json(), "match": self.match.to_json(), "person_id": self.person_id,
                "dropped": self.dropped, "evidence_id": self.evidence_id, "skipped": self.skipped}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Entry:
        return cls(UploadRow.from_json(data["row"]), Match.from_json(data["match"]), data.get("person_id"),
                   bool(data.get("dropped")), data.get("evidence_id"), data.get("skipped"))


def entries(upload: Upload) -> list[Entry]:
    return [Entry.from_json(item) for item in upload.rows]


def list_kind(upload: Upload) -> ListKind:
    return CAMPAIGN if upload.pledge_id is not None else EVIDENCE


def unresolved(upload: Upload) -> list[int]:
    """The lines still waiting for a choice (a person, or left out)."""
    return [e.line for e in entries(upload) if not e.resolved]
