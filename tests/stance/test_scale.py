"""The scale file and its loader."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tracker.stance import (
    DEFAULT_DATA_DIR,
    Scale,
    ScaleError,
    StanceLevel,
    load_scale,
    load_topic,
)

REPO = Path(__file__).resolve().parents[2]

VALID_TOML = """\
slug = "demo"
name = "Demo topic"
question = "Does this person back the demo?"
default = "unknown"

[strength]
vote = 4
statement = 2

[[stances]]
key = "yes"
label = "Backs it"
short = "Yes"
description = "Backs it."
colour = "#0b4f8a"
text_colour = "#ffffff"
rank = 1
side = "support"

[[stances]]
key = "no"
label = "Against it"
short = "No"
description = "Against it."
colour = "#b34700"
text_colour = "#ffffff"
rank = -1
side = "oppose"

[[stances]]
key = "unknown"
label = "No recorded position"
short = "Unknown"
description = "Nothing found."
colour = "#6b6b6b"
text_colour = "#ffffff"
rank = 0
side = "none"
"""


@pytest.fixture
def scale() -> Scale:
    return load_topic("ceasefire")


def write_topic(tmp_path: Path, text: str, slug: str = "demo") -> Path:
    topics = tmp_path / "topics"
    topics.mkdir(exist_ok=True)
    path = topics / f"{slug}.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the real ceasefire file ------------------------------------------------------------


def test_ceasefire_file_loads_with_stances_in_file_order(scale: Scale) -> None:
    assert scale.slug == "ceasefire"
    assert scale.name == "Ceasefire in Gaza"
    assert scale.question == "Does this person call for a ceasefire in Gaza?"
    assert scale.default == "unknown"
    assert scale.keys() == ("ceasefire", "humanitarian", "pause", "opposed", "unknown")
    assert [level.key for level in scale] == list(scale.keys())
    assert len(scale) == 5


def test_ceasefire_ranks_sides_and_labels(scale: Scale) -> None:
    expected = {
        "ceasefire": (3, "support", "Calls for an immediate ceasefire"),
        "humanitarian": (2, "support", "Backs a humanitarian or conditional ceasefire"),
        "pause": (1, "support", "Backs humanitarian pauses only"),
        "opposed": (-1, "oppose", "Opposed a ceasefire"),
        "unknown": (0, "none", "No recorded position"),
    }
    for key, (rank, side, label) in expected.items():
        assert (scale.rank(key), scale.side(key), scale.label(key)) == (rank, side, label)
        assert scale[key].description.strip()
        assert scale[key].short.strip()


def test_ceasefire_strengths(scale: Scale) -> None:
    assert dict(scale.strength) == {
        "vote": 4,
        "pledge": 3,
        "edm": 3,
        "party_switch": 2,
        "statement": 2,
        "report": 1,
        "pledge_refusal": 3,
        "other": 1,
    }
    assert scale.strength_of("vote") > scale.strength_of("statement") > scale.strength_of("report")


def test_every_topic_ranks_every_kind_of_evidence_the_site_accepts() -> None:
    """A submission of any kind must never reach the engine as an unknown kind."""
    from tracker.models import EVIDENCE_KINDS
    from tracker.stance import load_topic
    from tracker.stance.scale import DEFAULT_DATA_DIR

    for path in sorted((DEFAULT_DATA_DIR / "topics").glob("*.toml")):
        topic = load_topic(path.stem, DEFAULT_DATA_DIR)
        assert set(EVIDENCE_KINDS) | {"vote"} == set(topic.strength), path.name


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_colours_meet_wcag_aa_against_their_text(scale: Scale) -> None:
    for level in scale:
        assert _contrast(level.colour, level.text_colour) >= 4.5, level.key


def test_colours_are_distinct_and_unknown_is_grey(scale: Scale) -> None:
    colours = [level.colour.lower() for level in scale]
    assert len(set(colours)) == len(colours)
    grey = scale["unknown"].colour
    assert grey[1:3] == grey[3:5] == grey[5:7]
    # The support side is graded by lightness, which survives colour blindness.
    support = sorted((lvl for lvl in scale if lvl.side == "support"), key=lambda lvl: lvl.rank)
    lums = [_luminance(level.colour) for level in support]
    assert lums == sorted(lums, reverse=True)
    for lighter, darker in zip(lums, lums[1:], strict=False):
        assert (lighter + 0.05) / (darker + 0.05) > 1.5


# --- Scale helpers ------------------------------------------------------------------------


def test_lookup_helpers(scale: Scale) -> None:
    assert isinstance(scale["ceasefire"], StanceLevel)
    assert scale.get("ceasefire") is scale["ceasefire"]
    assert scale.get("nonsense") is None
    assert scale.is_valid("pause")
    assert not scale.is_valid("nonsense")
    assert not scale.is_valid(None)
    assert "opposed" in scale
    assert "nonsense" not in scale


def test_getitem_unknown_key_raises_key_error(scale: Scale) -> None:
    with pytest.raises(KeyError, match="nonsense"):
        scale["nonsense"]


@pytest.mark.parametrize("helper", ["label", "side", "rank", "level"])
def test_helpers_on_unknown_key_raise_value_error(scale: Scale, helper: str) -> None:
    with pytest.raises(ValueError, match="unknown stance 'nonsense'.*ceasefire"):
        getattr(scale, helper)("nonsense")


def test_strength_of_unknown_kind_is_a_clear_value_error(scale: Scale) -> None:
    with pytest.raises(ValueError, match="unknown evidence kind 'tweet'.*vote, pledge"):
        scale.strength_of("tweet")


def test_scale_is_immutable_and_hashable(scale: Scale) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        scale.default = "ceasefire"  # type: ignore[misc]
    with pytest.raises(TypeError):
        scale.strength["vote"] = 1  # type: ignore[index]
    assert hash(scale) == hash(load_scale(DEFAULT_DATA_DIR / "topics" / "ceasefire.toml"))
    assert scale == load_scale(DEFAULT_DATA_DIR / "topics" / "ceasefire.toml")


# --- load_topic ---------------------------------------------------------------------------


def test_default_data_dir_is_the_repository_data_folder() -> None:
    assert DEFAULT_DATA_DIR == REPO / "data"
    assert (DEFAULT_DATA_DIR / "topics" / "ceasefire.toml").is_file()


def test_load_topic_is_cached_per_slug_and_data_dir(tmp_path: Path) -> None:
    assert load_topic("ceasefire") is load_topic("ceasefire")
    write_topic(tmp_path, VALID_TOML)
    demo = load_topic("demo", tmp_path)
    assert demo.keys() == ("yes", "no", "unknown")
    assert load_topic("demo", tmp_path) is demo
    other = tmp_path / "other"
    other.mkdir()
    write_topic(other, VALID_TOML)
    assert load_topic("demo", other) is not demo
    load_topic.cache_clear()
    assert load_topic("demo", tmp_path) is not demo


def test_load_topic_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no topic file for 'nope'"):
        load_topic("nope", tmp_path)


def test_load_topic_rejects_path_like_slugs(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="invalid topic slug"):
        load_topic("../secrets", tmp_path)


def test_load_topic_slug_must_match_file_name(tmp_path: Path) -> None:
    path = write_topic(tmp_path, VALID_TOML, slug="other")
    with pytest.raises(ScaleError, match="slug is 'demo' but the file is named for 'other'") as err:
        load_topic("other", tmp_path)
    assert str(path) in str(err.value)


# --- load_scale validation ----------------------------------------------------------------


def test_load_scale_accepts_str_paths(tmp_path: Path) -> None:
    path = write_topic(tmp_path, VALID_TOML)
    assert load_scale(str(path)).slug == "demo"


def test_malformed_toml_gives_a_clear_error(tmp_path: Path) -> None:
    path = write_topic(tmp_path, 'slug = "demo"\nname = "unterminated\n')
    with pytest.raises(ScaleError, match="invalid TOML") as err:
        load_scale(path)
    assert str(path) in str(err.value)
    assert isinstance(err.value, ValueError)


def test_duplicate_toml_key_is_invalid_toml(tmp_path: Path) -> None:
    path = write_topic(
        tmp_path, VALID_TOML.replace('default = "unknown"', 'default = "unknown"\ndefault = "yes"')
    )
    with pytest.raises(ScaleError, match="invalid TOML"):
        load_scale(path)


BROKEN = [
    pytest.param(
        ('default = "unknown"', 'default = "maybe"'),
        "default 'maybe' is not one of the listed stances",
        id="default-not-listed",
    ),
    pytest.param(
        ('default = "unknown"\n', ""), "'default' must be a non-empty string", id="default-missing"
    ),
    pytest.param(
        ('default = "unknown"', 'default = ["unknown", "yes"]'),
        "'default' must be a non-empty string",
        id="default-list",
    ),
    pytest.param(('key = "no"', 'key = "yes"'), "duplicate stance key 'yes'", id="duplicate-key"),
    pytest.param(('side = "oppose"', 'side = "against"'), "side must be one of", id="bad-side"),
    pytest.param(("rank = -1", "rank = 1"), "share rank 1", id="duplicate-rank"),
    pytest.param(("rank = -1", 'rank = "low"'), "rank must be an integer", id="rank-not-int"),
    pytest.param(
        ('colour = "#b34700"', 'colour = "orange"'), "colour must look like", id="bad-colour"
    ),
    pytest.param(
        ('label = "Against it"\n', ""), "'label' must be a non-empty string", id="label-missing"
    ),
    pytest.param(
        ("vote = 4", 'vote = "strong"'),
        "strength of 'vote' must be a non-negative integer",
        id="strength-not-int",
    ),
    pytest.param(
        ("[strength]\nvote = 4\nstatement = 2\n", ""),
        "missing \\[strength\\] table",
        id="strength-missing",
    ),
]


@pytest.mark.parametrize(("change", "problem"), BROKEN)
def test_invalid_scale_files_name_the_file_and_problem(
    tmp_path: Path, change: tuple[str, str], problem: str
) -> None:
    old, new = change
    assert VALID_TOML.count(old) == 1
    path = write_topic(tmp_path, VALID_TOML.replace(old, new))
    with pytest.raises(ScaleError, match=problem) as err:
        load_scale(path)
    assert str(err.value).startswith(f"{path}: ")


def test_stances_are_required(tmp_path: Path) -> None:
    text = VALID_TOML.split("[[stances]]")[0]
    path = write_topic(tmp_path, text)
    with pytest.raises(ScaleError, match="at least one stance is required"):
        load_scale(path)
