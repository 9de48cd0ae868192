"""Publications stored by an older version get this version's search fields and HTML."""
from datetime import UTC, datetime

import pytest
from publications import domain, drafts
from publications.reindex import reindexed

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def test_an_old_publication_without_search_fields_is_filled_in():
    old = {"_id": "p1", "slug": "p-1", "title": "Wijkagenda's van bewoners", "summary": "", "body": "**Vet**",
           "kind": "artikel", "topics": ["veiligheid"], "audiences": [], "focus_areas": [], "organisation": None,
           "author": {"sub": "anna", "name": "Anna"}, "status": "published", "created_at": NOW,
           "updated_at": NOW, "published_at": NOW, "version": 3}
    changes = reindexed(old)
    assert set(domain.text.query_terms("bewoner wijkagenda")) <= set(changes["terms"])
    assert changes["body_html"] == "<p><strong>Vet</strong></p>"
    assert changes["hidden"] is False and changes["listed_at"] == NOW and changes["queue"] == []
    assert "version" not in changes, "readers see no change"


def test_a_current_publication_keeps_its_state():
    doc = {**drafts.new_draft({"title": "Buurtpreventie", "kind": "tool"}, {"sub": "anna"}, NOW),
           "hidden": True, "open_flags": 3, "status": "published"}
    changes = reindexed(doc)
    assert "hidden" not in changes and "open_flags" not in changes and changes["queue"] == ["flagged"]
