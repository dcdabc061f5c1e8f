"""Whips: whether a vote followed or defied the party's whip (pure, no database).

A whip to abstain is followed by not voting, or by voting in both lobbies; an aye
or a no defies it. A whip to vote one way is followed by that vote (tellers
included) and defied by the other; not voting neither follows nor defies it,
because the record does not say why a member did not vote. A free vote has no
whip to follow. The verdicts in words are in ``tracker.prose.votes``.
"""

from __future__ import annotations

_SIDE = {"aye": "aye", "teller_aye": "aye", "no": "no", "teller_no": "no"}


def whip_verdict(whip: str, position: str) -> str | None:
    """'followed', 'defied', or None when the vote neither follows nor defies the whip."""
    side = _SIDE.get(position)
    if whip == "abstain":
        return "defied" if side else "followed"
    if whip in ("aye", "no") and side:
        return "followed" if side == whip else "defied"
    return None

