"""Property-based checks over /api/v1/openapi.json (schemathesis): no generated request makes Kho answer 500.

Run as a platform admin (token with every scope) so requests reach the services, not only the door.
Nothing is excluded: every operation in the schema is exercised with up to 25 examples (deterministic);
known 500s of other owners' routes are listed in KNOWN and reported, not skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from kho.web.app import create_app
from tests.integration.api.conftest import ApiWorld, _cheap_argon2, build_world  # noqa: F401 - fixture

MAX_EXAMPLES = 25
# Known 500s in routes owned elsewhere, reported to their owner; documented here so nothing hides silently.
# Remove an entry once fixed (the test then fails if the 500 comes back).
KNOWN: list[tuple[str, str]] = []  # all earlier finds are fixed; add (route, words) if one is deferred


def _known(failure: str) -> bool:
    return any(route in failure and words in failure for route, words in KNOWN)


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiWorld]:
    """The shared world on SQLite (PostgreSQL runs the matrix and the refusal table), rate limit off."""
    world = build_world(
        tmp_path_factory.mktemp("fuzz"),
        None,
        "sqlite",
        rate_limit_per_minute=0,
        sql_timeout_s=2.0,
        sql_memory_mb=256,
    )
    yield world
    world.platform.close()


def test_no_server_errors(fuzz_world: ApiWorld) -> None:
    """Every operation gets up to MAX_EXAMPLES generated requests; all 5xx answers are collected and reported."""
    from hypothesis import given

    app = create_app(fuzz_world.platform)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    headers = fuzz_world.headers("padmin")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 50, "the whole API should be in the schema"

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,  # the same examples every run: CI stays reproducible
        )
        def run(case: Any) -> None:
            where = f"{case.method} {case.formatted_path} {case.query or ''} {str(case.body)[:200]}"
            try:
                response = case.call(headers=headers)
            except Exception as exc:  # noqa: BLE001 - the ASGI transport re-raises what would be a 500
                failures.append(f"{where} -> {type(exc).__name__}: {str(exc)[:200]}")
                return
            if response.status_code >= 500:
                failures.append(f"{where} -> {response.status_code} {response.text[:300]}")

        run()
    unexpected = [f for f in failures if not _known(f)]
    assert not unexpected, "\n".join(unexpected[:20])
