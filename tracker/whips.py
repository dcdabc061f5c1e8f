"""Whips: whether a vote followed or defied the party's whip (pure, no database).

A whip to abstain is followed by not voting, or by voting in both lobbies; an aye
or a no defies it. A whip to vote one way is followed by that vote (tellers
included) and defied by the other; not voting neither follows nor defies it,
because the record does not say why a member did not vote. A free vote has no
whip to follow.
"""

from __future__ import annotations

_SIDE = {"aye": "aye", "teller_aye": "aye", "no": "no", "teller_no": "no"}
WHIP_LABELS = {"aye": "vote aye", "no": "vote no", "abstain": "abstain", "free": "a free vote"}


def whip_verdict(whip: str, position: str) -> str | None:
    """'followed', 'defied', or None when the vote neither follows nor defies the whip."""
    side = _SIDE.get(position)
    if whip == "abstain":
        return "defied" if side else "followed"
    if whip in ("aye", "no") and side:
        return "followed" if side == whip else "defied"
    return None


def verdict_text(whip: str, position: str, party: str) -> str | None:
    """'Voted against the Labour whip (abstain)', 'Followed the Labour whip to abstain', or None."""
    verdict = whip_verdict(whip, position)
    if verdict == "defied":
        return f"Voted against the {party} whip ({WHIP_LABELS[whip]})"
    if verdict == "followed":
        return (f"Followed the {party} whip to abstain" if whip == "abstain"
                else f"Followed the {party} whip ({WHIP_LABELS[whip]})")
    return None
