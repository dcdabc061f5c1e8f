"""How many rows a dataset must hold at least to be what it claims: all in one place.

A truncated or header-only file is refused, naming the file and the count found,
before anything is written: a header-only ``constituencies_2024.csv`` once made the
2010 set's rows take over the codes of current constituencies.

A file claims a dataset in one of two ways:

- by the command option it is given to, when that option only ever takes one
  dataset (``import constituencies --file-2024``, ``import ge2024 --candidates``):
  the minimum holds whatever the file is called;
- by its name, when it is named as a file of ``shared/data`` (and so of the shipped
  snapshot, which holds the same files): ``import all``, ``--data-dir`` and a file
  given by hand with that name. A list of one's own under another name (a campaign's
  councillors, a partial vote list, a few motions) has no minimum here.

Whatever its name, every row of every file must have as many fields as the header
(tracker/importers/base.py, ``read_csv``).

The minima are the row counts of the real files (shared/data/README.md), except
where a later edition may hold fewer for a good reason; "why" says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Dataset:
    key: str
    file_name: str  # as in shared/data and the snapshot
    minimum_rows: int
    what: str  # "the 2024 constituencies"
    why: str  # where the minimum comes from


DATASETS = (
    Dataset("constituencies_2024", "constituencies_2024.csv", 650,
            "the 2024 Westminster constituencies", "one row per seat: there are 650"),
    Dataset("constituencies_2010", "constituencies_2010-2024_boundaries.csv", 650,
            "the 2010-2024 Westminster constituencies", "one row per seat: there were 650"),
    Dataset("mps_2019_parliament", "mps_2019_parliament_memberships.csv", 650,
            "the Commons memberships of the 2019 Parliament",
            "every seat had a member (705 rows with by-elections and party changes)"),
    Dataset("mps_sitting_2023", "mps_sitting_2023-11-15.csv", 650,
            "the MPs sitting on 15 Nov 2023", "650 seats, no vacancy that day"),
    Dataset("mps_elected_2024", "mps_2024_elected_ge2024.csv", 650,
            "the MPs elected on 4 Jul 2024", "650 seats"),
    Dataset("mps_2024_parliament", "mps_2024_parliament_memberships.csv", 650,
            "the Commons memberships of the 2024 Parliament",
            "650 elected, more with by-elections and party changes (697 rows so far)"),
    Dataset("ge2024_candidates", "HoC-GE2024-results-by-candidate.csv", 4515,
            "the GE2024 results by candidate",
            "4,515 candidates stood; the results are final"),
    Dataset("ge2024_seats", "HoC-GE2024-results-by-constituency.csv", 650,
            "the GE2024 results by constituency", "650 seats"),
    Dataset("ge2024_democracy_club", "democracyclub_ge2024_candidates.csv", 4515,
            "Democracy Club's GE2024 candidates", "the same 4,515 candidacies"),
    Dataset("councils_register", "uk_local_authorities.csv", 470,
            "mySociety's register of UK local authorities",
            "470 councils, 397 current: the register keeps former councils, so it only grows"),
    Dataset("councillors_left_labour_2023", "councillors_left_labour_over_gaza_2023.csv", 37,
            "the councillors who left Labour over Gaza in 2023", "37 named in the news pages"),
    Dataset("edm_signatures", "edm_signatures_2023-10_to_2026-09.csv", 5000,
            "the EDM signatures Oct 2023 to Sep 2026",
            "5,691 signatures of 174 motions; a refetch may drop a few repeated or out-of-scope "
            "ones, not hundreds"),
    Dataset("labour_ayes_indy100", "labour_ayes_2023-11-15_PARTIAL_indy100.csv", 33,
            "indy100's (partial) list of Labour ayes of 15 Nov 2023",
            "the 33 names the readable part of the page holds"),
    # The decisions importer's two files are checked against data/decisions.toml instead:
    # every text a decision needs must be there (tracker/importers/decisions.py).
)
BY_KEY = {d.key: d for d in DATASETS}
BY_FILE_NAME = {d.file_name: d for d in DATASETS}


def dataset_of(path: Path, key: str | None = None) -> Dataset | None:
    """The dataset a file claims to be: the one ``key`` names, else the one named like it."""
    if key is not None:
        return BY_KEY[key]
    return BY_FILE_NAME.get(Path(path).name)


def shortfall(path: Path, rows: int, key: str | None = None) -> str | None:
    """Why a file of ``rows`` rows is too short for the dataset it claims to be, if it is."""
    dataset = dataset_of(path, key)
    if dataset is None or rows >= dataset.minimum_rows:
        return None
    found = "no rows, only a header" if rows == 0 else f"{rows:,} row{'s' if rows != 1 else ''}"
    return (f"holds {found}: too short to be {dataset.what}, which has at least "
            f"{dataset.minimum_rows:,} rows ({dataset.why}). Is it truncated?")
