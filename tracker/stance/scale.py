"""A topic's stance scale, loaded from a TOML file in ``data/topics``.

The scale is data, not code: the stances, their labels, colours, ranks and
sides, and the relative strength of each kind of evidence all come from the
file, so the engine never hard-codes anything about a particular topic.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

SIDES = frozenset({"support", "oppose", "none"})
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_STANCE_STRINGS = ("key", "label", "short", "description", "colour", "text_colour", "side")
_TOP_STRINGS = ("slug", "name", "question", "default")

_Fail = Callable[[str], "ScaleError"]


class ScaleError(ValueError):
    """A topic file is malformed. The message names the file and the problem."""


@dataclass(frozen=True)
class StanceLevel:
    key: str
    label: str
    short: str
    description: str
    colour: str
    text_colour: str
    rank: int
    side: str


@dataclass(frozen=True)
class Scale:
    slug: str
    name: str
    question: str
    default: str
    stances: tuple[StanceLevel, ...]
    strength: Mapping[str, int]

    def __post_init__(self) -> None:
        # Read-only view so a shared (cached) scale cannot be mutated by callers.
        object.__setattr__(self, "strength", MappingProxyType(dict(self.strength)))
        # Levels by key: the engine looks a stance up several times per item.
        object.__setattr__(self, "_levels", {level.key: level for level in self.stances})

    def __hash__(self) -> int:
        strength = tuple(sorted(self.strength.items()))
        return hash((self.slug, self.name, self.question, self.default, self.stances, strength))

    def __getitem__(self, key: str) -> StanceLevel:
        level = self.get(key)
        if level is None:
            raise KeyError(self._unknown_stance(key))
        return level

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[StanceLevel]:
        return iter(self.stances)

    def __len__(self) -> int:
        return len(self.stances)

    def get(self, key: str) -> StanceLevel | None:
        """The level for ``key``, or None when it is not on this scale."""
        return self._levels.get(key)  # type: ignore[attr-defined, no-any-return]

    def keys(self) -> tuple[str, ...]:
        """Stance keys in file order (the order used for charts and tables)."""
        return tuple(level.key for level in self.stances)

    def is_valid(self, key: str | None) -> bool:
        return key is not None and key in self

    def level(self, key: str) -> StanceLevel:
        """Like ``scale[key]`` but raises ValueError, like the other helpers."""
        level = self.get(key)
        if level is None:
            raise ValueError(self._unknown_stance(key))
        return level

    def label(self, key: str) -> str:
        return self.level(key).label

    def side(self, key: str) -> str:
        return self.level(key).side

    def rank(self, key: str) -> int:
        return self.level(key).rank

    def strength_of(self, kind: str) -> int:
        """Strength of an evidence kind; ValueError (not KeyError) if unknown."""
        try:
            return self.strength[kind]
        except KeyError:
            known = ", ".join(self.strength)
            raise ValueError(
                f"unknown evidence kind {kind!r} for topic {self.slug!r}; expected one of: {known}"
            ) from None

    def _unknown_stance(self, key: object) -> str:
        return (
            f"unknown stance {key!r} for topic {self.slug!r}; "
            f"expected one of: {', '.join(self.keys())}"
        )


def load_scale(path: str | Path) -> Scale:
    """Read and validate a topic file; raise ScaleError (a ValueError) if it is malformed."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ScaleError(f"{path}: invalid TOML: {exc}") from exc
    return _parse_scale(raw, path)


@functools.lru_cache(maxsize=32)
def load_topic(slug: str, data_dir: Path | None = None) -> Scale:
    """Load ``<data_dir>/topics/<slug>.toml`` (default: the repository's ``data/``).

    Cached per (slug, data_dir); call ``load_topic.cache_clear()`` after editing a file.
    Raises FileNotFoundError for an unknown slug and ScaleError for a bad file.
    """
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", slug):
        raise ValueError(f"invalid topic slug {slug!r}")
    directory = DEFAULT_DATA_DIR if data_dir is None else Path(data_dir)
    path = directory / "topics" / f"{slug}.toml"
    if not path.is_file():
        raise FileNotFoundError(f"no topic file for {slug!r}: {path} does not exist")
    scale = load_scale(path)
    if scale.slug != slug:
        raise ScaleError(f"{path}: slug is {scale.slug!r} but the file is named for {slug!r}")
    return scale


# --- validation -------------------------------------------------------------


def _parse_scale(raw: dict[str, Any], path: Path) -> Scale:
    def fail(problem: str) -> ScaleError:
        return ScaleError(f"{path}: {problem}")

    for name in _TOP_STRINGS:
        _require_str(raw, name, "top level", fail)
    strength = _parse_strength(raw.get("strength"), fail)
    entries = raw.get("stances")
    if not isinstance(entries, list) or not entries:
        raise fail("missing [[stances]]: at least one stance is required")
    stances = tuple(_parse_stance(entry, i, fail) for i, entry in enumerate(entries, start=1))
    _check_unique(stances, fail)
    if raw["default"] not in {level.key for level in stances}:
        raise fail(f"default {raw['default']!r} is not one of the listed stances")
    return Scale(
        slug=raw["slug"],
        name=raw["name"],
        question=raw["question"],
        default=raw["default"],
        stances=stances,
        strength=strength,
    )


def _require_str(table: dict[str, Any], name: str, where: str, fail: _Fail) -> str:
    value = table.get(name)
    if not isinstance(value, str) or not value.strip():
        raise fail(f"{where}: {name!r} must be a non-empty string")
    return value


def _parse_strength(table: Any, fail: _Fail) -> dict[str, int]:
    if not isinstance(table, dict) or not table:
        raise fail("missing [strength] table: at least one evidence kind is required")
    for kind, value in table.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise fail(f"strength of {kind!r} must be a non-negative integer, got {value!r}")
    return dict(table)


def _parse_stance(entry: Any, index: int, fail: _Fail) -> StanceLevel:
    if not isinstance(entry, dict):
        raise fail(f"stance #{index} must be a table")
    where = f"stance #{index} ({entry.get('key', '?')!r})"
    values = {name: _require_str(entry, name, where, fail) for name in _STANCE_STRINGS}
    for name in ("colour", "text_colour"):
        if not _COLOUR.match(values[name]):
            raise fail(f"{where}: {name} must look like '#1a2b3c', got {values[name]!r}")
    if values["side"] not in SIDES:
        raise fail(f"{where}: side must be one of {sorted(SIDES)}, got {values['side']!r}")
    rank = entry.get("rank")
    if isinstance(rank, bool) or not isinstance(rank, int):
        raise fail(f"{where}: rank must be an integer, got {rank!r}")
    return StanceLevel(rank=rank, **values)


def _check_unique(stances: tuple[StanceLevel, ...], fail: _Fail) -> None:
    seen_keys: set[str] = set()
    seen_ranks: dict[int, str] = {}
    for level in stances:
        if level.key in seen_keys:
            raise fail(f"duplicate stance key {level.key!r}")
        seen_keys.add(level.key)
        if level.rank in seen_ranks:
            raise fail(
                f"stances {seen_ranks[level.rank]!r} and {level.key!r} share rank {level.rank}; "
                "ranks must be unique so the engine can order stances"
            )
        seen_ranks[level.rank] = level.key
