"""Every API answer matches what the OpenAPI document publishes for it (schemathesis).

Schemathesis generates requests for every operation from the published document, signed in with
a read-write API key, with path parameters pointing at real objects (a plan with an activity, an
outcome and an indicator); each answer must be no server error, carry a documented status and
content type, and match the documented schema. A bounded, derandomized number of examples per
operation keeps it quick and repeatable.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.planning.test_api_contract import world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 4
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _real_values(path: str, found: dict[str, Any]) -> dict[str, str]:
    """The real object behind each path parameter this operation's path names."""
    values: dict[str, str] = {}
    for match in re.finditer(r"\{(\w+)\}", path):
        name = match.group(1)
        if name == "key":
            prefix = path[: match.start()]
            key = next((v for part, v in found["keys"].items() if prefix.endswith(part)), None)
            if key is not None:
                values[name] = key
        elif name in found["values"]:
            values[name] = found["values"][name]
    return values


@pytest.fixture
def in_test_transaction() -> Iterator[None]:
    """Serve WSGI requests inside the test's transaction, as Django's test client does: the end
    of a request must not close the connection that holds it."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("in_test_transaction")
def test_every_api_answer_conforms_to_the_published_schema(request: pytest.FixtureRequest) -> None:
    from django.core.wsgi import get_wsgi_application

    found = request.getfixturevalue("world")
    headers = {"Authorization": f"Bearer {found['secret']}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40

    for operation in operations:
        _fuzz(operation, _real_values(operation.path, found), headers)


def _fuzz(operation: Any, real: dict[str, str], headers: dict[str, str]) -> None:
    """A few generated requests to one operation, each checked against the document."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def conforms(case: Any) -> None:
        case.path_parameters = {**(case.path_parameters or {}), **real}
        case.call_and_validate(headers=headers, checks=CHECKS)

    conforms()
