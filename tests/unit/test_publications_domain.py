from datetime import UTC, datetime

import pytest
from publications import domain
from wijkwijzer.errors import Conflict, Invalid

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
ANNA = {"sub": "anna", "name": "Anna", "roles": ["member"]}


def draft(**fields):
    return domain.new_draft({"title": "Wijkagenda's in Overvecht", "kind": "praktijkvoorbeeld", **fields},
                            ANNA, NOW)


def test_a_new_draft_has_a_readable_unique_slug_and_its_history():
    one, two = draft(), draft()
    assert one["slug"].startswith("wijkagenda-s-in-overvecht-") and one["slug"] != two["slug"]
    assert one["status"] == "draft" and one["history"][0]["action"] == "created"
    assert one["idempotency_key"] == one["_id"]


def test_unknown_taxonomy_values_are_named_per_field():
    with pytest.raises(Invalid) as error:
        draft(topics=["veiligheid", "zwemmen"], focus_areas=["atlantis"])
    assert [e["field"] for e in error.value.args[1]] == ["topics", "focus_areas"]


def test_only_the_author_submits_and_only_a_draft():
    doc = draft()
    change, event = domain.submit(doc, ANNA, NOW)
    assert change["set"]["status"] == "submitted" and event.id == doc["_id"]
    assert "author" not in event.model_dump()  # public event: no personal data
    with pytest.raises(Conflict):
        domain.submit(doc, {"sub": "bram"}, NOW)
    with pytest.raises(Conflict):
        domain.submit({**doc, "status": "submitted"}, ANNA, NOW)


@pytest.mark.parametrize("status, viewer, visible", [
    ("published", None, True),
    ("draft", None, False),
    ("draft", {"sub": "bram", "roles": ["member"]}, False),
    ("draft", {"sub": "anna", "roles": []}, True),
    ("submitted", {"sub": "eva", "roles": ["editor"]}, True),
])
def test_who_may_view(status, viewer, visible):
    assert domain.may_view({**draft(), "status": status}, viewer) is visible


def test_missing_or_malformed_fields_are_invalid_not_a_crash():
    with pytest.raises(Invalid) as error:
        domain.new_draft({"kind": "praktijkvoorbeeld", "topics": "veiligheid"}, ANNA, NOW)
    assert {e["field"] for e in error.value.args[1]} == {"title", "topics"}
    with pytest.raises(Invalid):
        domain.new_draft({"title": "Goede titel", "kind": "praktijkvoorbeeld"}, {"name": "no sub"}, NOW)
