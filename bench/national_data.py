"""The synthetic national load of bench/national.py, written on top of `import all`.

Everything is made from one seeded ``random.Random``, so two runs at the same scale
write the same rows. Rows go in through SQLAlchemy core inserts of lists of dicts,
in batches, into tables reflected from the database (not the models), so the load
follows whatever schema the migrations made. Ids are handed out here (max(id) + 1
onwards) so that rows can point at each other without reading them back; on
PostgreSQL the id sequences are moved past them at the end.

What it adds, at scale 1:
- about 18,000 councillors in 380 of the imported current councils: a person, a
  council seat (as ``import councillors`` makes them), a party affiliation, and for
  some of them a second affiliation after leaving their party mid-term;
- 2,000 Commons divisions with a vote by every MP sitting that day (about 1.3
  million votes); a few are tracked on "ceasefire" or "palestine-action", with what an
  aye and a no mean taken from the topic's scale in data/topics;
- 100,000 approved, sourced evidence rows about councillors, candidates and MPs, and
  a revision for each (in one change set when the schema has change sets).
"""

from __future__ import annotations

import random
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

MARKER_KEY = "bench:national"  # Source.key of the load's own source: says a database holds it
ACTOR = "bench:national"
STAMP = datetime(2026, 11, 1, 12, 0, 0)  # every created_at/reviewed_at of the load
BATCH = 5000

COUNCILS = 380
COUNCILLORS = 18_000
DIVISIONS = 2_000
EVIDENCE = 100_000

FIRST_NAMES = (
    "Aisha", "Adam", "Alan", "Alice", "Amanda", "Amir", "Andrew", "Angela", "Anna", "Asif",
    "Barbara", "Ben", "Bernard", "Carol", "Catherine", "Charlotte", "Chris", "Claire", "Colin",
    "Daniel", "David", "Deborah", "Dylan", "Eleanor", "Elizabeth", "Emma", "Fatima", "Fiona",
    "Gareth", "Gemma", "Graham", "Hannah", "Harry", "Helen", "Ian", "Imran", "Jack", "James",
    "Jane", "Jasmine", "Jennifer", "John", "Jonathan", "Joseph", "Julie", "Karen", "Kate",
    "Kevin", "Laura", "Liam", "Linda", "Lucy", "Mark", "Martin", "Mary", "Matthew", "Michael",
    "Mohammed", "Naomi", "Neil", "Nicola", "Oliver", "Paul", "Peter", "Priya", "Rachel", "Raj",
    "Rebecca", "Richard", "Robert", "Ruth", "Sam", "Sarah", "Shabana", "Simon", "Sophie",
    "Stephen", "Susan", "Tariq", "Thomas", "Tracey", "Victoria", "William", "Yasmin", "Zoe",
)
SURNAMES = (
    "Ahmed", "Ali", "Allen", "Anderson", "Bailey", "Baker", "Begum", "Bell", "Bennett", "Brown",
    "Campbell", "Carter", "Chapman", "Clark", "Clarke", "Collins", "Cook", "Cooper", "Davies",
    "Davis", "Edwards", "Evans", "Fisher", "Foster", "Gray", "Green", "Griffiths", "Hall",
    "Harris", "Harrison", "Hill", "Hughes", "Hussain", "Jackson", "James", "Johnson", "Jones",
    "Kaur", "Kelly", "Khan", "King", "Lee", "Lewis", "Marshall", "Martin", "Mason", "Miah",
    "Mitchell", "Moore", "Morgan", "Morris", "Murphy", "Murray", "Owen", "Parker", "Patel",
    "Phillips", "Price", "Rahman", "Richards", "Roberts", "Robinson", "Rogers", "Russell",
    "Scott", "Shaw", "Singh", "Smith", "Stewart", "Taylor", "Thomas", "Thompson", "Turner",
    "Walker", "Ward", "Watson", "White", "Williams", "Wilson", "Wood", "Wright", "Young",
)
WARDS = ("Central", "North", "South", "East", "West", "Park", "Abbey", "Castle", "Riverside",
         "Market", "Hill", "Green", "Bridge", "Church", "Priory", "Meadows", "Valley", "Heath")
