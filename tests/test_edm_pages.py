"""Early day motion signatures as stance evidence: `tracker stance`, the person page and
its twin, on the real data (`tracker import all` of ../shared/data)."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlmodel import Session, select

from tracker.models import EdmSignature, Person
from tracker.queries.stances import (
    evidence_for_people,
    person_stance_report,
    topic_row,
)
from tracker.readmodel import view

pytestmark = [pytest.mark.imported, pytest.mark.shared_data]
SNP_AMENDMENT = "2023-11-15-snp-amendment-h-immediate-ceasefire"


def person(session: Session, slug: str) -> Person:
    return session.exec(select(Person).where(Person.slug == slug)).one()


def stance_json(cli, name: str) -> dict:  # type: ignore[no-untyped-def]
    result = cli("stance", name, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_signer_of_61430_reads_ceasefire_from_its_tabling_date(cli) -> None:
    # Crispin Blunt signed 61430 and has no vote recorded on 15 Nov 2023: the signature is
    # all we hold, and it counts from 17 Oct 2023, "on or after".
    text = cli("stance", "Crispin Blunt").output
    assert "Current stance: ceasefire (Calls for an immediate ceasefire) since 17 Oct 2023" in text
    assert ("Signed early day motion 61430 “Protecting civilians in Gaza and Israel” "
            "(tabled 17 Oct 2023; signed on or after that date)") in text
    assert "https://edm.parliament.uk/early-day-motion/61430" in text


@pytest.mark.parametrize(("name", "signed_from"), [("Tahir Ali", "2023-10-17"),
                                                   ("Jess Phillips", "2023-11-07")])
def test_a_later_vote_anchors_the_stance_of_people_with_many_kinds_of_evidence(
        cli, name: str, signed_from: str) -> None:
    report = stance_json(cli, name)
    current = report["current"]
    assert (current["stance"], current["since"]) == ("ceasefire", "2023-11-15")
    assert SNP_AMENDMENT in [e["division"] for e in current["evidence"]]
    assert [(i["start"], i["stance"]) for i in report["timeline"]] == [
        (None, "unknown"), (signed_from, "ceasefire"), ("2023-11-15", "ceasefire")]
    assert report["shifts"] == [] and report["contradictions"] == []
    kinds = {e["kind"] for e in report["evidence"]}
    assert {"edm", "vote"} <= kinds


def test_a_withdrawn_signature_stops_counting_on_the_withdrawal_date(cli, session: Session) -> None:
    report = stance_json(cli, "Bobby Dean")
    assert [(i["start"], i["end"], i["stance"]) for i in report["timeline"]] == [
        (None, "2024-07-17", "unknown"), ("2024-07-17", "2025-03-13", "ceasefire"),
        ("2025-03-13", None, "unknown")]
    withdrawal = report["current"]["evidence"]
    assert [(e["date"], e["kind"], e["stance"]) for e in withdrawal] == [("2025-03-13", "edm", None)]
    assert withdrawal[0]["summary"].startswith(
        "Withdrew their signature from early day motion 62324 “Peace in Israel and Gaza” on 13 Mar 2025")
    assert withdrawal[0]["source_url"] == "https://edm.parliament.uk/early-day-motion/62324"
    assert report["shifts"] == []

    bobby = person(session, "bobby-dean")
    before = person_stance_report(session, bobby, "ceasefire", as_of=date(2025, 3, 12))
    assert before["current"]["stance"] == "ceasefire"
    assert "withdrawn" not in before["evidence"][0]["summary"]  # not known yet on that day
    on = view.stances(session, [bobby.id], "ceasefire", on=date(2024, 8, 1))  # type: ignore[list-item]
    assert on[bobby.id].stance == "ceasefire"  # type: ignore[index]
    on = view.stances(session, [bobby.id], "ceasefire", on=date(2025, 3, 13))  # type: ignore[list-item]
    assert on[bobby.id].stance == "unknown" and on[bobby.id].opened_by_end  # type: ignore[index]


def test_person_page_lists_every_motion_signed(client, session: Session) -> None:
    tahir = person(session, "tahir-ali")
    signed = len(session.exec(select(EdmSignature).where(EdmSignature.person_id == tahir.id)).all())
    assert signed == 20
    page = client.get("/people/tahir-ali").get_data(as_text=True)
    section = page[page.index('id="edms-h"'):]
    section = section[:section.index("</section>")]
    assert f"Early day motions Tahir Ali signed ({signed})" in section
    assert section.count('<li class="evidence">') == 2  # the motions that count, in full
    assert f"{signed - 2} other motions signed, not counted towards a stance</summary>" in section
    assert ('href="https://edm.parliament.uk/early-day-motion/61430" rel="nofollow noopener">'
            "Early day motion 61430: Protecting civilians in Gaza and Israel</a>") in section
    assert "Counts towards “Ceasefire in Gaza”: it calls on all parties to agree to an immediate" in section
    assert "Not counted towards a stance: its title does not itself call for a ceasefire" in section
    assert "Not counted towards a stance: its title is about a hunger strike" in section  # 64800
    assert "signed on or after that date" in section
    assert not re.search(r"[Ss]igned on \d", page)  # never a signature date

    rows = client.get("/people/tahir-ali?format=json&table=edms").get_json()["rows"]
    assert len(rows) == signed
    row = next(r for r in rows if r["edm_id"] == 61430)
    assert (row["signed_on_or_after"], row["counts_towards_stance"], row["stance"]) == (
        "2023-10-17", True, "ceasefire")
    assert row["source_url"] == "https://edm.parliament.uk/early-day-motion/61430"
    assert sum(r["counts_towards_stance"] for r in rows) == 2  # 61430 and 61468


def test_person_page_shows_a_withdrawal(client) -> None:
    page = client.get("/people/bobby-dean").get_data(as_text=True)
    section = page[page.index('id="edms-h"'):]
    assert "Signature withdrawn on <time datetime=\"2025-03-13\">13 Mar 2025</time>" in section
    assert "until the signature was withdrawn" in section


def test_edm_evidence_for_many_people_takes_a_fixed_number_of_queries(session: Session,
                                                                      count_queries) -> None:
    topic = topic_row(session, "ceasefire")
    assert topic is not None
    ids = list(session.exec(select(EdmSignature.person_id).distinct()).all())
    assert len(ids) > 250
    with count_queries() as few:
        evidence_for_people(session, ids[:3], topic)
    with count_queries() as many:
        records = evidence_for_people(session, ids, topic)
    assert few() == many()
    assert sum(1 for rs in records.values() for r in rs if r.item.kind == "edm") == (
        95 + 105 + 18 + 18 + 80 + 1)  # the five tracked motions' signatures, and one withdrawal
