"""What a vote means, in words: its position, what it counts as, the party whip and
whether the vote followed it, and what a division's record holds."""

from __future__ import annotations

from collections.abc import Mapping

from tracker.models import Division
from tracker.stance import Scale
from tracker.whips import whip_verdict

POSITION_LABELS = {"aye": "Aye", "no": "No", "teller_aye": "Teller for the ayes",
                   "teller_no": "Teller for the noes", "no_vote_recorded": "No vote recorded",
                   "both": "Both lobbies"}
WHIP_LABELS = {"aye": "vote aye", "no": "vote no", "abstain": "abstain", "free": "a free vote"}
# "an aye says nothing on its own ...": a side of a division that means no stance.
NOTHING_ON_ITS_OWN = "says nothing on its own about where the member stands"


def vote_meaning(stance: str | None, position: str, scale: Scale) -> str:
    """What one of a person's votes counts as (or why it counts as nothing)."""
    if stance:
        return f"Counts as “{scale.label(stance)}”."
    if position == "no_vote_recorded":
        return "Not voting is never counted as a stance."
    if position == "both":
        return "Voted in both lobbies, a recognised way to abstain: this says nothing on its own."
    return f"This vote says nothing on its own about the question “{scale.question}”"


def whip_text(party: str, whip: str) -> str:
    """'Labour whip: abstain'."""
    return f"{party} whip: {WHIP_LABELS[whip]}"


def verdict_text(whip: str, position: str, party: str) -> str | None:
    """'Voted against the Labour whip (abstain)', 'Followed the Labour whip to abstain', or None."""
    verdict = whip_verdict(whip, position)
    if verdict == "defied":
        return f"Voted against the {party} whip ({WHIP_LABELS[whip]})"
    if verdict == "followed":
        return (f"Followed the {party} whip to abstain" if whip == "abstain"
                else f"Followed the {party} whip ({WHIP_LABELS[whip]})")
    return None


def count_notes(division: Division, held: Mapping[str, int], sides: tuple[int, int]) -> list[str]:
    """Where the official counts and the named lists of a complete record differ, both, in words.

    ``sides``: the (ayes, noes) the record names.
    """
    if not division.votes_complete:
        return []
    ayes, noes = sides
    notes = []
    for word, named, count in (("ayes", ayes, division.aye_count), ("noes", noes, division.no_count)):
        if count is not None and named != count:
            notes.append(f"The official record gives a count of {count:,} {word} but names {named:,} "
                         f"members as {word}.")
    if held.get("both"):
        notes.append(f"{held['both']:,} member{'s are' if held['both'] != 1 else ' is'} named in both "
                     "lobbies, a recognised way to abstain; such a vote says nothing on its own.")
    if notes:
        notes.append("We show the counts and the lists as the record gives them and correct neither.")
    return notes


def gap_note(division: Division, sides: tuple[int, int]) -> str | None:
    """'We hold 33 of the 125 ayes ...' when the list of votes is partial; None when complete.

    ``sides``: the (ayes, noes) we hold.
    """
    if division.votes_complete:
        return None
    ayes, noes = sides

    def side(n: int, total: int | None, word: str) -> str:
        if total is None:
            held = f"none of the {word}" if n == 0 else f"{n:,} {word}"
            return f"{held} (their total is not recorded here)"
        return f"{n:,} of the {total:,} {word}"

    text = f"We hold {side(ayes, division.aye_count, 'ayes')} and {side(noes, division.no_count, 'noes')}"
    if division.aye_count is not None and division.no_count is not None:
        text += f": {ayes + noes:,} of the {division.aye_count + division.no_count:,} votes cast"
    return text + ". A member not listed may have voted either way or not at all."
