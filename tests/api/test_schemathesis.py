"""Schemathesis against the API's own OpenAPI document: every operation, fed generated
input (valid and invalid: schemathesis' positive and negative modes) with a token of every scope, answers no 500 and nothing the document
does not describe (status and body).

How it runs inside the suite: one pytest test per database backend drives every operation
through Hypothesis itself (`given` over the operation's strategy), so that the seeded world
and the test's transaction (tests/conftest.py: rolled back at the end) are built once, not
once per operation. Each request runs in a fresh context (its own app context and session, as
a real request), and path ids are drawn from the seeded objects as well as at random, so that
the 200 answers are checked too, not only the 404s."""
from __future__ import annotations

import contextvars

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.api.conftest import new_token

#: Examples per operation: enough to reach each branch, few enough for CI (seconds per backend).
EXAMPLES = 25


def _checks():
    from schemathesis.checks import (
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    return [not_a_server_error, response_schema_conformance, status_code_conformance]


def test_every_operation_keeps_to_the_document(app, world, seeded):
    import schemathesis
    from schemathesis import GenerationMode

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {new_token(world.users['handler'])}"}
    ids = {"case_id": [seeded.sup.id, seeded.letter.id, seeded.parent.id, seeded.rec.id,
                       seeded.other.id],
           "doc_id": [seeded.issued.id, seeded.draft.id]}
    checks = _checks()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        names = [p.name for p in operation.path_parameters]
        known = st.fixed_dictionaries({n: st.sampled_from(ids[n]) | st.none() for n in names})

        cases = (operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
                 | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))

        @given(case=cases, chosen=known)
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        def run(case, chosen):
            for name, value in chosen.items():
                if value is not None:
                    case.path_parameters[name] = value
            response = contextvars.Context().run(case.call, headers=headers)
            case.validate_response(response, checks=checks)

        run()
