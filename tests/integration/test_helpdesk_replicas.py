"""Routing with two replicas of the helpdesk against the real broker and database: many questions
at once keep every load exact and nobody over capacity; a question not picked up in time goes to
the next wijkwijze, a declined one never back; an overdue first response escalates once, with
both replicas sweeping and one restarted in between."""
from collections import Counter
from datetime import UTC, datetime, timedelta

import eventlet
import pymongo
import pytest
from helpdesk.service import HelpdeskService
from nameko.standalone.rpc import ClusterRpcProxy
from wijkwijzer import taxonomy

from tests.content import Corpus
from tests.support import EventTap, Replicas, eventually

pytestmark = pytest.mark.integration

CORPUS = Corpus(seed=13, anchor=datetime(2026, 11, 27, tzinfo=UTC))
BEHEER = {"sub": "beheer", "name": "Beheer", "roles": ["admin"]}


def person(sub: str, name: str) -> dict:
    return {"sub": sub, "name": name, "roles": ["member", "wijkwijze"]}


@pytest.fixture
def replicas(service_config):
    """`start()` runs one more replica; `stop(replica)` stops one; all are stopped at the end."""
    config = {**service_config, "DEADLINE_INTERVAL": 0.3, "OUTBOX_RELAY_INTERVAL": 0.3, "EVENT_RETRY_DELAY_MS": 100,
              "ASSIGNMENT_TIMEOUT": 2, "RELATED_TIMEOUT": 0.3}
    replicas = Replicas(HelpdeskService, config)
    yield replicas
    replicas.stop_all()


def database(config):
    client = pymongo.MongoClient(config["MONGODB_URI"], tz_aware=True)
    return client, client[config["MONGODB_DATABASE"]]


def test_fifty_questions_at_once_keep_every_load_exact(replicas, service_config):
    replicas.start()
    replicas.start()
    names = ["Sanne Bakker", "Ahmed Bakkali", "Eline van der Berg", "Joris Mulder", "Chantal Ramdin", "Zoë Visser"]
    with ClusterRpcProxy({"AMQP_URI": service_config["AMQP_URI"]}, timeout=60) as rpc:
        for i, name in enumerate(names):
            rpc.helpdesk.put_wijkwijze(f"w{i}", {"name": name, "email": f"w{i}@voorbeeld.nl", "capacity": 5,
                                                 "topics": list(taxonomy.load().slugs("topics")),
                                                 "regions": []})
        calls = [rpc.helpdesk.ask.call_async({**CORPUS.question(i), "email": f"vrager{i}@voorbeeld.nl"})
                 for i in range(50)]
        asked = [call.result() for call in calls]
    statuses = Counter("pooled" if q["pooled"] else q["status"] for q in asked)
    assert statuses == {"assigned": 30, "pooled": 20}
    client, db = database(service_config)
    with client:
        held = Counter(q["assignee"] for q in db.questions.find({"assignee": {"$ne": None}}))
        for entry in db.wijkwijzen.find():
            assert entry["open_count"] == len(entry["open"]) == held[entry["_id"]] == 5, entry
        assert sum(held.values()) == 30
        # every routing decision says which rule chose whom
        assigned = db.questions.find_one({"assignee": {"$ne": None}})
        step = assigned["history"][-1]
        assert step["action"] == "assigned" and step["rule"] == "topic" and "minste open vragen" in step["note"]
        # the pool says why, as the roster was read (one may have filled up just after)
        reasons = {q["history"][-1]["note"] for q in db.questions.find({"pooled": True})}
        assert "niemand past: vol: 6" in reasons and all(r.startswith("niemand past: ") for r in reasons)


