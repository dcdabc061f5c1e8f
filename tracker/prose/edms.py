"""Early day motion signatures in words (the summary a signature shows as evidence)."""

from __future__ import annotations

from datetime import date

from tracker.models import Edm
from tracker.stance import format_day


def signature_summary(edm: Edm, withdrawn_on: date | None = None) -> str:
    """'Signed early day motion 61430 “…” (tabled 17 Oct 2023; signed on or after that date)'."""
    withdrawn = f"; withdrawn on {format_day(withdrawn_on)}" if withdrawn_on else ""
    return (f"Signed early day motion {edm.edm_id} “{edm.title}” (tabled "
            f"{format_day(edm.tabled_on)}; signed on or after that date{withdrawn})")


def withdrawal_summary(edm: Edm, withdrawn_on: date) -> str:
    return (f"Withdrew their signature from early day motion {edm.edm_id} “{edm.title}” on "
            f"{format_day(withdrawn_on)}; from then it no longer counts")
