"""Evidence in, timeline out.

``build_timeline`` turns one person's dated evidence on a topic into a
timeline of stance intervals, plus the shifts between stances, the days whose
strongest evidence disagrees (conflicts) and the places where a vote went
against what the person had said or pledged (contradictions).

Rules, in short (see the tests for one case per rule):

* Items without a stance (an absent vote, a "no" that means nothing) never set
  a stance; absent votes are still checked for contradictions.
* Per day only the strongest kind of evidence counts. Among those items,
  support-side stances combine to the highest rank (backing pauses does not
  contradict backing a ceasefire); otherwise differing stances are a conflict
  and the day's stance is the scale default.
* Later evidence supersedes earlier evidence regardless of kind.
* An item with ``date_is_earliest`` (an early day motion signature, dated by the
  motion's tabling date) happened on or after its date; it is placed on that
  date, but never makes a contradiction, since its order against a vote is unknown,
  and later evidence with a certain date opens a new interval even with the same stance.
* An item with ``ends`` (a withdrawn signature) stops counting on that date: from
  then the stance is what the remaining evidence says, as if the item had never
  been, shown as an interval of its own whose evidence is the end (``end_of``).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby, pairwise

from .scale import Scale

VOTE_KIND = "vote"
# "both": named in both lobbies, an active abstention; like "absent" it sets no stance.
VOTE_POSITIONS = frozenset({"aye", "no", "absent", "both"})

@dataclass(frozen=True)
class EvidenceItem:
    id: str  # stable key such as "evidence:12" or "vote:34"
    date: date
    kind: str  # a key of scale.strength
    stance: str | None  # a scale key, or None when the item says nothing on its own
    summary: str = ""
    source_url: str | None = None
    source_label: str | None = None  # e.g. publisher and title
    division_key: str | None = None  # votes only
    vote_position: str | None = None  # votes only: "aye", "no" or "absent"
    aye_means: str | None = None  # votes only: the stance an aye on that division means
    no_means: str | None = None  # votes only: the stance a no means (None = says nothing)
    date_is_earliest: bool = False  # happened on or after ``date``, on a day not recorded
    ends: date | None = None  # stops counting from this day (e.g. a signature withdrawn)
    end_summary: str = ""  # what ``end_of`` says about that end (words come from the caller)


@dataclass(frozen=True)
class Interval:
    start: date | None  # None only for the leading interval before any evidence
    end: date | None  # exclusive; None = still current
    stance: str
    evidence: tuple[EvidenceItem, ...]  # the items that decided the interval (its first day)
    conflict: bool = False  # True when that day's strongest items disagree
    supporting: tuple[EvidenceItem, ...] = field(default=())  # every stance item inside it
    opened_by_end: bool = False  # True when earlier evidence stopped counting (``evidence`` = its end)

    def contains(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Shift:
    date: date
    from_stance: str
    to_stance: str
    evidence: tuple[EvidenceItem, ...]


@dataclass(frozen=True)
class Contradiction:
    """A vote against what the person last said or pledged (in words: ``tracker.prose.stances``)."""

    kind: str  # "voted_against" | "did_not_vote"
    said: EvidenceItem
    did: EvidenceItem


@dataclass(frozen=True)
class Conflict:
    date: date
    items: tuple[EvidenceItem, ...]


@dataclass(frozen=True)
class Timeline:
    intervals: tuple[Interval, ...]
    shifts: tuple[Shift, ...]
    contradictions: tuple[Contradiction, ...]
    conflicts: tuple[Conflict, ...]

    def interval_on(self, day: date) -> Interval:
        """The interval containing ``day`` (start <= day < end)."""
        starts = [iv.start for iv in self.intervals[1:]]  # the first always starts at None
        return self.intervals[bisect.bisect_right(starts, day)]

    def stance_on(self, day: date) -> str:
        """The stance on ``day``; the scale default before any evidence."""
        return self.interval_on(day).stance

    @property
    def current(self) -> Interval:
        return self.intervals[-1]


# --- helpers for callers ------------------------------------------------------


def vote_stance(position: str | None, aye_means: str | None, no_means: str | None) -> str | None:
    """The stance a single vote carries: aye -> aye_means, no -> no_means, absent -> None."""
    if position == "aye":
        return aye_means
    if position == "no":
        return no_means
    return None


def end_of(item: EvidenceItem) -> EvidenceItem:
    """The stance-less item recording that ``item`` stops counting, dated ``item.ends``."""
    if item.ends is None:
        raise ValueError(f"evidence {item.id} does not end")
    return EvidenceItem(
        id=f"{item.id}:end", date=item.ends, kind=item.kind, stance=None,
        summary=item.end_summary,
        source_url=item.source_url, source_label=item.source_label)


def format_day(day: date) -> str:
    """'1 Nov 2023' (no leading zero, portable across platforms)."""
    return f"{day.day} {day:%b %Y}"


# --- building a timeline ----------------------------------------------------------


@dataclass(frozen=True)
class _Day:
    """What one day's evidence decides."""

    date: date
    stance: str
    deciding: tuple[EvidenceItem, ...]  # the strongest kind's items
    items: tuple[EvidenceItem, ...]  # every stance-bearing item that day
    conflict: bool
    ended: tuple[EvidenceItem, ...] = ()  # set when earlier evidence stops counting this day


