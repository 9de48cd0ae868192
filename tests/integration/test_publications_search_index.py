"""The search index on the real MongoDB-wire server: writes keep it current, a writer that finds
it locked or dies leaves its publication to repair, and a rebuild renumbers in listing order."""
from datetime import UTC, datetime, timedelta

import pymongo
import pytest
from publications import domain, index, text
from publications.index import SearchIndex
from publications.storage import COLLECTION, Publications

pytestmark = pytest.mark.integration

AUTHOR = {"sub": "anna", "name": "Anna"}
START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(service_config):
    client = pymongo.MongoClient(service_config["MONGODB_URI"], tz_aware=True)
    yield client[service_config["MONGODB_DATABASE"]]
    client.drop_database(service_config["MONGODB_DATABASE"])
    client.close()


def published(title: str, at: datetime = START, **fields) -> dict:
    return domain.imported({"title": title, "kind": "artikel", **fields}, AUTHOR, at)


def numbers(search_index: SearchIndex, word: str) -> set[int]:
    [term] = text.query_terms(word)
    return set(search_index.read([term], []).bits(f"term:{term}"))


def entry(search_index: SearchIndex, publication_id: str) -> dict | None:
    return search_index.collection.find_one({"_id": f"{search_index.generation()}/pub:{publication_id}"})


def test_a_stored_publication_is_found_by_its_terms_and_an_edit_moves_them(db):
    publications = Publications(db)
    doc, _ = publications.insert(published("Parkeren in de wijk"))
    n = entry(publications.index, doc["_id"])["n"]
    assert numbers(publications.index, "parkeren") == {n}
    assert not db[index.PENDING].find_one({"_id": doc["_id"]}), "the mark is cleared once indexed"
    before = publications.index.read([], ["status"])   # the replica now keeps these and the card
    assert n in before.bits("field:status=published") and before.cards([n])[0]["title"] == "Parkeren in de wijk"

    db[COLLECTION].update_one({"_id": doc["_id"]}, {"$set": {"status": "withdrawn", **domain.indexed({
        **{k: doc[k] for k in domain.CONTENT}, "title": "Groen in de wijk"})}})
    assert publications.index.put(doc["_id"])
    assert numbers(publications.index, "parkeren") == set(), "the old term lets go of it"
    assert numbers(publications.index, "groen") == {n}, "same listing, same number"
    after = publications.index.read([], ["status"])
    assert n not in after.bits("field:status=published") and n in after.bits("field:status=withdrawn"), \
        "what the replica kept is read again once written"
    [card] = after.cards([n])
    assert card["title"] == "Groen in de wijk" and card["_id"] == doc["_id"]

    db[COLLECTION].delete_one({"_id": doc["_id"]})
    assert publications.index.put(doc["_id"])
    assert numbers(publications.index, "groen") == set() and entry(publications.index, doc["_id"]) is None


def test_a_writer_that_finds_the_index_locked_leaves_its_publication_to_repair(db, monkeypatch):
    publications = Publications(db)
    holder = index._Lock(db[index.LOCK])
    assert holder.acquire(1)
    monkeypatch.setattr(index, "LOCK_WAIT_S", 0.2)
    doc, _ = publications.insert(published("Buurtpreventie in Zuid"))
    assert numbers(publications.index, "buurtpreventie") == set()
    assert db[index.PENDING].find_one({"_id": doc["_id"]}), "marked for repair"
    assert publications.index.repair() == 0, "still locked"

    holder.release()
    assert publications.index.repair(now=datetime.now(UTC)) == 0, "a fresh mark is its writer's own"
    assert publications.index.repair(now=datetime.now(UTC) + index.REPAIR_AFTER * 2) == 1
    assert len(numbers(publications.index, "buurtpreventie")) == 1
    assert db[index.PENDING].count_documents({}) == 0


def test_a_lock_left_by_a_writer_that_died_is_taken_over(db):
    db[index.LOCK].insert_one({"_id": "writer", "token": "dead", "expires": datetime.now(UTC) - timedelta(seconds=1)})
    publications = Publications(db)
    publications.insert(published("Schuldhulp dichtbij"))
    assert len(numbers(publications.index, "schuldhulp")) == 1
    assert db[index.LOCK].count_documents({}) == 0, "released after use"


def test_a_rebuild_numbers_in_listing_order_and_replaces_the_old_generation(db):
    publications = Publications(db)
    live, _ = publications.insert(published("Speeltuin als ontmoetingsplek", START + timedelta(days=9)))
    # an import: stored directly, out of listing order, then indexed by a rebuild
    imported = [published(f"Speeltuin {n}", START + timedelta(days=day)) for n, day in enumerate([5, 1, 7])]
    db[COLLECTION].insert_many(imported)
    before = publications.index.generation()
    assert publications.index.rebuild() == 4
    assert publications.index.generation() == before + 1
    assert db[index.COLLECTION].count_documents({"_id": {"$regex": f"^{before}/"}}) == 0

    hits = sorted(numbers(publications.index, "speeltuin"), reverse=True)
    cards = publications.index.read([], []).cards(hits)
    assert [c["_id"] for c in cards] == [live["_id"], imported[2]["_id"], imported[0]["_id"], imported[1]["_id"]]
    # writes after the rebuild go on in the new generation
    later, _ = publications.insert(published("Speeltuin van morgen", datetime.now(UTC)))
    assert entry(publications.index, later["_id"])["n"] == 5