COUNCIL_PARTIES = {  # party slug -> weight among councillors
    "labour": 33, "conservative": 28, "liberal-democrat": 15, "green": 8, "independent": 8,
    "reform-uk": 4, "scottish-national-party": 2, "plaid-cymru": 2,
}
LEFT_FOR = {"independent": 6, "green": 2, "workers-party": 1}  # where those who leave go
ELECTION_DAYS = (date(2021, 5, 6), date(2022, 5, 5), date(2023, 5, 4), date(2024, 5, 2),
                 date(2025, 5, 1))
BILLS = ("Finance", "Employment Rights", "Renters' Rights", "Planning and Infrastructure",
         "Border Security", "Children's Wellbeing and Schools", "Crime and Policing", "Energy",
         "Water", "Railways", "Data", "Pension Schemes", "Armed Forces", "Housing", "Health")
STAGES = ("Second Reading", "Committee stage: new clause", "Report stage: amendment",
          "Third Reading", "Lords amendment", "Programme motion")
OPPOSITION_DAYS = ("the cost of living", "the NHS", "policing", "farming", "energy bills",
                   "schools", "housing", "defence", "the economy", "immigration")
SITTING_FROM, SITTING_TO = date(2020, 1, 6), date(2026, 10, 29)
DISSOLVED = (date(2024, 5, 30), date(2024, 7, 17))  # no Commons between the two
CEASEFIRE_FROM, CEASEFIRE_TO = date(2023, 10, 9), date(2026, 10, 30)
PROSCRIPTION_FROM = date(2025, 6, 23)
EVIDENCE_KINDS = {"statement": 55, "report": 22, "pledge": 23}  # party switches come on top


@dataclass(frozen=True)
class Scale:
    """How much of the national load to make: 1.0 is the whole of it."""

    fraction: float

    def count(self, full: int) -> int:
        return max(1, round(full * self.fraction))


