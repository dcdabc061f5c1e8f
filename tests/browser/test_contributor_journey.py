"""Issue 8's "Done means", tried as new users would, in a real browser with CSRF on.

An admin made from the command line invites a contributor and a moderator; the contributor
submits a sourced statement and uploads a campaign's 50-row list (and a bad one, refused
whole with its lines); the moderator resolves the list's ambiguous rows and approves it and
the statement; an anonymous reader sees the stance, the chart, the coverage count, the
campaign and their CSV twins change; a candidate signs through their own link, claims their
page and answers the statement (right of reply); a moderator restores a vandalised piece of
evidence from the history page; two moderators editing the same evidence see a conflict.

This journey writes, so it has a server of its own: a copy of the session live server's
database (sqlite3's backup API) under a new app with CSRF protection on (the default) and
TESTING off. Every browser context is checked as the conftest checks its own: no server
error, no script error, nothing asked of anything but the live server.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
from flask import Flask
from openpyxl import Workbook
from sqlmodel import Session, func, select

from tracker import create_app
from tracker.models import Area, Candidacy, ChangeSet, Election, Evidence, Person, Upload
from tracker.queries.home import GE2024
from tracker.readmodel import view
from tracker.uploads.match import PeopleIndex, fold_name, name_score

from .conftest import FAILURES, SCREENSHOTS, LiveServer, _open, serving
from .test_screenshots import STICKING_OUT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator

    from .conftest import Browsing

TOPIC = "ceasefire"
CAMPAIGN = "no-ceasefire-no-vote"
DEVICE = "phone"  # every screenshot at 360 px
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_SOURCE = "https://lists.journey.test/no-ceasefire-no-vote/candidates-2024.html"
STATEMENT_SOURCE = "https://news.journey.test/2024/05/20/hustings"
STATEMENT_DAY = date(2024, 5, 20)
STATEMENT = "Told a hustings that they back a humanitarian ceasefire once the hostages are freed."
VANDALISED = "Never said anything of the sort; this page is lies."
HUMANITARIAN = "Backs a humanitarian or conditional ceasefire"
CEASEFIRE = "Calls for an immediate ceasefire"
NO_POSITION = "No recorded position"
UNRECORDED = re.compile(r"([\d,]+) candidates, MPs and councillors have no recorded stance")


@dataclass(frozen=True)
class Account:
    email: str
    name: str
    password: str


ADMIN = Account("ada@journey.test", "Ada Admin", "admin-journey-password")
CONTRIBUTOR = Account("cora@journey.test", "Cora Contributor", "contributor-journey-pw")
MODERATOR = Account("mo@journey.test", "Mo Moderator", "moderator-journey-pw")


# -- the cast: real 2024 candidates from the database --------------------------------------

@dataclass(frozen=True)
class Someone:
    id: int
    name: str
    slug: str
    constituency: str


@dataclass(frozen=True)
class Row:
    """One row of the campaign's list, and whom it means."""

    name: str
    constituency: str
    answer: str
    day: str | date
    person: Someone
    kind: str  # exact, hyphen, middle, typo, alias (matched); wrong, repeat (ambiguous)


@dataclass
class Cast:
    speaker: Someone  # the statement's subject, who later signs, claims their page and replies
    rows: list[Row]
    spare: list[Someone]  # candidates in none of the rows (the refused file names them)

    def line(self, kind: str) -> int:
        return next(n for n, r in enumerate(self.rows, start=2) if r.kind == kind)

    def row(self, kind: str) -> Row:
        return self.rows[self.line(kind) - 2]

    @property
    def signers(self) -> set[int]:
        """The people the list records as signing once the repeated row is left out."""
        return {r.person.id for r in self.rows if r.answer == "signed" and r.kind != "repeat"}


def _alone(index: PeopleIndex, pid: int, constituency: str, cutoff: float = 70.0) -> bool:
    """No one else who sat for or stood in the constituency has a name near any of this person's."""
    areas = index.areas_for(constituency)
    if not areas:
        return False
    others = set().union(*(index.area_people.get(a, set()) for a in areas)) - {pid}
    mine = index.people[pid].names
    return all(name_score(m, n) < cutoff for o in others for n in index.people[o].names for m in mine)


def _far_from(index: PeopleIndex, pid: int, constituency: str) -> bool:
    """Nobody of ``constituency`` has a name the matcher would offer for this person's."""
    areas = index.areas_for(constituency)
    locals_ = set().union(*(index.area_people.get(a, set()) for a in areas))
    mine = index.people[pid].names
    return bool(areas) and pid not in locals_ and all(
        name_score(m, n) < 70 for o in locals_ for n in index.people[o].names for m in mine)