def build_timeline(evidence: Iterable[EvidenceItem], scale: Scale) -> Timeline:
    """Build one person's timeline on a topic from their evidence items."""
    items = sorted(evidence, key=lambda item: _sort_key(item, scale))
    for item in items:
        _validate(item, scale)
    days = _decide_days([item for item in items if item.stance is not None], scale)
    intervals = _intervals(days, scale)
    return Timeline(
        intervals=intervals,
        shifts=_shifts(intervals, scale),
        contradictions=_contradictions(items, scale),
        conflicts=tuple(Conflict(day.date, day.deciding) for day in days if day.conflict),
    )


def _sort_key(item: EvidenceItem, scale: Scale) -> tuple[date, int, str]:
    """Deterministic order: date, then strongest kind first, then id."""
    try:
        strength = scale.strength_of(item.kind)
    except ValueError as exc:
        raise ValueError(f"evidence {item.id}: {exc}") from None
    return (item.date, -strength, item.id)


def _check_stance(item: EvidenceItem, name: str, value: str | None, scale: Scale) -> None:
    if value is not None and scale.get(value) is None:
        raise ValueError(
            f"evidence {item.id}: {name} {value!r} is not a stance on the {scale.slug!r} "
            f"scale (expected one of: {', '.join(scale.keys())})"
        )


def _validate(item: EvidenceItem, scale: Scale) -> None:
    _check_stance(item, "stance", item.stance, scale)
    _check_stance(item, "aye_means", item.aye_means, scale)
    _check_stance(item, "no_means", item.no_means, scale)
    if item.ends is not None and item.ends < item.date:
        raise ValueError(f"evidence {item.id}: ends on {item.ends}, before its date {item.date}")
    if item.vote_position is None:
        return
    if item.vote_position not in VOTE_POSITIONS:
        raise ValueError(
            f"evidence {item.id}: vote_position {item.vote_position!r} must be one of "
            f"{sorted(VOTE_POSITIONS)}"
        )
    if item.kind == VOTE_KIND and item.aye_means is not None:
        implied = vote_stance(item.vote_position, item.aye_means, item.no_means)
        if item.stance != implied:
            raise ValueError(
                f"evidence {item.id}: stance {item.stance!r} does not match a "
                f"{item.vote_position!r} vote on a division where aye means {item.aye_means!r} "
                f"and no means {item.no_means!r} (expected {implied!r})"
            )


def _decide_days(items: Sequence[EvidenceItem], scale: Scale) -> list[_Day]:
    """One decision per date with new evidence, plus one per date on which evidence
    that decided the stance then in force stops counting. ``items`` are sorted and
    all carry a stance."""
    by_date = {day: tuple(group) for day, group in groupby(items, key=lambda item: item.date)}
    ends = {item.ends for item in items if item.ends is not None}
    days: list[_Day] = []
    for day in sorted(by_date.keys() | ends):
        fresh = [i for i in by_date.get(day, ()) if i.ends is None or i.ends > day]
        if fresh:
            days.append(_decide(day, fresh, scale))
            continue
        in_force = days[-1].deciding if days else ()
        ended = tuple(i for i in in_force if i.ends == day)
        if not ended:
            continue  # what stopped counting did not decide the stance in force
        active = [i for i in items if i.date <= day and (i.ends is None or i.ends > day)]
        if not active:
            days.append(_Day(day, scale.default, (), (), False, ended))
            continue
        latest = active[-1].date
        basis = _decide(latest, [i for i in active if i.date == latest], scale)
        days.append(_Day(day, basis.stance, basis.deciding, (), basis.conflict, ended))
    return days


def _decide(day: date, day_items: Sequence[EvidenceItem], scale: Scale) -> _Day:
    """What one date's items decide (sorted, strongest kind first)."""
    strongest = scale.strength_of(day_items[0].kind)
    deciding = tuple(i for i in day_items if scale.strength_of(i.kind) == strongest)
    stance = _combine(deciding, scale)
    conflict = stance is None
    decided = scale.default if stance is None else stance
    return _Day(day, decided, deciding, tuple(day_items), conflict)


def _combine(items: Sequence[EvidenceItem], scale: Scale) -> str | None:
    """The stance same-strength items agree on, or None when they conflict.

    Stances on one side combine to the most extreme one: an aye for pauses and
    an aye for a ceasefire on the same day mean "ceasefire".
    """
    stances = {item.stance for item in items if item.stance is not None}
    if len(stances) == 1:
        return stances.pop()
    sides = {scale.side(stance) for stance in stances}
    if sides == {"support"}:
        return max(stances, key=scale.rank)
    if sides == {"oppose"}:
        return min(stances, key=scale.rank)
    return None


