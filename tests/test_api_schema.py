"""Schemathesis against the JSON API, through WSGI, over every operation of its OpenAPI
document, with valid and invalid requests: no 5xx, invalid requests refused with a 4xx, and
every answer as the document says (status, content type, headers, body schema).

Hypothesis is derandomized and the examples bounded, so a run repeats exactly and takes
seconds. The operations are driven with their Hypothesis strategies (``as_strategy``)
rather than ``@schema.parametrize()``, whose pytest wrapper reads a node attribute that
pytest 9.2 no longer has.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tracker.api.registry import RESOURCES

pytestmark = pytest.mark.imported
EXAMPLES = 10  # per operation and mode
# A past day: the copy of the database as of a day is made once for the run, not per day drawn.
AS_OF = "2023-11-16"
# Filters whose value names a record: a well-formed name of no record is a 400 that says so.
_NAMING = {f.name for r in RESOURCES for f in r.filters if f.type in ("slug", "integer")}


def _documented_refusal(error: dict[str, Any], query: dict[str, Any]) -> bool:
    """The refusals of well-formed values that a schema cannot express, each documented: a filter
    naming no record (``party=xyz``), and a stance that is not on the scale of the topic asked for."""
    parameter, message = error.get("parameter"), error.get("message", "")
    if parameter in _NAMING:
        return bool(message.startswith(f"{parameter}: no "))
    return parameter == "stance" and bool(query.get("topic")) and f"of the {query['topic']} scale" in message


def accepts_valid_requests(_ctx: Any, response: Any, case: Any) -> None:
    """Schemathesis's positive_data_acceptance (valid requests get a 2xx, or a 404 for a record
    that does not exist), but for the documented refusals above, which must name the parameter."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code in (200, 404):
        return
    error = (response.json() or {}).get("error", {}) if response.status_code == 400 else {}
    assert response.status_code == 400 and _documented_refusal(error, case.query or {}), \
        (response.status_code, response.text[:300])


def _prepare(case: Any, mode: GenerationMode) -> None:
    """Any valid as_of becomes AS_OF (an invalid one, drawn to be refused, stays). A valid
    cursor cannot be drawn (only a page gives one): valid requests start at the first page."""
    query = case.query
    if not query:
        return
    if mode is GenerationMode.POSITIVE:
        query.pop("cursor", None)
    if isinstance(query.get("as_of"), str):
        try:
            date.fromisoformat(query["as_of"])
        except ValueError:
            return
        query["as_of"] = AS_OF


def _run(operation: Any, mode: GenerationMode) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        _prepare(case, mode)
        # Plain bodies: the page cache gzips for clients that accept it, and the WSGI client
        # does not unpack what it receives.
        case.call_and_validate(headers={"Accept-Encoding": "identity"},
                               excluded_checks=[positive_data_acceptance],
                               additional_checks=[accepts_valid_requests])

    check()


def test_every_operation_answers_as_the_document_says(app: Any) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(2 if r.lookup else 1 for r in RESOURCES)
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _run(operation, mode)
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - all failures reported
                failures.append(f"{operation.label} ({mode.value}): {error}")
    assert not failures, "\n\n".join(failures)
