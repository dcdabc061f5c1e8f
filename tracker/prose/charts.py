"""What a chart shows, in words: its text alternative, its hover text, and how it counts
(the explanations on /methodology that every chart links to).

Everything here reads plain values: a chart's rows as dicts (its frame's records),
the topic's scale and the few settings a chart is drawn with.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from tracker.stance import Scale, format_day, month_starts

# The name of the dots of evidence that states no stance (a declined pledge, no vote recorded).
NO_STANCE = "Sets no stance"
SUMMARY_LENGTH = 90


def _tally(rows: Sequence[Mapping[str, Any]], day: date, scale: Scale) -> tuple[int, str]:
    total = sum(r["count"] for r in rows if r["day"] == day)
    parts = [f"{sum(r['count'] for r in rows if r['day'] == day and r['stance'] == s.key)} “{s.label}”"
             for s in scale.stances]
    return total, "; ".join(parts)


def _gaps(rows: Sequence[Mapping[str, Any]]) -> list[date]:
    present = {r["day"] for r in rows}
    return [d for d in month_starts(min(present), max(present)) if d not in present]


def chart_summary(rows: Sequence[Mapping[str, Any]], scale: Scale) -> str | None:
    """The home chart: 'On 1 Jun 2025, of 650 sitting MPs: 120 “Ceasefire”; ...', and the
    months with no bars."""
    if not rows:
        return None
    last = max(r["day"] for r in rows)
    total, tally = _tally(rows, last, scale)
    summary = f"On {format_day(last)}, of {total} sitting MPs: {tally}."
    gaps = [format_day(d) for d in _gaps(rows)]
    if gaps:
        summary += (f" No MPs sat on {' or '.join(gaps)} (Parliament was dissolved for the general "
                    "election), so the chart has no bars there.")
    return summary


def party_chart_summary(rows: Sequence[Mapping[str, Any]], scale: Scale, party: str) -> str | None:
    """A party chart: what each bar counts, and the latest bar in words."""
    if not rows:
        return None
    last = max(r["day"] for r in rows)
    total, tally = _tally(rows, last, scale)
    summary = (f"Each bar counts the MPs sitting for {party} on the 1st of the month by their recorded "
               f"stance that day; those with no recorded position are counted too. On {format_day(last)}, "
               f"of {total} MPs sitting for {party}: {tally}.")
    gaps = [format_day(d) for d in _gaps(rows)]
    if gaps:
        summary += f" No MP sat for {party} on {' or '.join(gaps)}, so the chart has no bars there."
    return summary


def evidence_hover(item: Mapping[str, Any]) -> str:
    """A dot's hover text. plotly.js reads tags in it, so everything from the data is escaped and
    only our own line breaks stay markup."""
    what = f"vote: {item['vote_position'].replace('_', ' ')}" if item.get("vote_position") else \
        str(item["kind"]).replace("_", " ")
    day = format_day(item["date"])
    # An early day motion records no signature dates: it was signed on or after its tabling.
    when = f"on or after {day}" if item["kind"] == "edm" else day
    summary = str(item.get("summary") or "")
    if len(summary) > SUMMARY_LENGTH:
        summary = summary[:SUMMARY_LENGTH - 3] + "..."
    stance = item.get("stance_label") or NO_STANCE
    source = item.get("source") or item.get("source_url") or "no source recorded"
    return "<br>".join(html.escape(str(part), quote=False) for part in (
        f"{when} ({what}): {stance}", summary, f"Source: {source}"))


# How the charts count (/methodology). Each function gives the points of one explanation.

def counting_rules(scale: Scale, conflict_label: str) -> list[str]:
    """What every count of members by stance shares."""
    unknown = scale.label(scale.default)
    return [
        "Who is counted: everyone holding a seat in the House of Commons on the day counted, as the "
        "seat records give it (a by-election, a change of party or the loss of the whip starts a new "
        "seat record on its day).",
        "Their stance that day: the stance their own page shows for that day, which is decided by "
        "their latest evidence up to and including it. Evidence found later about an earlier day "
        "changes that day’s count too: a bar shows what the site knows about its day, not what it "
        "knew on it.",
        f"No recorded position: people with no evidence up to that day are counted as “{unknown}”. "
        "They stay in every total, so a group’s bars always add up to all its members that day.",
        f"Conflicting evidence: people whose evidence that day conflicts (their page shows "
        f"“{conflict_label}”) are counted as “{unknown}” too; the charts do not count them apart.",
        "Not voting is never a stance: a vote that says nothing on its own (no vote recorded, or a "
        "vote that bears on no stance) changes no one’s count.",
    ]


def shares_method(scale: Scale, panels: Sequence[str], other: str, since: date) -> list[str]:
    """The home page chart: shares of each party group's MPs."""
    named = ", ".join(panels[:-1]) + f" and {panels[-1]}" if len(panels) > 1 else "".join(panels)
    return [
        f"Days counted: the 1st of each month from {format_day(since)} to the 1st of the current month. "
        "Each bar counts that one day: it is not an average over the month, and an MP who arrives, "
        "leaves or changes stance on any other day shows in the next month’s bar.",
        f"Party groups: {named} each have a panel; every other party, independents, the Speaker and "
        f"MPs with no party recorded are counted together as “{other}”. An MP is in the group of the "
        "party their seat was held for that day.",
        "Percentages are of members, not of recorded stances: each is the group’s MPs holding that "
        f"stance divided by all the group’s MPs sitting that day, “{scale.label(scale.default)}” "
        "included (the members column of the CSV), rounded to one decimal place, so a bar’s "
        "percentages may not add up to exactly 100%.",
        "On a 1st when no MP sat (Parliament dissolved for a general election) there is no bar.",
    ]


def counts_method(scale: Scale, since: date) -> list[str]:
    """The party pages' chart: numbers of a party's MPs."""
    return [
        f"Days counted: the 1st of each month from {format_day(since)} to the 1st of the current month, "
        "each bar counting that one day, as on the home page.",
        "Who is counted: the MPs whose seat was held for the party that day. An MP who left the party "
        "or lost its whip is counted with it until the day their seat record changes, and not after.",
        "The bars are numbers of MPs, not percentages: a bar’s height is every MP sitting for the party "
        f"that day (the members column of the CSV), “{scale.label(scale.default)}” included.",
        "A party with no MP sitting on a 1st has no bar that day.",
    ]


def timeline_method(scale: Scale, conflict_label: str) -> list[str]:
    """A person's stance over time (person and constituency pages)."""
    unknown = scale.label(scale.default)
    return [
        "The line is the person’s stance period by period: it starts at their first evidence, steps "
        "on the day each new period begins and runs to the day the page is shown for. Before their "
        "first evidence they have no recorded position, which is not drawn.",
        "Each dot is one piece of evidence, on its own date, at the height of the stance it states. "
        f"Evidence that states no stance (a declined pledge, no vote recorded) is an open dot on the "
        f"“{unknown}” line; it changes nothing.",
        f"A period of conflicting evidence is drawn on the “{unknown}” line and listed as "
        f"“{conflict_label}”.",
        "Early day motions record no signature dates: a signature is drawn on the day the motion was "
        "tabled, and the person signed it on or after that day.",
        "In the CSV, each step of the line is a row of series “stance” (from date to until, the next "
        "period’s first day or, for the current period, the day the page is shown for) and each dot a "
        "row of series “evidence”; level is the stance’s rank on the scale, its height on the chart.",
    ]