def _variant(kind: str, person: Someone, index: PeopleIndex, strict: bool = True) -> str | None:
    """The person's name as a campaign's volunteer might have typed it, or None if it does not apply."""
    words = person.name.split()
    if kind == "hyphen":
        return person.name.replace("-", "") if "-" in words[-1] and len(words) >= 2 else None
    if kind == "middle":
        simple = len(words) == 3 and all(w.isalpha() and len(w) > 2 for w in words)
        return f"{words[0]} {words[2]}" if simple else None
    if kind == "typo":
        last = words[-1]
        if len(words) == 2 and last.isalpha() and len(last) >= 6 and last[2] != last[3]:
            return f"{words[0]} {last[:2]}{last[3]}{last[2]}{last[4:]}"
        return None
    if kind == "alias":
        display = fold_name(person.name)
        others = sorted((name_score(n, display), index.spelling.get(n, n))
                        for n in index.people[person.id].names if n != display)
        # A name far from the display name proves the other names are searched (strict); failing
        # that, any other spelling we hold.
        return others[0][1] if others and (others[0][0] < 80 or not strict) else None
    raise ValueError(kind)


def choose_cast(session: Session) -> Cast:
    """50 rows about 49 real 2024 candidates with no recorded stance, one per constituency, whose
    names no neighbour shares: 44 as the database spells them (6 declining), four near misses
    (a hyphen dropped, a middle name left out, two letters swapped, another name we hold), one
    with a constituency they did not stand in, and one repeating an earlier row."""
    index = PeopleIndex(session)
    on_record = view.people_on_record(session, TOPIC)
    stood = session.exec(
        select(Candidacy.person_id, Area.name).join(Area, Area.id == Candidacy.area_id)  # type: ignore[arg-type]
        .join(Election, Election.id == Candidacy.election_id)  # type: ignore[arg-type]
        .where(Election.slug == GE2024).order_by(Area.name, Candidacy.person_id)).all()
    seats = Counter(pid for pid, _ in stood)
    people = {p.id: p for p in session.exec(select(Person).where(
        Person.id.in_(sorted(seats)))).all()}  # type: ignore[union-attr]
    pool: list[Someone] = []
    used: set[str] = set()
    for pid, constituency in stood:
        if pid in on_record or seats[pid] != 1 or constituency in used:
            continue
        if _alone(index, pid, constituency):
            person = people[pid]
            pool.append(Someone(pid, person.name, person.slug, constituency))
            used.add(constituency)
    taken: set[int] = set()

    def take(test: Callable[[Someone], bool]) -> Someone:
        found = next(s for s in pool if s.id not in taken and test(s))
        taken.add(found.id)
        return found

    near: list[Row] = []
    for n, kind in enumerate(("hyphen", "middle", "typo", "alias")):
        strict = any(_variant(kind, s, index) is not None for s in pool if s.id not in taken)
        person = take(lambda s, kind=kind, strict=strict: _variant(kind, s, index, strict) is not None)
        near.append(Row(_variant(kind, person, index, strict) or "", person.constituency, "signed",
                        f"2024-06-{n + 3:02d}", person, kind))
    speaker = take(lambda s: len(s.name.split()) == 2 and s.name.replace(" ", "").isalpha())
    normal = [take(lambda _s: True) for _ in range(44)]
    lost = take(lambda _s: True)
    elsewhere = next(s.constituency for s in pool
                     if s.id not in taken and _far_from(index, lost.id, s.constituency))
    wrong = Row(lost.name, elsewhere, "signed", "18/06/2024", lost, "wrong")
    rows = []
    for n, person in enumerate(normal):
        # Dates as a spreadsheet holds them: a date cell, day-first text, ISO text.
        day: str | date = date(2024, 6, 1 + n % 28) if n % 3 == 0 else (
            f"{14 + n % 14}/06/2024" if n % 3 == 1 else f"2024-06-{1 + n % 28:02d}")
        rows.append(Row(person.name, person.constituency, "declined" if 1 <= n <= 6 else "signed", day,
                        person, "exact"))
    rows = rows[:10] + near[:1] + rows[10:20] + near[1:2] + rows[20:30] + near[2:3] + rows[30:40] + \
        near[3:] + [wrong] + rows[40:]
    first = rows[0]
    rows.append(Row(first.name, first.constituency, first.answer, "2024-06-28", first.person, "repeat"))
    assert len(rows) == 50, len(rows)
    spare = [s for s in pool if s.id not in taken][:4]
    return Cast(speaker, rows, spare)


