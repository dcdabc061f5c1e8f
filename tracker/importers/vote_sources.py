"""The sources of each vote (``vote_source``): one vote, however many lists report it."""

from __future__ import annotations

from sqlmodel import Session, select

from tracker.models import Vote, VoteSource
from tracker.revisions import Recorder


class VoteSources:
    """Links votes of one division to their sources, adding only the missing links."""

    def __init__(self, session: Session, recorder: Recorder, division_id: int) -> None:
        self.recorder = recorder
        rows = session.exec(select(VoteSource.vote_id, VoteSource.source_id)
                            .join(Vote, Vote.id == VoteSource.vote_id)  # type: ignore[arg-type]
                            .where(Vote.division_id == division_id)).all()
        self.linked: set[tuple[int, int]] = set(rows)

    def ensure(self, vote_id: int, source_id: int) -> None:
        if (vote_id, source_id) in self.linked:
            return
        self.linked.add((vote_id, source_id))
        self.recorder.add(VoteSource(vote_id=vote_id, source_id=source_id))
