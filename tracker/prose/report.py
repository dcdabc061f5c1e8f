"""The plain-text stance report of `tracker stance`, from its JSON-ready report."""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker.stance import format_day


def _day(iso: str | None) -> str:
    return format_day(date.fromisoformat(iso)) if iso else "the start"


def _evidence_line(e: dict[str, Any]) -> str:
    what = e["kind"]
    if e.get("vote_position"):
        what = f"vote: {e['vote_position'].replace('_', ' ')}"
    line = f"    - {_day(e['date'])} [{what}] {e['summary']}"
    if e.get("quote"):
        line += f'\n        "{e["quote"]}"'
    source = e.get("source") or "no source recorded"
    if e.get("source_url"):
        source += f" <{e['source_url']}>"
    return f"{line}\n        source: {source}"


def render_report(report: dict[str, Any]) -> str:
    person, current = report["person"], report["current"]
    lines = [f"{person['name']} ({person['slug']}) on {report['topic']['name']}"]
    if report.get("as_of"):
        lines.append(f"as of {_day(report['as_of'])}")
    since = f" since {_day(current['since'])}" if current["since"] else ""
    lines.append(f"Current stance: {current['stance']} ({current['label']}){since}")
    if current["conflict"]:
        lines.append("  The evidence of that day conflicts; see below.")
    lines.extend(_evidence_line(e) for e in current["evidence"])
    lines.append("")
    lines.append("Timeline:")
    for interval in report["timeline"]:
        end = f" to {_day(interval['end'])}" if interval["end"] else " to now"
        flag = " (conflicting evidence)" if interval["conflict"] else ""
        lines.append(f"  {_day(interval['start'])}{end}: {interval['label']}{flag}")
    if report.get("parties"):
        lines.append("")
        lines.append("Parties:")
        for span in report["parties"]:
            start = _day(span["start"]) if span["start"] else "?"
            end = _day(span["end"]) if span["end"] else "now"
            source = f" (source: {span['source_url'] or span['source']})" if (
                span["source_url"] or span["source"]) else ""
            lines.append(f"  {span['party']}: {start} to {end}{source}")
    if report["shifts"]:
        lines.append("")
        lines.append("Shifts:")
        lines.extend(f"  {_day(s['date'])}: {s['from_label']} -> {s['to_label']}"
                     for s in report["shifts"])
    if report["contradictions"]:
        lines.append("")
        lines.append("Contradictions:")
        lines.extend(f"  {c['description']}" for c in report["contradictions"])
    lines.append("")
    lines.append(f"Evidence ({len(report['evidence'])}):")
    lines.extend(_evidence_line(e) for e in report["evidence"]) if report["evidence"] else \
        lines.append("  none recorded")
    return "\n".join(lines)