def campaign_xlsx(cast: Cast) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Candidates"
    sheet.append(["name", "constituency", "answer", "date", "source_url", "publisher"])
    for r in cast.rows:
        sheet.append([r.name, r.constituency, r.answer, r.day, LIST_SOURCE, "No Ceasefire No Vote"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bad_csv(cast: Cast) -> bytes:
    """Line 3 has no such day, line 5 an answer the campaign's list cannot give."""
    a, b, c, d = cast.spare
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows([
        ["name", "constituency", "answer", "date", "source_url"],
        [a.name, a.constituency, "signed", "2024-06-03", LIST_SOURCE],
        [b.name, b.constituency, "signed", "2024-13-45", LIST_SOURCE],
        [c.name, c.constituency, "declined", "2024-06-04", LIST_SOURCE],
        [d.name, d.constituency, "maybe", "2024-06-05", LIST_SOURCE]])
    return buffer.getvalue().encode("utf-8")


# -- the server ------------------------------------------------------------------------------

@dataclass
class JourneyServer(LiveServer):
    cast: Cast | None = None


def _copy_database(source_url: str, target: Path) -> None:
    source = sqlite3.connect(sa.engine.make_url(source_url).database or "")
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()


@pytest.fixture(scope="module")
def journey_server(live_server: LiveServer,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[JourneyServer]:
    from tracker.cli import main

    path = tmp_path_factory.mktemp("journey") / "journey.sqlite3"
    _copy_database(live_server.app.config["DATABASE_URL"], path)
    app = create_app({
        # CSRF protection on (the default), TESTING off: as the site runs.
        "DATABASE_URL": f"sqlite:///{path}",
        "SECRET_KEY": "contributor-journey-browser-test-key",
        "SITE_URL": "http://127.0.0.1",  # set to the server's own address below
        "REDIS_URL": "",  # rate limits and the page cache of this app alone
        "MAIL_SERVER": "",  # mail is not configured: pages show the links
        "POSTCODES_IO_URL": live_server.app.config["POSTCODES_IO_URL"],
        "HTTP_TRANSPORT": live_server.app.config["HTTP_TRANSPORT"],
    })
    assert app.config["WTF_CSRF_ENABLED"] is not False and not app.testing
    result = app.test_cli_runner().invoke(
        main, ["users", "create", ADMIN.email, "--role", "admin", "--name", ADMIN.name, "--password-stdin"],
        input=ADMIN.password + "\n", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with Session(app.extensions["engine"]) as session:
        cast = choose_cast(session)

    server = JourneyServer(url="", app=app, cast=cast)
    with serving(server, "journey-server"):
        app.config["SITE_URL"] = server.url  # links shown to copy (invitations, pledge links, claims)
        yield server


def _counts(app: Flask) -> tuple[int, int, int]:
    """Evidence, uploads and change sets in the database."""
    with Session(app.extensions["engine"]) as session:
        return tuple(session.exec(select(func.count()).select_from(model)).one()  # type: ignore[return-value]
                     for model in (Evidence, Upload, ChangeSet))


# -- what a person does in a browser ---------------------------------------------------------

@dataclass
class Journey:
    browser: Browser
    server: JourneyServer
    expect: Any
    contexts: list[Browsing] = field(default_factory=list)

    def person(self, device: str = DEVICE) -> Browsing:
        browsing = _open(self.browser, self.server, device, javascript=True)
        self.contexts.append(browsing)
        return browsing

    def close(self) -> list[str]:
        problems = []
        for b in self.contexts:
            b.context.close()
            problems += [f"{b.device} context: {p}" for p in b.problems()]
        return problems + [f"exception in a view: {e}" for e in self.server.exceptions]


def shot(b: Browsing, name: str) -> None:
    """A full-page screenshot of a key step; the page must not scroll sideways."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    b.page.screenshot(path=str(SCREENSHOTS / f"journey-{name}-{b.device}.png"), full_page=True,
                      animations="disabled")
    width = b.page.evaluate("document.documentElement.scrollWidth")
    assert width <= b.width + 1, (f"{b.page.url} scrolls sideways at {b.width} px ({width} px wide); "
                                  "sticking out:\n" + "\n".join(b.page.evaluate(STICKING_OUT)))


def main_of(b: Browsing) -> Locator:
    return b.page.get_by_role("main")


def flash(j: Journey, b: Browsing, text: str) -> None:
    j.expect(b.page.locator(".flashes")).to_contain_text(text)


def go(j: Journey, b: Browsing, url: str, status: int = 200) -> None:
    """Open a link someone was sent (an absolute URL on the site)."""
    assert url.startswith(j.server.url + "/"), f"{url} is not on the site ({j.server.url})"
    b.open(url.removeprefix(j.server.url), status)


def sign_in(j: Journey, b: Browsing, account: Account) -> None:
    b.open("/")
    b.page.locator("header.site").get_by_role("link", name="Sign in").click()
    m = main_of(b)
    m.get_by_label("Email", exact=True).fill(account.email)
    m.get_by_label("Password", exact=True).fill(account.password)
    m.get_by_role("button", name="Sign in").click()
    flash(j, b, f"Signed in as {account.name}.")


def sign_out(j: Journey, b: Browsing) -> None:
    b.page.locator("header.site").get_by_role("button", name="Sign out").click()
    flash(j, b, "Signed out.")


def accept_invitation(j: Journey, b: Browsing, link: str, account: Account) -> None:
    go(j, b, link)
    m = main_of(b)
    j.expect(m).to_contain_text(account.email)
    m.get_by_label("Your name, as shown beside your edits").fill(account.name)
    m.get_by_label(re.compile(r"^Choose a password")).fill(account.password)
    m.get_by_role("button", name="Open my account").click()
    flash(j, b, f"Welcome, {account.name}. Your account is open.")


def invite(j: Journey, b: Browsing, email: str, role: str) -> str:
    m = main_of(b)
    m.get_by_label("Their email").fill(email)
    m.get_by_label("Role", exact=True).select_option(label=role)
    m.get_by_role("button", name="Invite").click()
    notice = m.locator(".notice[role=status]")
    j.expect(notice).to_contain_text(f"{email} is invited as a {role.lower()}")
    j.expect(notice).to_contain_text("nothing was emailed")
    return notice.get_by_label("Invitation link").input_value()


def number(text: str) -> int:
    return int(text.replace(",", ""))


def unrecorded_count(j: Journey, reader: Browsing) -> int:
    reader.open("/")
    text = main_of(reader).locator("#coverage-h").locator("xpath=..").inner_text()
    found = UNRECORDED.search(text)
    assert found, f"no coverage count on the home page:\n{text}"
    return number(found.group(1))


def campaign_answers(reader: Browsing) -> tuple[int, int]:
    """How many signed and refused, as the campaign page's headings say."""
    reader.open(f"/pledges/{CAMPAIGN}")
    counts = []
    for anchor, words in (("signed-h", "Who signed"), ("refused-h", "Who refused")):
        text = main_of(reader).locator(f"#{anchor}").inner_text().strip()
        found = re.fullmatch(rf"{words} \(([\d,]+)\)", text)
        assert found, text
        counts.append(number(found.group(1)))
    return counts[0], counts[1]


def stance_badge(b: Browsing) -> str:
    return main_of(b).locator(".stance-now .badge").first.inner_text().strip()


def iso_day(day: str | date) -> str:
    """A list's date (a date cell, DD/MM/YYYY or YYYY-MM-DD) as YYYY-MM-DD."""
    if isinstance(day, date):
        return day.isoformat()
    if "/" in day:
        d, m, y = day.split("/")
        return f"{y}-{int(m):02d}-{int(d):02d}"
    return day


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def upload_row(b: Browsing, line: int) -> Locator:
    return main_of(b).locator(f"#line-{line}")


# -- the journey -----------------------------------------------------------------------------

def test_issue_8_as_new_users_would(browser: Browser, journey_server: JourneyServer, expect: Any) -> None:
    cast = journey_server.cast
    assert cast is not None
    j = Journey(browser, journey_server, expect)
    try:
        _journey(j, cast)
    except BaseException:
        FAILURES.mkdir(parents=True, exist_ok=True)
        for n, b in enumerate(j.contexts):
            try:
                b.page.screenshot(path=str(FAILURES / f"contributor-journey-{n}.png"), full_page=True)
            except Exception as exc:  # the failure itself matters more
                print(f"no failure screenshot of context {n}: {exc}")  # noqa: T201
        raise
    finally:
        problems = j.close()
    assert not problems, "while browsing:\n" + "\n".join(problems)


def _journey(j: Journey, cast: Cast) -> None:
    p, expect = cast.speaker, j.expect
    reader = j.person()  # an anonymous reader, before anything changes
    unrecorded_before = unrecorded_count(j, reader)
    signed_before, refused_before = campaign_answers(reader)
    reader.open(f"/people/{p.slug}")
    assert stance_badge(reader) == NO_POSITION

    # 1. The admin (made from the command line) signs in and invites a contributor and a moderator.
    admin = j.person()
    sign_in(j, admin, ADMIN)
    main_of(admin).get_by_role("link", name="Invite someone").click()
    contributor_link = invite(j, admin, CONTRIBUTOR.email, "Contributor")
    moderator_link = invite(j, admin, MODERATOR.email, "Moderator")
    shot(admin, "01-invitation")
    assert contributor_link != moderator_link

    # 2. The contributor opens the link, chooses a password and signs in ...
    contributor = j.person()
    accept_invitation(j, contributor, contributor_link, CONTRIBUTOR)
    shot(contributor, "02-account-opened")
    sign_out(j, contributor)
    sign_in(j, contributor, CONTRIBUTOR)
    _submit_statement(j, contributor, p)
    _upload_campaign_list(j, contributor, cast)
    _upload_bad_list(j, contributor, cast)

    # 3. The moderator resolves and approves the list, and approves the statement.
    moderator = j.person()
    accept_invitation(j, moderator, moderator_link, MODERATOR)
    _approve_list(j, moderator, cast)
    statement_id = _approve_statement(j, moderator, p)

    # ... and an anonymous reader sees it all.
    reader.open(f"/people/{p.slug}")
    assert stance_badge(reader) == HUMANITARIAN
    _check_timeline(j, reader)
    shot(reader, "07-stance-changed")
    _check_person_csv(j, reader)
    expected_drop = len(cast.signers | {p.id})
    assert unrecorded_count(j, reader) == unrecorded_before - expected_drop
    shot(reader, "08-coverage-on-home")
    declined = {r.person.id for r in cast.rows if r.answer == "declined"}
    assert campaign_answers(reader) == (signed_before + len(cast.signers), refused_before + len(declined))
    shot(reader, "09-campaign")
    signatures = _signatures_csv(reader)
    listed = {r.person.slug: iso_day(r.day) for r in cast.rows if r.answer == "signed" and r.kind != "repeat"}
    assert {slug: signatures.get(slug, {}).get("signed_on") for slug in listed} == listed, \
        "the campaign's CSV twin does not list each signature on the day the spreadsheet gives"
    assert p.slug not in signatures

    # 4. The candidate signs through their own link, then claims their page and answers the statement.
    candidate = j.person()
    _sign_through_own_link(j, moderator, candidate, p)
    reader.open(f"/people/{p.slug}")
    assert stance_badge(reader) == CEASEFIRE  # the signature (today) supersedes the statement
    signatures = _signatures_csv(reader)
    assert signatures.get(p.slug, {}).get("signed_by_person", "").lower() == "true", signatures.get(p.slug)
    reply = _claim_and_reply(j, moderator, candidate, p)
    reader.open(f"/people/{p.slug}")
    response = main_of(reader).locator("li.response-item", has_text=reply).first
    expect(response).to_be_visible()
    expect(response).to_contain_text(f"Response from {p.name}")
    answered = response.locator("xpath=preceding-sibling::li[contains(@class, 'evidence')][1]")
    expect(answered).to_contain_text(STATEMENT)
    assert stance_badge(reader) == CEASEFIRE  # a response changes no stance
    shot(reader, "15-reply-shown")

    # 5. A moderator restores a vandalised piece of evidence from the person's history.
    _edit_summary(j, moderator, statement_id, VANDALISED, "Checking the wording")
    flash(j, moderator, "Saved.")
    reader.open(f"/people/{p.slug}")
    expect(main_of(reader).get_by_text(VANDALISED).first).to_be_visible()
    _restore(j, moderator, p, statement_id)
    reader.open(f"/people/{p.slug}")
    expect(main_of(reader).get_by_text(STATEMENT).first).to_be_visible()
    assert VANDALISED not in main_of(reader).inner_text()
    shot(reader, "17-restored")

    # 6. Two moderators (the moderator and the admin) edit the same evidence: the second sees a conflict.
    first, second = moderator, admin
    first.open(f"/moderation/evidence/{statement_id}/edit")
    second.open(f"/moderation/evidence/{statement_id}/edit")
    _fill_edit(first, STATEMENT + " (Reported by the local paper.)", "Added where it was reported")
    main_of(first).get_by_role("button", name="Save").click()
    flash(j, first, "Saved.")
    _fill_edit(second, STATEMENT + " (Second thoughts.)", "A different wording")
    with second.page.expect_navigation() as navigation:
        main_of(second).get_by_role("button", name="Save").click()
    assert navigation.value is not None and navigation.value.status == 409
    alert = main_of(second).get_by_role("alert").filter(has_text="Someone else changed this evidence")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("(Reported by the local paper.)")
    shot(second, "18-edit-conflict")
    reader.open(f"/people/{p.slug}")
    text = main_of(reader).inner_text()
    assert "(Reported by the local paper.)" in text and "(Second thoughts.)" not in text


# -- the steps -------------------------------------------------------------------------------

def _submit_statement(j: Journey, b: Browsing, p: Someone) -> None:
    b.open(f"/people/{p.slug}")
    main_of(b).get_by_role("link", name="Submit evidence").click()
    m = main_of(b)
    j.expect(b.page.get_by_role("heading", level=1)).to_have_text(f"Submit evidence about {p.name}")
    m.get_by_label("What kind of evidence is it?").select_option("statement")
    m.get_by_label("What stance does it show?").select_option(label=HUMANITARIAN)
    m.get_by_label("When did they say or do it?").fill(STATEMENT_DAY.isoformat())
    m.get_by_label("What did they say or do? In your own words").fill(STATEMENT)
    m.get_by_label("A short quote (optional)").fill("A ceasefire, yes, once the hostages are home.")
    m.get_by_label(re.compile(r"^Source: the address")).fill(STATEMENT_SOURCE)
    m.get_by_label("Who published it (optional)").fill("Hustings report")
    m.get_by_role("button", name="Submit", exact=True).click()
    flash(j, b, "a moderator will review it before it appears on the site")
    row = main_of(b).get_by_role("row").filter(has_text=p.name)
    j.expect(row).to_contain_text("Waiting for a moderator")
    shot(b, "03-statement-submitted")


def _choose_upload_file(b: Browsing, name: str, mime: str, data: bytes) -> None:
    b.open("/uploads/new")
    m = main_of(b)
    m.get_by_label("Whose list is it?").select_option(CAMPAIGN)
    m.get_by_label(re.compile(r"^The list: a CSV")).set_input_files({"name": name, "mimeType": mime,
                                                                     "buffer": data})


def _upload_campaign_list(j: Journey, b: Browsing, cast: Cast) -> None:
    _choose_upload_file(b, "ncnv-candidates.xlsx", XLSX, campaign_xlsx(cast))
    main_of(b).get_by_role("button", name="Upload and preview").click()
    b.page.wait_for_url(re.compile(r"/uploads/\d+$"))
    m = main_of(b)
    j.expect(m.locator(".upload-counts")).to_contain_text("50 rows: 48 matched, 2 ambiguous, 0 unmatched")
    for kind in ("hyphen", "middle", "typo", "alias"):
        row = upload_row(b, cast.line(kind))
        j.expect(row.locator(".upload-badge").first).to_have_text("Matched")
        j.expect(row.get_by_role("link", name=cast.row(kind).person.name, exact=True)).to_be_visible()
    j.expect(upload_row(b, cast.line("wrong")).locator(".upload-badge").first).to_have_text("Ambiguous")
    repeat = upload_row(b, cast.line("repeat"))
    j.expect(repeat.locator(".upload-badge").first).to_have_text("Ambiguous")
    j.expect(repeat).to_contain_text("Line 2 names the same person")
    shot(b, "04-upload-preview")
    m.get_by_role("button", name="Submit for review").click()
    flash(j, b, "a moderator will review the list before anything from it goes on the site")


def _upload_bad_list(j: Journey, b: Browsing, cast: Cast) -> None:
    before = _counts(j.server.app)
    _choose_upload_file(b, "ncnv-more.csv", "text/csv", bad_csv(cast))
    with b.page.expect_navigation() as navigation:
        main_of(b).get_by_role("button", name="Upload and preview").click()
    assert navigation.value is not None and navigation.value.status == 400
    problems = main_of(b).locator(".upload-problems")
    j.expect(problems).to_contain_text("The file was not accepted: nothing was recorded")
    j.expect(problems).to_contain_text("2 problems.")
    rows = problems.locator("tbody tr")
    j.expect(rows).to_have_count(2)
    cells = [[c.strip() for c in rows.nth(i).locator("td").all_inner_texts()] for i in range(2)]
    assert cells[0][:2] == ["3", "date"] and "2024-13-45" in cells[0][2], cells
    assert cells[1][:2] == ["5", "answer"] and "“maybe” is not one of: signed, declined" in cells[1][2], cells
    shot(b, "05-upload-refused")
    assert _counts(j.server.app) == before, "a refused file changed the database"
    b.open("/uploads")
    j.expect(main_of(b).locator("table.upload-list tbody tr")).to_have_count(1)


def _approve_list(j: Journey, b: Browsing, cast: Cast) -> None:
    b.open("/moderation/uploads")
    main_of(b).get_by_role("link", name="ncnv-candidates.xlsx").click()
    b.page.wait_for_url(re.compile(r"/uploads/\d+$"))
    m = main_of(b)
    j.expect(m.locator(".upload-counts")).to_contain_text("2 waiting for a choice")
    wrong = cast.row("wrong")
    upload_row(b, cast.line("wrong")).locator(f'input[type=radio][value="{wrong.person.id}"]').check()
    upload_row(b, cast.line("repeat")).get_by_role("radio", name="Leave this row out", exact=True).check()
    shot(b, "06-upload-review")
    m.get_by_role("button", name="Save choices").click()
    flash(j, b, "Saved (2 rows changed).")
    j.expect(m.locator(".upload-counts")).to_contain_text("1 chosen by hand, 1 left out")
    j.expect(m.locator(".upload-counts")).to_contain_text("0 waiting for a choice")
    m.get_by_role("button", name="Approve and record the list").click()
    flash(j, b, "Recorded 49 rows of the list as one change.")
    j.expect(m.locator(".upload-status")).to_contain_text(f"Recorded (approved by {MODERATOR.name})")


def _approve_statement(j: Journey, b: Browsing, p: Someone) -> int:
    b.open("/moderation")
    row = main_of(b).locator("#pending-h + table tbody tr").filter(has_text=p.name)
    j.expect(row).to_have_count(1)
    j.expect(row).to_contain_text(STATEMENT[:60])
    row.get_by_role("link", name=re.compile(r"^Review")).click()
    b.page.wait_for_url(re.compile(r"/moderation/evidence/\d+$"))
    evidence_id = int(b.page.url.rsplit("/", 1)[-1])
    main_of(b).get_by_role("button", name="Approve", exact=True).click()
    flash(j, b, "Approved: it is on the site now.")
    return evidence_id


def _check_timeline(j: Journey, reader: Browsing) -> None:
    m = main_of(reader)
    section = m.locator("section", has=reader.page.locator("#timeline-h"))
    periods = [" ".join(t.split()) for t in section.locator("tbody tr").all_inner_texts()]
    assert f"{STATEMENT_DAY.day} {STATEMENT_DAY:%b %Y} now {HUMANITARIAN}" in periods, periods
    figure = json.loads(reader.page.locator("#timeline-chart-figure").text_content() or "{}")
    traces = {t.get("name"): t for t in figure.get("data", [])}
    assert HUMANITARIAN in traces, sorted(traces)
    assert STATEMENT_DAY.isoformat() in traces[HUMANITARIAN]["x"], traces[HUMANITARIAN]
    assert STATEMENT_DAY.isoformat() in traces["Stance"]["x"], traces["Stance"]
    j.expect(section.locator(".chart-plot.drawn svg.main-svg").first).to_be_attached()


def _check_person_csv(j: Journey, reader: Browsing) -> None:
    page_data = reader.page.locator("p.page-data", has_text="This page’s data")
    with reader.page.expect_download() as info:
        page_data.get_by_role("link", name="CSV", exact=True).click()
    rows = csv_rows(Path(info.value.path()).read_text(encoding="utf-8"))
    statement = [r for r in rows if r["kind"] == "statement" and r["date"] == STATEMENT_DAY.isoformat()]
    assert len(statement) == 1, rows
    assert statement[0]["summary"] == STATEMENT
    assert statement[0]["stance"] == "humanitarian"
    assert statement[0]["source_url"] == STATEMENT_SOURCE


def _signatures_csv(reader: Browsing) -> dict[str, dict[str, str]]:
    """The campaign's signatures table (its CSV twin), by person."""
    response = reader.page.request.get(reader.url(f"/pledges/{CAMPAIGN}?format=csv&table=signatures"))
    assert response.ok, response.status
    assert response.headers["content-type"].startswith("text/csv"), response.headers
    return {r["person"]: r for r in csv_rows(response.text())}


def _sign_through_own_link(j: Journey, moderator: Browsing, candidate: Browsing, p: Someone) -> None:
    moderator.open(f"/pledges/{CAMPAIGN}")
    main_of(moderator).get_by_role("link", name="Personal signing links").click()
    m = main_of(moderator)
    m.get_by_label("Find a person by name").fill(p.name)
    m.get_by_role("button", name="Find", exact=True).click()
    found = m.locator("ul.people li").filter(has=moderator.page.locator(f'a[href="/people/{p.slug}"]'))
    found.get_by_role("button", name=f"Make a link for {p.name}").click()
    notice = main_of(moderator).locator(".notice[role=status]")
    j.expect(notice).to_contain_text(f"A link for {p.name} is ready")
    link = notice.get_by_label(f"Signing link for {p.name}").input_value()
    shot(moderator, "10-pledge-link")

    go(j, candidate, link)
    m = main_of(candidate)
    j.expect(m).to_contain_text(f"This page is for {p.name} only.")
    shot(candidate, "11-pledge-answer")
    m.get_by_role("button", name="I sign this pledge").click()
    j.expect(candidate.page.get_by_role("heading", level=1)).to_have_text(f"Thank you, {p.name}")
    go(j, candidate, link, status=410)  # used up
    j.expect(candidate.page.get_by_role("heading", level=1)).to_have_text("This pledge link does not work")


def _claim_and_reply(j: Journey, moderator: Browsing, candidate: Browsing, p: Someone) -> str:
    official = f"{p.slug.replace('-', '.')}.mp@parliament.uk"
    password = "candidate-journey-password"
    candidate.open(f"/people/{p.slug}")
    main_of(candidate).get_by_role("link", name="Claim this page").click()
    m = main_of(candidate)
    m.get_by_label("Your name", exact=True).fill(p.name)
    m.get_by_label("Your official email address").fill(official)
    m.get_by_label("A note for the moderators (optional)").fill("I am the candidate; this is my office.")
    m.get_by_label(re.compile(r"^Choose a password")).fill(password)
    shot(candidate, "12-claim")
    m.get_by_role("button", name="Send the claim").click()
    candidate.page.wait_for_url(re.compile(re.escape(f"/people/{p.slug}/claim/sent") + "$"))

    moderator.open("/moderation/claims")
    claim = main_of(moderator).locator("li.review-item").filter(has_text=official)
    j.expect(claim).to_contain_text("parliament.uk: a UK Parliament address")
    claim.get_by_role("button", name=re.compile(r"^Send verification email")).click()
    notice = main_of(moderator).locator(".notice[role=status]")
    j.expect(notice).to_contain_text("was not emailed")
    link = notice.get_by_label("Verification link").input_value()
    shot(moderator, "13-verification-link")

    go(j, candidate, link)
    main_of(candidate).get_by_label("The password you chose when you claimed the page").fill(password)
    main_of(candidate).get_by_role("button", name="Confirm").click()
    flash(j, candidate, f"Thank you: your account now speaks for {p.name}.")
    candidate.page.wait_for_url(re.compile(re.escape(f"/people/{p.slug}") + "$"))
    candidate.wait_for_charts()
    day = f"{STATEMENT_DAY.day} {STATEMENT_DAY:%b %Y}"
    main_of(candidate).get_by_role("link", name=f"Reply to this evidence of {day}").first.click()
    m = main_of(candidate)
    j.expect(m.locator(".answering")).to_contain_text(STATEMENT)
    body = "I said that at the hustings, and I have since signed the No Ceasefire No Vote pledge."
    m.get_by_label(re.compile(r"^Your response")).fill(body)
    shot(candidate, "14-reply-form")
    m.get_by_role("button", name="Send for review").click()
    flash(j, candidate, "a moderator will check that your response is in order")

    moderator.open("/moderation/replies")
    waiting = main_of(moderator).locator("li.review-item").filter(has_text=body)
    j.expect(waiting).to_contain_text(STATEMENT)
    waiting.get_by_role("button", name=re.compile(r"^Approve")).click()
    flash(j, moderator, "approved: it is on the page now")
    return body


def _fill_edit(b: Browsing, summary: str, reason: str) -> None:
    m = main_of(b)
    m.get_by_label("What did they say or do? In your own words").fill(summary)
    m.get_by_label("Why are you changing it? (shown in the history)").fill(reason)


def _edit_summary(j: Journey, b: Browsing, evidence_id: int, summary: str, reason: str) -> None:
    b.open(f"/moderation/evidence/{evidence_id}/edit")
    _fill_edit(b, summary, reason)
    main_of(b).get_by_role("button", name="Save").click()
    b.page.wait_for_url(re.compile(rf"/moderation/evidence/{evidence_id}$"))


def _restore(j: Journey, b: Browsing, p: Someone, evidence_id: int) -> None:
    b.open(f"/people/{p.slug}/history")
    revisions = main_of(b).locator("li.revision").filter(
        has_text=re.compile(rf"\bEvidence {evidence_id}, revision \d+\."))
    # Newest first: the vandal's edit, then the moderator's approval (the good text), then the submission.
    j.expect(revisions).to_have_count(3)
    j.expect(revisions.first).to_contain_text(VANDALISED)
    good = revisions.nth(1)
    good.locator("summary", has_text="Restore").click()
    good.get_by_label("Why restore it? (shown in the history)").fill("Vandalism: back to the sourced summary")
    shot(b, "16-history-restore")
    good.get_by_role("button", name="Restore").click()
    flash(j, b, "Restored as it stood after revision")
