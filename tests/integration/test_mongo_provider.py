"""MongoDatabase in a real nameko container against the real MongoDB-wire server."""
import pymongo
import pytest
from nameko.containers import ServiceContainer
from nameko.testing.services import entrypoint_hook
from wijkwijzer.mongo import MongoDatabase
from wijkwijzer.rpc import rpc

pytestmark = pytest.mark.integration


class Notebook:
    name = "notebook"
    db = MongoDatabase(indexes={"notes": [([("slug", 1)], {"unique": True})]})

    @rpc
    def add(self, slug):
        self.db.notes.insert_one({"slug": slug})
        return self.db.notes.count_documents({})


def test_indexes_exist_at_start_and_workers_use_the_service_database(service_config):
    container = ServiceContainer(Notebook, service_config)
    container.start()
    try:
        probe = pymongo.MongoClient(service_config["MONGODB_URI"])
        db = probe[service_config["MONGODB_DATABASE"]]
        assert any(ix.get("unique") and ix["key"] == {"slug": 1}
                   for ix in db.notes.list_indexes())
        with entrypoint_hook(container, "add") as add:
            assert add("buurtagenda") == 1
            with pytest.raises(pymongo.errors.DuplicateKeyError):
                add("buurtagenda")
        assert db.notes.count_documents({}) == 1
        probe.drop_database(db.name)
        probe.close()
    finally:
        container.stop()
    provider = next(iter(container.dependencies))
    assert provider.client is None  # closed on stop


def test_client_is_closed_on_kill(service_config):
    container = ServiceContainer(Notebook, service_config)
    container.start()
    container.kill()
    assert next(iter(container.dependencies)).client is None