def _intervals(days: Sequence[_Day], scale: Scale) -> tuple[Interval, ...]:
    if not days:
        return (Interval(None, None, scale.default, ()),)
    # A run is the day that opens an interval plus every stance item inside it.
    runs: list[tuple[_Day, list[EvidenceItem]]] = []
    for day in days:
        opener = runs[-1][0] if runs else None
        if (opener and not day.ended and not opener.conflict and not day.conflict
                and opener.stance == day.stance and not (_undated(opener) and not _undated(day))):
            runs[-1][1].extend(day.items)
        else:
            runs.append((day, list(day.items)))
    intervals = [Interval(None, days[0].date, scale.default, ())]
    for index, (first, supporting) in enumerate(runs):
        end = runs[index + 1][0].date if index + 1 < len(runs) else None
        intervals.append(
            Interval(
                start=first.date,
                end=end,
                stance=first.stance,
                evidence=tuple(end_of(i) for i in first.ended) or first.deciding,
                conflict=first.conflict,
                supporting=tuple(supporting),
                opened_by_end=bool(first.ended),
            )
        )
    return tuple(intervals)


def _undated(day: _Day) -> bool:
    """True when the day's deciding evidence is all dated only "on or after".

    Such a run is not extended by later evidence with a certain date of the same
    stance: that evidence opens an interval of its own (no shift), so a stance is
    anchored to a dated fact as soon as there is one.
    """
    return bool(day.deciding) and not day.ended and all(i.date_is_earliest for i in day.deciding)


def _shifts(intervals: Sequence[Interval], scale: Scale) -> tuple[Shift, ...]:
    """Changes between known (non-default) stances, looking through conflict days.

    Default-stance intervals are skipped too, so "ceasefire, then a conflict,
    then opposed" is still one shift from ceasefire to opposed.
    """
    known = [iv for iv in intervals if not iv.conflict and iv.stance != scale.default]
    return tuple(
        Shift(after.start, before.stance, after.stance, after.evidence)
        for before, after in pairwise(known)
        if before.stance != after.stance and after.start is not None
    )


# --- contradictions ---------------------------------------------------------------


def _contradictions(items: Sequence[EvidenceItem], scale: Scale) -> tuple[Contradiction, ...]:
    """Votes that went against the most recent thing the person said or pledged."""
    said_items = [item for item in items if item.kind != VOTE_KIND and item.stance is not None]
    found = []
    for vote in items:
        if vote.kind != VOTE_KIND or vote.vote_position is None or vote.aye_means is None:
            continue
        standing = [i for i in said_items
                    if i.date <= vote.date and (i.ends is None or i.ends > vote.date)]
        said = _latest_said([i for i in standing if not i.date_is_earliest], vote.date)
        if said is None or said.stance is None:
            continue
        kind = _contradiction_kind(said.stance, vote.aye_means, vote.vote_position, scale)
        # An item dated only "on or after" may have come after ``said``, before or after the
        # vote: claim the contradiction only if it holds whichever way such items fall.
        if any(_contradiction_kind(i.stance, vote.aye_means, vote.vote_position, scale) != kind
               for i in standing if i.date_is_earliest and i.stance is not None):
            continue
        if kind is not None:
            found.append(Contradiction(kind, said, vote))
    return tuple(found)


def _latest_said(said_items: Sequence[EvidenceItem], day: date) -> EvidenceItem | None:
    """The most recent non-vote item on or before ``day`` (strongest, then lowest id, on ties)."""
    candidates = [item for item in said_items if item.date <= day]
    if not candidates:
        return None
    latest = candidates[-1].date
    return next(item for item in candidates if item.date == latest)


def expected_vote(said: str, aye_means: str, scale: Scale) -> str | None:
    """How someone who holds ``said`` should vote where aye means ``aye_means``.

    "aye" when they committed to at least what an aye means (same side, and for
    support at least the same rank); "no" when the aye is on the opposite side;
    otherwise None (e.g. backing pauses says nothing about a ceasefire vote).
    """
    said_side, aye_side = scale.side(said), scale.side(aye_means)
    if "none" in (said_side, aye_side):
        return None
    if said_side != aye_side:
        return "no"
    if said_side == "support" and scale.rank(said) < scale.rank(aye_means):
        return None
    return "aye"


def _contradiction_kind(said: str, aye_means: str, position: str, scale: Scale) -> str | None:
    expected = expected_vote(said, aye_means, scale)
    if expected == "aye" and position == "no":
        return "voted_against"
    if expected == "aye" and position in ("absent", "both"):
        return "did_not_vote"
    if expected == "no" and position == "aye":
        return "voted_against"
    return None

