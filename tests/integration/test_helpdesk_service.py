"""The helpdesk service's wijkwijzen roster in a nameko container against the real broker and database."""
import uuid
from datetime import datetime

import pymongo
import pytest
from helpdesk.service import HelpdeskService
from nameko.containers import ServiceContainer
from nameko.testing.services import entrypoint_hook
from wijkwijzer.errors import Invalid, NotFound

pytestmark = pytest.mark.integration

SANNE = {"name": "Sanne Bakker", "email": "sanne@example.org", "topics": ["armoede"],
         "regions": ["rotterdam-zuid"], "capacity": 5}


@pytest.fixture(scope="module")
def helpdesk(config):
    """One running service for the whole module: starting one takes most of a test's time."""
    container = ServiceContainer(HelpdeskService, dict(config))
    container.start()
    yield container
    container.stop()


def call(container, method, *args):
    with entrypoint_hook(container, method) as hook:
        return hook(*args)


def sub() -> str:
    return f"u-{uuid.uuid4().hex[:8]}"


def test_putting_a_wijkwijze_twice_updates_the_one_entry(helpdesk):
    who = sub()
    first = call(helpdesk, "put_wijkwijze", who, SANNE)
    assert first["sub"] == who and first["capacity"] == 5 and first["away_until"] is None

    second = call(helpdesk, "put_wijkwijze", who, {**SANNE, "capacity": 2, "away_until": "2030-08-01"})
    assert (second["capacity"], second["away_until"]) == (2, "2030-08-01")
    assert second["created_at"] == first["created_at"]
    assert datetime.fromisoformat(second["updated_at"]) >= datetime.fromisoformat(first["updated_at"])

    entries = [w for w in call(helpdesk, "list_wijkwijzen", 100)["items"] if w["sub"] == who]
    assert entries == [second]
    assert "name_key" not in second


def test_an_unknown_region_is_refused_and_nothing_stored(helpdesk):
    who = sub()
    with pytest.raises(Invalid) as bad:
        call(helpdesk, "put_wijkwijze", who, {**SANNE, "regions": ["rotterdam-zuid", "gouda-noord"]})
    assert [e["field"] for e in bad.value.args[1]] == ["regions"]
    assert "gouda-noord" in bad.value.args[1][0]["message"]
    assert who not in [w["sub"] for w in call(helpdesk, "list_wijkwijzen", 100)["items"]]


def test_the_roster_is_sorted_by_name_whatever_the_case(helpdesk):
    names = {sub(): name for name in ("Zoë Visser", "de Jong, Pieter", "Ahmed Bakkali")}
    for who, name in names.items():
        call(helpdesk, "put_wijkwijze", who, {**SANNE, "name": name})
    roster = [w["name"] for w in call(helpdesk, "list_wijkwijzen", 100)["items"] if w["sub"] in names]
    assert roster == ["Ahmed Bakkali", "de Jong, Pieter", "Zoë Visser"]


def test_ping_reports_the_database(helpdesk):
    assert call(helpdesk, "ping") == {"service": "helpdesk", "status": "ok", "problems": []}


def test_the_same_ask_delivered_again_stores_one_question_with_the_new_token(helpdesk, config):
    question = {"title": "Wie helpt ons met een buurtmoestuin?", "body": "We hebben een braakliggend veld.",
                "topics": ["ontmoeting"], "municipality": "Zwolle", "email": "tuin@voorbeeld.nl"}
    first = call(helpdesk, "ask", question, None, "attempt-42")
    again = call(helpdesk, "ask", question, None, "attempt-42")   # its first answer never left
    other = call(helpdesk, "ask", question, None, "attempt-43")
    assert again["id"] == first["id"] != other["id"] and again["token"] != first["token"]
    assert call(helpdesk, "get_question", first["id"], None, again["token"])["viewer_role"] == "asker"
    with pytest.raises(NotFound):
        call(helpdesk, "get_question", first["id"], None, first["token"])
    with pymongo.MongoClient(config["MONGODB_URI"]) as client:
        assert client[config["MONGODB_DATABASE"]].questions.count_documents({"attempt": "attempt-42"}) == 1
