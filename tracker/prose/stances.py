"""What the stance engine finds, in words: a contradiction between what someone said
and how they then voted."""

from __future__ import annotations

from tracker.stance import Contradiction, Scale, format_day

_KIND_LABELS = {"edm": "early day motion", "party_switch": "party switch"}
_SAID_VERBS = {
    "pledge": "Pledged",
    "edm": "Signed an early day motion",
    "party_switch": "Left their party",
    "report": "Was reported",
}


def contradiction_text(contradiction: Contradiction, scale: Scale) -> str:
    """'Said on 1 Nov 2023 (statement): "Ceasefire", then did not vote on 15 Nov 2023 in the
    division "...", where an aye meant "Ceasefire"'."""
    said, vote = contradiction.said, contradiction.did
    verb = _SAID_VERBS.get(said.kind, "Said")
    kind_label = _KIND_LABELS.get(said.kind, said.kind.replace("_", " "))
    action = {
        "did_not_vote": "voted in both lobbies" if vote.vote_position == "both" else "did not vote",
        "voted_against": f"voted {vote.vote_position}",
    }[contradiction.kind]
    division = vote.summary or vote.division_key or vote.id
    return (
        f"{verb} on {format_day(said.date)} ({kind_label}): "
        f'"{scale.label(said.stance)}", then {action} on {format_day(vote.date)} '  # type: ignore[arg-type]
        f'in the division "{division}", where an aye meant "{scale.label(vote.aye_means)}"'  # type: ignore[arg-type]
    )


def shift_text(from_label: str, to_label: str) -> str:
    """'Changed from “Ceasefire” to “Opposed”'."""
    return f"Changed from “{from_label}” to “{to_label}”"
