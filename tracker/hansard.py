"""Hansard paragraph ids (``uk.org.publicwhip/debate/2024-02-21c.803.6``) and the dataset
of recorded decision texts: shared by the decisions importer and the decision pages.
"""

from __future__ import annotations

import re

# The Source of every recorded decision text (motion-detector); pages find it by this key.
MOTION_DETECTOR_SOURCE_KEY = "parl-motion-detector"
GID = re.compile(r"^uk\.org\.publicwhip/debate/(\d{4}-\d{2}-\d{2})([a-z]?)\.(\d+(?:\.\d+)*)$")


def gid_order(gid: str) -> tuple[str, str, tuple[int, ...]]:
    """Where a Hansard paragraph comes in the day's record: '...2024-02-21c.803.6.3'."""
    match = GID.match(gid)
    if match is None:
        raise ValueError(f"{gid!r} is not a Hansard debate id")
    day, letter, numbers = match.groups()
    return day, letter, tuple(int(n) for n in numbers.split("."))
