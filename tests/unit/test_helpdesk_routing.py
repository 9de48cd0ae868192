"""Who gets a question: the routing rules over a table of rosters, and the pool."""
from datetime import UTC, date, datetime

import pytest
from helpdesk.questions import region_keys
from helpdesk.roster import region_keys as roster_keys
from helpdesk.routing import REGION, TOPIC, TOPIC_AND_REGION, pool_reason, ranked

pytestmark = pytest.mark.unit

TODAY = date(2030, 3, 12)
QUESTION = {"_id": "q1", "topics": ["armoede"], "region_keys": region_keys("rotterdam-zuid", None), "passed": []}


def wijkwijze(sub, topics=("armoede",), regions=("rotterdam-zuid",), capacity=3, load=0, away_until=None,
              last=None, holds=()):
    return {"_id": sub, "name": sub.title(), "topics": list(topics), "region_keys": roster_keys(list(regions)),
            "capacity": capacity, "open_count": load, "open": list(holds), "away_until": away_until,
            "last_assigned_at": last}


def first(question, roster):
    choices = ranked(question, roster, TODAY)
    return (choices[0].sub, choices[0].rule) if choices else None


AT = [datetime(2030, 3, d, 9, tzinfo=UTC) for d in range(1, 10)]


@pytest.mark.parametrize(("case", "roster", "expected"), [
    ("topic and region beat topic only, even with more load",
     [wijkwijze("anna", regions=("delft-west",)), wijkwijze("bram", load=2)], ("bram", TOPIC_AND_REGION)),
    ("topic beats region only",
     [wijkwijze("anna", topics=("jeugd",)), wijkwijze("bram", regions=())], ("bram", TOPIC)),
    ("region only when no one knows the topic",
     [wijkwijze("anna", topics=("jeugd",)), wijkwijze("bram", topics=("wonen",), regions=("delft-west",))],
     ("anna", REGION)),
    ("the municipality of the question's focus area is its region too",
     [wijkwijze("anna", regions=("Rotterdam",)), wijkwijze("bram", regions=("Gouda",))], ("anna", TOPIC_AND_REGION)),
    ("nobody at capacity",
     [wijkwijze("anna", capacity=2, load=2), wijkwijze("bram", regions=(), load=5, capacity=6)], ("bram", TOPIC)),
    ("capacity 0 takes nothing", [wijkwijze("anna", capacity=0)], None),
    ("nobody away", [wijkwijze("anna", away_until="2030-03-13"), wijkwijze("bram", regions=())], ("bram", TOPIC)),
    ("back on the away-until day", [wijkwijze("anna", away_until="2030-03-12"), wijkwijze("bram", regions=())],
     ("anna", TOPIC_AND_REGION)),
    ("least load breaks a tie", [wijkwijze("anna", load=2), wijkwijze("bram", load=1), wijkwijze("cees", load=2)],
     ("bram", TOPIC_AND_REGION)),
    ("equal load: the one whose last question is longest ago",
     [wijkwijze("anna", last=AT[3]), wijkwijze("bram", last=AT[1]), wijkwijze("cees", last=AT[2])],
     ("bram", TOPIC_AND_REGION)),
    ("equal load: someone who never had one before anyone who had",
     [wijkwijze("anna", last=AT[1]), wijkwijze("bram")], ("bram", TOPIC_AND_REGION)),
    ("nobody fits: no topic, no region", [wijkwijze("anna", topics=("jeugd",), regions=("delft-west",))], None),
    ("empty roster", [], None),
])
def test_routing_table(case, roster, expected):
    assert first(QUESTION, roster) == expected, case


def test_never_back_to_someone_who_declined_or_let_it_lie():
    roster = [wijkwijze("anna"), wijkwijze("bram", load=2), wijkwijze("cees", regions=())]
    assert first({**QUESTION, "passed": ["anna"]}, roster) == ("bram", TOPIC_AND_REGION)
    assert first({**QUESTION, "passed": ["anna", "bram"]}, roster) == ("cees", TOPIC)
    assert first({**QUESTION, "passed": ["anna", "bram", "cees"]}, roster) is None


def test_nobody_who_holds_it_already():
    assert first(QUESTION, [wijkwijze("anna", holds=["q1"]), wijkwijze("bram", load=1)]) == ("bram", TOPIC_AND_REGION)


def test_ties_go_round_fairly_over_time():
    """Three equal wijkwijzen and a stream of questions answered at once: each assignment sends
    its wijkwijze to the back of the line, so they take turns."""
    roster = [wijkwijze(sub) for sub in ("cees", "anna", "bram")]
    winners = []
    for n in range(9):
        sub, _ = first({**QUESTION, "_id": f"q{n}"}, roster)
        winners.append(sub)
        next(e for e in roster if e["_id"] == sub)["last_assigned_at"] = AT[n]
    assert winners == ["anna", "bram", "cees"] * 3


def test_every_choice_says_which_rule_chose_it():
    roster = [wijkwijze("anna", load=1), wijkwijze("bram", load=1, last=AT[0]), wijkwijze("cees", regions=())]
    choices = ranked(QUESTION, roster, TODAY)
    assert [c.sub for c in choices] == ["anna", "bram", "cees"]
    assert choices[0].explanation == ("onderwerp en regio passen; minste open vragen (1 van 3); "
                                      "bij gelijke stand nog nooit een vraag gekregen")
    assert choices[2].explanation == "onderwerp past; minste open vragen (0 van 3)"


def test_the_pool_says_why_nobody_fits():
    roster = [wijkwijze("anna", away_until="2030-04-01"), wijkwijze("bram", capacity=1, load=1),
              wijkwijze("cees", topics=("jeugd",), regions=()), wijkwijze("daan")]
    assert pool_reason({**QUESTION, "passed": ["daan"]}, roster, TODAY) == (
        "niemand past: afwezig: 1, gaf de vraag terug: 1, onderwerp en regio passen niet: 1, vol: 1")
    assert pool_reason(QUESTION, [], TODAY) == "niemand past: het rooster is leeg"
