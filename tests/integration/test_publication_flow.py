"""publications → outbox → broker → notifications, as nameko containers on the real broker and database."""
import pymongo
import pytest
from nameko.containers import ServiceContainer
from nameko.testing.services import entrypoint_hook
from notifications.service import NotificationsService
from publications.service import PublicationsService
from wijkwijzer import outbox
from wijkwijzer.errors import Conflict, Invalid, NotFound

from tests.support import eventually

pytestmark = pytest.mark.integration

AUTHOR = {"sub": "u-anna", "name": "Anna de Vries", "roles": ["member"]}
DRAFT = {"title": "Buurtpreventie in de Schilderswijk", "summary": "Wat werkt",
         "kind": "praktijkvoorbeeld", "topics": ["veiligheid"]}


@pytest.fixture
def running(service_config):
    containers = [ServiceContainer(cls, dict(service_config))
                  for cls in (NotificationsService, PublicationsService)]
    for container in containers:
        container.start()
    yield {c.service_name: c for c in containers}
    for container in containers:
        container.stop()


def call(container, method, *args):
    with entrypoint_hook(container, method) as hook:
        return hook(*args)


def test_submitted_draft_reaches_notifications_through_the_outbox(running, service_config):
    publications, notifications = running["publications"], running["notifications"]
    draft = call(publications, "create_draft", DRAFT, AUTHOR)
    assert draft["status"] == "draft" and draft["slug"].startswith("buurtpreventie-in-de-schilderswijk-")

    submitted = call(publications, "submit", draft["id"], AUTHOR)
    assert submitted["status"] == "submitted"
    history = call(publications, "history", draft["id"], AUTHOR)["history"]
    assert [h["action"] for h in history] == ["created", "submitted"]

    log = eventually(lambda: call(notifications, "event_log", draft["id"]), what="event in notifications")
    assert [entry["type"] for entry in log] == ["nl.wijkwijzer.publication.submitted"]

    db = pymongo.MongoClient(service_config["MONGODB_URI"])[service_config["MONGODB_DATABASE"]]
    stored = db.publications.find_one({"_id": draft["id"]})
    assert stored["outbox"] == [], "confirmed events are cleared"
    assert db[outbox.PENDING].count_documents({}) == 0, "and the relay's marks with them"


def test_domain_errors_reach_the_caller_as_their_own_types(running):
    publications = running["publications"]
    with pytest.raises(Invalid) as bad:
        call(publications, "create_draft", {**DRAFT, "topics": ["nope"]}, AUTHOR)
    assert bad.value.args[1][0]["field"] == "topics"
    draft = call(publications, "create_draft", DRAFT, AUTHOR)
    with pytest.raises(NotFound):
        call(publications, "get", draft["id"], None)       # drafts are not public
    call(publications, "submit", draft["id"], AUTHOR)
    with pytest.raises(Conflict):
        call(publications, "submit", draft["id"], AUTHOR)  # already submitted


def test_a_repeated_create_with_the_same_idempotency_key_returns_the_first_draft(running):
    publications = running["publications"]
    first = call(publications, "create_draft", DRAFT, AUTHOR, "key-1")
    again = call(publications, "create_draft", DRAFT, AUTHOR, "key-1")
    other = call(publications, "create_draft", DRAFT, {**AUTHOR, "sub": "u-bram"}, "key-1")
    assert again["id"] == first["id"] and other["id"] != first["id"]
    assert first["created_at"][-6:] in ("+01:00", "+02:00")  # api.md: the Dutch clock