def test_timeout_and_decline_route_again_never_back(replicas, service_config):
    replicas.start()
    replicas.start()
    tap = EventTap(service_config["AMQP_URI"], "helpdesk", "question.*")
    anna, bram, cees = person("anna", "Anna de Vries"), person("bram", "Bram Yilmaz"), person("cees", "Cees Smit")
    with ClusterRpcProxy({"AMQP_URI": service_config["AMQP_URI"]}, timeout=30) as rpc:
        for who, load in ((anna, 0), (bram, 1), (cees, 2)):
            rpc.helpdesk.put_wijkwijze(who["sub"], {"name": who["name"], "email": f"{who['sub']}@voorbeeld.nl",
                                                    "topics": ["armoede"], "regions": ["Gouda"], "capacity": 5})
        question = {"title": "Hoe helpen we gezinnen met schulden in Gouda?", "topics": ["armoede"],
                    "body": "Steeds meer gezinnen in onze buurt komen niet rond.", "municipality": "gouda",
                    "email": "vrager@voorbeeld.nl"}
        asked = rpc.helpdesk.ask(question)
        assert asked["assignee"]["sub"] == "anna" and asked["municipality"] == "Gouda"
        qid = asked["id"]
        # anna does not open it: after the assignment timeout it goes to the next one
        moved = eventually(lambda: (q := rpc.helpdesk.get_question(qid, BEHEER))["assignee"]
                           and q["assignee"]["sub"] != "anna" and q, timeout=20, what="the timeout reroute")
        assert moved["assignee"]["sub"] in ("bram", "cees")
        assert [h["action"] for h in moved["history"]] == ["asked", "assigned", "timeout", "assigned"]
        assert moved["history"][2]["note"] == "niet opgepakt binnen 2 seconden"
        holder = bram if moved["assignee"]["sub"] == "bram" else cees
        other = cees if holder is bram else bram
        opened = rpc.helpdesk.get_question(qid, holder)   # picked up: stays with them
        assert opened["picked_up_at"] and opened["viewer_role"] == "assignee"
        rpc.helpdesk.decline(qid, {"reason": "Ik ken de schuldhulp in Gouda niet goed genoeg."}, holder)
        now_with = rpc.helpdesk.get_question(qid, other)   # picked up by the other one
        assert now_with["assignee"]["sub"] == other["sub"]
        rpc.helpdesk.decline(qid, {"reason": "Geen tijd deze maand."}, other)
        pooled = rpc.helpdesk.get_question(qid, BEHEER)
        assert pooled["pooled"] and pooled["assignee"] is None and pooled["status"] == "new"
        assert "gaf de vraag terug: 3" in pooled["history"][-1]["note"]
    client, db = database(service_config)
    with client:
        assert {e["_id"]: e["open_count"] for e in db.wijkwijzen.find()} == {"anna": 0, "bram": 0, "cees": 0}
    types = eventually(lambda: (t := tap.types(qid)) and "question.pooled" in t and t, what="the events")
    assert types.count("question.assigned") == 1 and types.count("question.reassigned") == 2
    assert types.count("question.declined") == 2
    tap.close()


def test_an_overdue_first_response_escalates_once_with_two_replicas_and_a_restart(replicas, service_config):
    first = replicas.start()
    replicas.start()
    tap = EventTap(service_config["AMQP_URI"], "helpdesk", "question.escalated")
    with ClusterRpcProxy({"AMQP_URI": service_config["AMQP_URI"]}, timeout=30) as rpc:
        overdue = [rpc.helpdesk.ask({**CORPUS.question(i), "email": f"vrager{i}@voorbeeld.nl"})["id"] for i in range(3)]
        answered = rpc.helpdesk.ask({**CORPUS.question(9), "email": "snel@voorbeeld.nl"})
        client, db = database(service_config)
        with client:
            # the clock moves on: every first response is due a minute ago
            past = datetime.now(UTC) - timedelta(minutes=1)
            for qid in [*overdue, answered["id"]]:
                db.questions.update_one({"_id": qid}, {"$set": {"first_response_due": past}})
            # one of them got its first response in time (a pool wijkwijze answered)
            rpc.helpdesk.put_wijkwijze("dirk", {"name": "Dirk Jansen", "email": "dirk@voorbeeld.nl", "capacity": 3})
            rpc.helpdesk.answer(answered["id"], {"body": "Kijk eens naar de handreiking van Platform31."},
                                person("dirk", "Dirk Jansen"))
            replicas.stop(first)   # a restart while it falls due
            db.deadlines.update_many({"kind": "sla"}, {"$set": {"due": past}})
            replicas.start()
            eventually(lambda: len(tap.events()) >= 3, timeout=20, what="three escalations")
            eventually(lambda: db.deadlines.count_documents({"kind": "sla"}) == 0, timeout=10, what="the sweeps")
            eventlet.sleep(1)   # a few more sweeps by both replicas find nothing more to do
            escalations = Counter(e["data"]["question_id"] for e in tap.events())
            assert escalations == dict.fromkeys(overdue, 1)
            for qid in overdue:
                shown = rpc.helpdesk.get_question(qid, BEHEER)
                assert shown["escalated_at"] and [h["action"] for h in shown["history"]].count("escalated") == 1
    tap.close()