@dataclass
class Tables:
    """The database's own tables (reflected), and the next free id of each."""

    engine: Engine
    meta: sa.MetaData = field(default_factory=sa.MetaData)
    next_ids: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.meta.reflect(bind=self.engine)

    def __getitem__(self, name: str) -> sa.Table:
        return self.meta.tables[name]

    def has(self, name: str, column: str | None = None) -> bool:
        table = self.meta.tables.get(name)
        return table is not None and (column is None or column in table.c)

    def ids(self, conn: Connection, name: str, n: int) -> range:
        """``n`` fresh ids of ``name``, after its largest one."""
        if name not in self.next_ids:
            table = self[name]
            self.next_ids[name] = (conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0) + 1
        start = self.next_ids[name]
        self.next_ids[name] = start + n
        return range(start, start + n)

    def insert(self, conn: Connection, name: str, rows: Iterable[dict[str, Any]]) -> int:
        """Insert ``rows`` in batches, keeping only the columns the table has."""
        table = self[name]
        columns = set(table.c.keys())
        total = 0
        for batch in _batches(rows, BATCH):
            conn.execute(table.insert(), [{k: v for k, v in row.items() if k in columns}
                                          for row in batch])
            total += len(batch)
        return total


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def slugify(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


@dataclass(frozen=True)
class TopicScale:
    slug: str
    default: str
    stances: tuple[tuple[str, str, str], ...]  # (key, label, side) without the default


def read_scales(data_dir: Path) -> dict[str, TopicScale]:
    scales = {}
    for path in sorted((data_dir / "topics").glob("*.toml")):
        raw = tomllib.loads(path.read_text())
        stances = tuple((s["key"], s["label"], s.get("side", "none")) for s in raw["stances"]
                        if s["key"] != raw["default"])
        scales[raw["slug"]] = TopicScale(raw["slug"], raw["default"], stances)
    return scales


@dataclass(frozen=True)
class Seat:
    person_id: int
    party_id: int | None
    start: date | None
    end: date | None

    def sits_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass
class World:
    """What the load reads from the imported data, and what it made so far."""

    topics: dict[str, int]
    parties: dict[str, int]
    party_names: dict[str, str]
    councils: list[tuple[int, str, str]]  # area id, slug, name
    council_bodies: dict[int, int]  # area id -> body id
    commons_id: int
    mp_seats: list[Seat]
    candidates: list[int]
    person_slugs: set[str]
    councillors: list[int] = field(default_factory=list)
    leavers: list[tuple[int, date, str, str]] = field(default_factory=list)  # person, day, from, to


def read_world(conn: Connection, t: Tables) -> World:
    topic, party, area, body = t["topic"], t["party"], t["area"], t["body"]
    membership, candidacy, person = t["membership"], t["candidacy"], t["person"]
    councils = [tuple(r) for r in conn.execute(
        sa.select(area.c.id, area.c.slug, area.c.name)
        .where(area.c.kind == "council", area.c.valid_to.is_(None)).order_by(area.c.slug))]
    council_bodies = {r.area_id: r.id for r in conn.execute(
        sa.select(body.c.id, body.c.area_id).where(body.c.kind == "council").order_by(body.c.id))}
    commons_id = conn.execute(sa.select(body.c.id).where(body.c.kind == "commons")
                              .order_by(body.c.id)).scalar()
    if commons_id is None or not councils:
        raise SystemExit("the database holds no Commons or no councils: did `import all` run?")
    seats = [Seat(r.person_id, r.party_id, r.start_date, r.end_date) for r in conn.execute(
        sa.select(membership.c.person_id, membership.c.party_id, membership.c.start_date,
                  membership.c.end_date)
        .where(membership.c.body_id == commons_id).order_by(membership.c.id))]
    return World(
        topics={r.slug: r.id for r in conn.execute(sa.select(topic.c.slug, topic.c.id))},
        parties={r.slug: r.id for r in conn.execute(sa.select(party.c.slug, party.c.id))},
        party_names={r.slug: r.name for r in conn.execute(sa.select(party.c.slug, party.c.name))},
        councils=councils,  # type: ignore[arg-type]
        council_bodies=council_bodies, commons_id=commons_id, mp_seats=seats,
        candidates=list(conn.execute(sa.select(candidacy.c.person_id).distinct()
                                     .order_by(candidacy.c.person_id)).scalars()),
        person_slugs=set(conn.execute(sa.select(person.c.slug)).scalars()))


def _weighted(rng: random.Random, weights: dict[str, int], known: dict[str, int]) -> str:
    options = [(k, w) for k, w in weights.items() if k in known]
    return rng.choices([k for k, _ in options], [w for _, w in options])[0]


def _source(t: Tables, conn: Connection, url: str, key: str, publisher: str, title: str,
            day: date | None) -> dict[str, Any]:
    return {"id": t.ids(conn, "source", 1)[0], "url": url, "key": key, "publisher": publisher,
            "title": title, "published_on": day}


# -- councillors --------------------------------------------------------------------

def add_councillors(conn: Connection, t: Tables, world: World, rng: random.Random,
                    scale: Scale) -> dict[str, int]:
    councils = rng.sample(world.councils, min(scale.count(COUNCILS), len(world.councils)))
    councils.sort(key=lambda c: c[1])
    total = scale.count(COUNCILLORS)
    weights = [rng.uniform(0.4, 1.6) for _ in councils]
    sizes = [max(1, round(total * w / sum(weights))) for w in weights]
    register = _source(t, conn, "https://bench.example/council-registers", "bench:councils",
                       "bench", "Synthetic councillor registers", None)
    t.insert(conn, "source", [register])
    people, names, seats, affiliations = [], [], [], []
    for (area_id, council_slug, _name), size in zip(councils, sizes, strict=True):
        body_id = _council_body(conn, t, world, area_id, council_slug, _name)
        elected = rng.choice(ELECTION_DAYS)
        for n, person_id in enumerate(t.ids(conn, "person", size)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
            name = f"{first} {last}"
            slug = _claim(world.person_slugs, slugify(name), council_slug)
            people.append({"id": person_id, "name": name, "sort_name": f"{last}, {first}",
                           "slug": slug})
            names.append({"id": t.ids(conn, "person_name", 1)[0], "person_id": person_id,
                          "name": name, "origin": "bench-register", "official": False,
                          "source_id": register["id"]})
            party = _weighted(rng, COUNCIL_PARTIES, world.parties)
            start = elected if rng.random() < 0.9 else elected + timedelta(days=rng.randint(90, 900))
            end = start + timedelta(days=rng.randint(200, 1200)) if rng.random() < 0.06 else None
            seats.append({
                "id": t.ids(conn, "membership", 1)[0], "person_id": person_id, "body_id": body_id,
                "area_id": area_id, "party_id": world.parties[party], "start_date": start,
                "end_date": end, "start_reason": "election", "end_reason": "resigned" if end else None,
                "role": f"councillor ({rng.choice(WARDS)} {rng.choice(('Ward', 'Division'))})",
                "external_id": f"bench:council:{council_slug}:{n}", "source_id": register["id"]})
            left = _leaves(rng, party, start, end)
            affiliations.append({"id": t.ids(conn, "affiliation", 1)[0], "person_id": person_id,
                                 "party_id": world.parties[party], "start_date": start,
                                 "end_date": left, "source_id": register["id"],
                                 "note": "Left over the party's stance on Gaza." if left else None})
            if left is not None:
                new = _weighted(rng, LEFT_FOR, world.parties)
                affiliations.append({"id": t.ids(conn, "affiliation", 1)[0], "person_id": person_id,
                                     "party_id": world.parties[new], "start_date": left,
                                     "end_date": None, "source_id": register["id"], "note": None})
                world.leavers.append((person_id, left, party, new))
            world.councillors.append(person_id)
    counts = {"councils": len(councils), "person": t.insert(conn, "person", people)}
    counts["person_name"] = t.insert(conn, "person_name", names)
    counts["membership"] = t.insert(conn, "membership", seats)
    counts["affiliation"] = t.insert(conn, "affiliation", affiliations)
    return counts


def _council_body(conn: Connection, t: Tables, world: World, area_id: int, slug: str,
                  name: str) -> int:
    """The council's Body, as ``council_index`` makes it when a council has none."""
    if area_id not in world.council_bodies:
        body_id = t.ids(conn, "body", 1)[0]
        taken = set(conn.execute(sa.select(t["body"].c.slug)).scalars())
        t.insert(conn, "body", [{"id": body_id, "slug": _claim(taken, slug), "name": name,
                                 "kind": "council", "area_id": area_id}])
        world.council_bodies[area_id] = body_id
    return world.council_bodies[area_id]


def _claim(taken: set[str], *candidates: str) -> str:
    for option in candidates:
        if option not in taken:
            taken.add(option)
            return option
    n = 2
    while f"{candidates[0]}-{n}" in taken:
        n += 1
    taken.add(f"{candidates[0]}-{n}")
    return f"{candidates[0]}-{n}"


def _leaves(rng: random.Random, party: str, start: date, end: date | None) -> date | None:
    """Some councillors leave their party mid-term (most of them Labour, over Gaza)."""
    chance = 0.08 if party == "labour" else 0.015
    if rng.random() >= chance:
        return None
    earliest = max(start + timedelta(days=30), CEASEFIRE_FROM)
    latest = min(end or SITTING_TO, SITTING_TO)
    if earliest >= latest:
        return None
    return earliest + timedelta(days=rng.randint(0, (latest - earliest).days))


# -- divisions and votes ----------------------------------------------------------------

def sitting_days(rng: random.Random, n: int) -> list[date]:
    days = []
    day = SITTING_FROM
    while day <= SITTING_TO:
        if day.weekday() < 4 and not DISSOLVED[0] <= day <= DISSOLVED[1]:
            days.append(day)
        day += timedelta(days=1)
    return sorted(rng.choices(days, k=n))


def add_divisions(conn: Connection, t: Tables, world: World, rng: random.Random, scale: Scale,
                  scales: dict[str, TopicScale]) -> dict[str, int]:
    days = sitting_days(rng, scale.count(DIVISIONS))
    taken = set(conn.execute(sa.select(t["division"].c.slug)).scalars())
    first_commons_id = 900_000
    divisions, sources, whips = [], [], []
    counts = {"division": 0, "vote": 0, "tracked": 0, "whip": 0}
    number_on: dict[date, int] = {}
    votes: list[dict[str, Any]] = []
    for i, day in enumerate(days):
        number_on[day] = number_on.get(day, 0) + 1
        division_id = t.ids(conn, "division", 1)[0]
        title = _title(rng)
        topic, aye_means, no_means = _tracking(rng, day, scales)
        commons_id = first_commons_id + i
        source = _source(t, conn, f"https://votes.parliament.uk/votes/commons/division/{commons_id}",
                         f"bench:division:{commons_id}", "UK Parliament (synthetic)", title, day)
        sources.append(source)
        sitting = [s for s in world.mp_seats if s.sits_on(day)]
        lines = _party_lines(rng, sitting)
        positions = _positions(rng, sitting, lines)
        ayes = sum(p in ("aye", "teller_aye") for p in positions)
        noes = sum(p in ("no", "teller_no") for p in positions)
        divisions.append({
            "id": division_id, "slug": _claim(taken, f"{day.isoformat()}-{slugify(title)}"[:140]),
            "body_id": world.commons_id, "topic_id": world.topics.get(topic) if topic else None,
            "division_date": day, "number": number_on[day], "title": title,
            "question": f"That the question be now put: {title}.", "plain_summary": "",
            "aye_means": aye_means, "no_means": no_means, "aye_count": ayes, "no_count": noes,
            "result": "Agreed" if ayes > noes else "Rejected", "votes_complete": True,
            "known_gaps": "", "commons_division_id": commons_id, "source_id": source["id"]})
        vote_ids = iter(t.ids(conn, "vote", len(sitting)))
        votes.extend({"id": next(vote_ids), "division_id": division_id, "person_id": s.person_id,
                      "position": p, "party_id": s.party_id, "source_id": source["id"]}
                     for s, p in zip(sitting, positions, strict=True))
        if topic:
            counts["tracked"] += 1
            whips.extend({"id": t.ids(conn, "whip", 1)[0], "division_id": division_id,
                          "party_id": party_id, "whip": line, "basis": "Synthetic whip (benchmark).",
                          "source_id": source["id"]} for party_id, line in sorted(lines.items()))
        if len(votes) >= 50 * BATCH:  # divisions first: votes point at them
            _flush_divisions(conn, t, sources, divisions, votes, counts)
    _flush_divisions(conn, t, sources, divisions, votes, counts)
    counts["whip"] = t.insert(conn, "whip", whips)
    return counts


def _flush_divisions(conn: Connection, t: Tables, sources: list[dict[str, Any]],
                     divisions: list[dict[str, Any]], votes: list[dict[str, Any]],
                     counts: dict[str, int]) -> None:
    t.insert(conn, "source", sources)
    counts["division"] += t.insert(conn, "division", divisions)
    counts["vote"] += t.insert(conn, "vote", votes)
    sources.clear()
    divisions.clear()
    votes.clear()


def _title(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return f"Opposition Day: {rng.choice(OPPOSITION_DAYS)}"
    return f"{rng.choice(BILLS)} Bill: {rng.choice(STAGES)}"


def _tracking(rng: random.Random, day: date,
              scales: dict[str, TopicScale]) -> tuple[str | None, str | None, str | None]:
    """Most divisions are untracked; a few bear on a topic, with what each lobby means."""
    roll = rng.random()
    for topic, chance, since in (("ceasefire", 0.03, CEASEFIRE_FROM),
                                 ("palestine-action", 0.01, PROSCRIPTION_FROM)):
        if day >= since and topic in scales and roll < chance:
            stances = scales[topic].stances
            support = [k for k, _, side in stances if side == "support"] or [stances[0][0]]
            oppose = [k for k, _, side in stances if side == "oppose"] or [stances[-1][0]]
            aye, no = rng.choice(support), rng.choice(oppose)
            if rng.random() < 0.3:
                aye, no = no, aye
            return topic, aye, (no if rng.random() < 0.85 else None)
        roll -= chance
    return None, None, None


def _party_lines(rng: random.Random, sitting: Sequence[Seat]) -> dict[int, str]:
    return {party: rng.choice(("aye", "no")) for party in sorted({s.party_id for s in sitting
                                                                  if s.party_id is not None})}


def _positions(rng: random.Random, sitting: Sequence[Seat], lines: dict[int, str]) -> list[str]:
    positions = []
    for seat in sitting:
        line = lines.get(seat.party_id or 0) or rng.choice(("aye", "no"))
        roll = rng.random()
        if roll < 0.12:
            positions.append("no_vote_recorded")
        elif roll < 0.15:
            positions.append("no" if line == "aye" else "aye")
        else:
            positions.append(line)
    for lobby in ("aye", "no"):  # two tellers each side
        voters = [i for i, p in enumerate(positions) if p == lobby]
        for i in rng.sample(voters, min(2, len(voters))):
            positions[i] = f"teller_{lobby}"
    return positions


# -- evidence and its revisions -------------------------------------------------------

def add_evidence(conn: Connection, t: Tables, world: World, rng: random.Random, scale: Scale,
                 scales: dict[str, TopicScale], change_set_id: int | None) -> dict[str, int]:
    total = scale.count(EVIDENCE)
    mps = sorted({s.person_id for s in world.mp_seats})
    groups = [(world.councillors, 50), (world.candidates, 25), (mps, 25)]
    outlets = [f"https://news-{n:02d}.bench.example" for n in range(40)]
    sources = [_source(t, conn, f"{rng.choice(outlets)}/politics/{n}", f"bench:article:{n}",
                       f"News {n % 40:02d} (synthetic)", f"Article {n}", None)
               for n in range(max(1, total // 5))]
    t.insert(conn, "source", sources)
    rows = []
    for person_id, left, old, new in world.leavers[:total]:
        rows.append(_evidence_row(conn, t, world, person_id, "ceasefire", "party_switch",
                                  _support(scales["ceasefire"]), left, rng.choice(sources)["id"],
                                  f"Left the {world.party_names[old]} group over its stance "
                                  f"on Gaza; now sits for {world.party_names[new]}.", None))
    while len(rows) < total:
        people = rng.choices([g for g, _ in groups if g], [w for g, w in groups if g])[0]
        topic = "palestine-action" if rng.random() < 0.15 and "palestine-action" in scales \
            else "ceasefire"
        scale_ = scales[topic]
        key, label, _side = rng.choice(scale_.stances)
        since = PROSCRIPTION_FROM if topic == "palestine-action" else CEASEFIRE_FROM
        day = since + timedelta(days=rng.randint(0, (CEASEFIRE_TO - since).days))
        kind = rng.choices(list(EVIDENCE_KINDS), list(EVIDENCE_KINDS.values()))[0]
        quote = f"\u201c{label}, and I will keep saying so.\u201d" if rng.random() < 0.3 else None
        rows.append(_evidence_row(conn, t, world, rng.choice(people), topic, kind, key, day,
                                  rng.choice(sources)["id"], f"{kind.capitalize()}: {label}.",
                                  quote))
    counts = {"source": len(sources), "evidence": t.insert(conn, "evidence", rows)}
    counts["revision"] = t.insert(conn, "revision", (
        revision_row(conn, t, "evidence", row, change_set_id, subject=("person", row["person_id"]))
        for row in rows))
    return counts


def _support(scale: TopicScale) -> str:
    return next((k for k, _, side in scale.stances if side == "support"), scale.stances[0][0])


def _evidence_row(conn: Connection, t: Tables, world: World, person_id: int, topic: str,
                  kind: str, stance: str, day: date, source_id: int, summary: str,
                  quote: str | None) -> dict[str, Any]:
    evidence_id = t.ids(conn, "evidence", 1)[0]
    return {"id": evidence_id, "topic_id": world.topics[topic], "person_id": person_id,
            "party_id": None, "kind": kind, "stance": stance, "evidence_date": day,
            "summary": summary, "quote": quote, "source_id": source_id, "pledge_id": None,
            "status": "approved", "reviewed_at": STAMP, "created_at": STAMP,
            "review_reason": "Synthetic national load (benchmark)",
            "external_key": f"bench:evidence:{evidence_id}"}


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in row.items()}


def revision_row(conn: Connection, t: Tables, table: str, row: dict[str, Any],
                 change_set_id: int | None, subject: tuple[str, int | None]) -> dict[str, Any]:
    """A "create" revision of ``row``, in whichever shape the revision table has today.

    Before change sets a revision carries its actor and time; after migration 0005 it
    points at a change set and names its subject. Columns the table lacks are dropped
    by ``Tables.insert``.
    """
    subject_table, subject_id = subject if subject[1] is not None else (table, row["id"])
    return {"id": t.ids(conn, "revision", 1)[0], "table_name": table, "record_id": row["id"],
            "action": "create", "before": None, "after": _jsonable(row),
            "actor": ACTOR, "user_id": None, "created_at": STAMP, "reason": None,
            "source": "bench/national.py", "change_set_id": change_set_id,
            "subject_table": subject_table, "subject_id": subject_id}


def add_change_set(conn: Connection, t: Tables, note: str) -> int | None:
    """One change set for the whole load, when the schema has change sets."""
    if not t.has("change_set"):
        return None
    change_set_id = t.ids(conn, "change_set", 1)[0]
    now = datetime.now(UTC).replace(tzinfo=None)
    t.insert(conn, "change_set", [{"id": change_set_id, "actor": ACTOR, "user_id": None,
                                   "source": "bench/national.py", "reason": note,
                                   "created_at": now, "committed_at": now}])
    return change_set_id


# -- the whole load ------------------------------------------------------------------------

def marker(engine: Engine) -> str | None:
    """The note of the load's marker source ("scale=... seed=..."), if the database holds one."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("source"):
            return None
        return conn.execute(sa.text("SELECT note FROM source WHERE key = :k"),
                            {"k": MARKER_KEY}).scalar()


def describe(scale: Scale, seed: int) -> str:
    return f"scale={scale.fraction:g} seed={seed}"


def load(engine: Engine, data_dir: Path, scale: Scale, seed: int,
         log: Any = print) -> dict[str, int]:
    """Write the whole synthetic load in one transaction; return row counts."""
    rng = random.Random(seed)
    scales = read_scales(data_dir)
    t = Tables(engine)
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        world = read_world(conn, t)
        note = describe(scale, seed)
        t.insert(conn, "source", [{**_source(t, conn, "https://bench.example/national", MARKER_KEY,
                                             "bench", "Synthetic national load", None),
                                   "note": note}])
        change_set_id = add_change_set(conn, t, f"synthetic national load ({note})")
        for label, step in (
            ("councillors", lambda: add_councillors(conn, t, world, rng, scale)),
            ("divisions", lambda: add_divisions(conn, t, world, rng, scale, scales)),
            ("evidence", lambda: add_evidence(conn, t, world, rng, scale, scales, change_set_id)),
        ):
            started = datetime.now()
            added = step()
            log(f"  {label}: {', '.join(f'{v:,} {k}' for k, v in added.items())} "
                f"({(datetime.now() - started).total_seconds():.1f}s)")
            counts.update({f"{label}.{k}": v for k, v in added.items()})
        if t.has("data_version"):
            conn.execute(sa.text("UPDATE data_version SET version = version + 1"))
        if engine.dialect.name == "postgresql":
            for name in t.next_ids:
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                                     f"(SELECT MAX(id) FROM \"{name}\"))"))
    return counts
