"""Every route x every kind of caller gets the status the route table promises."""
import pytest
import requests
from gateway.routes import ROLES, ROUTES
from gateway.tokens import mint

from tests.platform import JWT_SECRET

pytestmark = pytest.mark.e2e

CALLERS = ("anonymous", *ROLES)
DRAFT = {"title": "Rondje door de wijk", "kind": "praktijkvoorbeeld", "topics": ["ontmoeting"]}

# route -> (request path, json body, status for anonymous, status for any signed-in role)
EXPECTED = {
    "healthz": ("/healthz", None, 200, 200),
    "readyz": ("/readyz", None, 200, 200),
    "openapi": ("/api/v1/openapi.json", None, 200, 200),
    "docs": ("/api/docs", None, 200, 200),
    "get_taxonomy": ("/api/v1/taxonomy", None, 200, 200),
    "list_activities": ("/api/v1/activities", None, 200, 200),
    "create_publication": ("/api/v1/publications", DRAFT, 401, 201),
    "get_publication": ("/api/v1/publications/no-such-publication", None, 404, 404),
    "submit_publication": ("/api/v1/publications/no-such-publication/submit", None, 401, 404),
}


def test_every_route_is_in_the_matrix():
    assert set(EXPECTED) == set(ROUTES)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_route_by_caller(platform, name, caller):
    path, body, anonymous, signed_in = EXPECTED[name]
    headers = {}
    if caller != "anonymous":
        headers["Authorization"] = f"Bearer {mint(JWT_SECRET, f'matrix-{caller}', roles=[caller])}"
    response = requests.request(ROUTES[name].method, platform.base_url + path, json=body, headers=headers,
                                timeout=10)
    assert response.status_code == (anonymous if caller == "anonymous" else signed_in), response.text


def test_the_openapi_document_is_valid_and_the_docs_page_works_offline(platform):
    from openapi_spec_validator import validate

    document = requests.get(f"{platform.base_url}/api/v1/openapi.json", timeout=5).json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert {op["operationId"] for ops in document["paths"].values() for op in ops.values()} == set(ROUTES)
    page = requests.get(f"{platform.base_url}/api/docs", timeout=5)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "/api/v1/openapi.json" in page.text and "https://" not in page.text and "//cdn" not in page.text
