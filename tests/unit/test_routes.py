import pytest
from gateway.routes import ANYONE, MEMBER, Route, allows

pytestmark = pytest.mark.unit

EDITORS = Route("POST", "/x", frozenset({"editor"}), "review", "publications")


@pytest.mark.parametrize("route, roles, allowed", [
    (Route("GET", "/x", ANYONE, "", "t"), None, True),
    (Route("POST", "/x", MEMBER, "", "t"), None, False),
    (Route("POST", "/x", MEMBER, "", "t"), [], True),          # every signed-in caller is a member
    (EDITORS, ["member"], False),
    (EDITORS, ["editor"], True),
    (EDITORS, ["admin"], True),                                # admins may call every route
    (EDITORS, None, False),
])
def test_the_route_table_decides_who_may_call(route, roles, allowed):
    assert allows(route, roles) is allowed


def test_query_strings_are_documented_from_the_models_that_validate_them():
    from gateway.models import PublicationSearch, query_parameters
    from gateway.openapi import document

    parameters = query_parameters(PublicationSearch)
    assert parameters["topic"]["type"] == "array" and "veiligheid" in parameters["topic"]["items"]["enum"]
    assert parameters["sort"]["enum"] == ["relevance", "date"] and "default" not in parameters["sort"]
    assert parameters["limit"] == {"type": "integer", "minimum": 1, "maximum": 100, "default": 20,
                                   "description": "page size"}
    search = document()["paths"]["/api/v1/publications"]["get"]
    assert {p["name"] for p in search["parameters"] if p["in"] == "query"} == set(PublicationSearch.model_fields)
    links = document()["paths"]["/api/v1/publications"]["post"]["responses"]["201"]["links"]
    assert links["submit_publication"]["parameters"] == {"publication_id": "$response.body#/id"}
