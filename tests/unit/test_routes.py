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
