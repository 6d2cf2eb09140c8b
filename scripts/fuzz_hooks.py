"""schemathesis hooks for `make fuzz`.

GraphQL answers random arguments with errors a client should get (BAD_USER_INPUT, NOT_FOUND,
CONFLICT, SLUG_TAKEN), which schemathesis' own GraphQL check counts as server errors. This check
fails only on what no request may cause: a 5xx, a body that is not JSON, or an error without an
`extensions.code` or with the code of an error the server did not expect.
"""

import schemathesis

UNEXPECTED = {"INTERNAL_SERVER_ERROR", "INTERNAL"}


@schemathesis.check
def no_unexpected_error(ctx, response, case):
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}: {response.text[:300]}")
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"not JSON: {response.text[:300]}")
    errors = body.get("errors") if isinstance(body, dict) else None
    for error in errors or []:
        code = (error.get("extensions") or {}).get("code")
        if code is None or code in UNEXPECTED:
            raise AssertionError(f"extensions.code {code}: {error.get('message')}")
