import json

import jwt
import pytest
from gateway.problems import Problem, from_exception
from gateway.tokens import mint
from nameko.exceptions import RemoteError, UnknownService
from pymongo.errors import AutoReconnect, DuplicateKeyError, ServerSelectionTimeoutError
from wijkwijzer.errors import Conflict, DatabaseInterrupted, DatabaseUnavailable, Invalid, NotFound

from gateway import auth

pytestmark = pytest.mark.unit

SECRET = "unit-test-secret-long-enough-for-hs256-keys"


@pytest.mark.parametrize("exc, status", [
    (NotFound("no such thing"), 404),
    (Conflict("already submitted"), 409),
    (Invalid("bad", [{"field": "topics", "message": "unknown"}]), 422),
    (UnknownService("events"), 503),
    (DatabaseUnavailable("the events service cannot reach its database; nothing was changed"), 503),
    (DatabaseInterrupted("the events service's database failed while carrying out the request"), 504),
    (ServerSelectionTimeoutError("127.0.0.1:27017: connection refused"), 503),   # the gateway's own
    (AutoReconnect("connection reset"), 503),
    (DuplicateKeyError("E11000"), 500),
    (RemoteError("KeyError", "boom"), 500),
    (ValueError("internal detail"), 500),
])
def test_every_error_maps_to_one_problem(exc, status):
    response = from_exception(exc).response("req-1")
    body = json.loads(response.get_data())
    assert response.status_code == body["status"] == status
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.headers["X-Request-ID"] == "req-1"
    if status == 500:
        assert "boom" not in body["detail"] and "internal detail" not in body["detail"]


def test_a_database_outage_says_whether_to_retry_later_or_with_the_same_key():
    refused = from_exception(DatabaseUnavailable("the events service cannot reach its database; nothing was changed"))
    assert refused.headers["Retry-After"] and "nothing was changed" in refused.detail
    assert "gateway" in from_exception(ServerSelectionTimeoutError("refused")).detail
    interrupted = from_exception(DatabaseInterrupted("the events service's database failed; it may have been "
                                                     "carried out: retry with the same Idempotency-Key"))
    assert "Idempotency-Key" in interrupted.detail and "Retry-After" not in interrupted.headers


def test_invalid_keeps_its_field_errors():
    assert from_exception(Invalid("bad", [{"field": "topics", "message": "x"}])).errors[0]["field"] == "topics"


def test_tokens_signed_with_another_secret_or_unsigned_are_refused():
    verifier = auth.Verifier(secret=SECRET)
    assert auth.principal(f"Bearer {mint(SECRET, 'anna', roles=['member'])}", verifier).sub == "anna"
    assert auth.principal(None, verifier) is None
    no_exp = jwt.encode({"sub": "anna"}, SECRET, algorithm="HS256")
    no_sub = jwt.encode({"exp": 9999999999}, SECRET, algorithm="HS256")
    for header in (f"Bearer {mint('x' * 40, 'anna')}", "Bearer not.a.token", "Basic abc",
                   f"Bearer {no_exp}", f"Bearer {no_sub}",
                   "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIiwiZXhwIjo5OTk5OTk5OTk5fQ."):
        with pytest.raises(Problem) as refused:
            auth.principal(header, verifier)
        assert refused.value.status == 401
