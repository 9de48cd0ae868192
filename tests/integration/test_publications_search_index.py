"""The search index on the real MongoDB-wire server: `put` indexes publications as they are
stored (in batches, idempotently), and a rebuild renumbers in listing order."""
from datetime import UTC, datetime, timedelta

import pymongo
import pytest
from publications import domain, drafts, index, schemas, text
from publications.index import SearchIndex
from publications.storage import COLLECTION

from tests.content import Corpus

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
    return drafts.imported({"title": title, "kind": "artikel", **fields}, AUTHOR, at)


def numbers(search_index: SearchIndex, word: str) -> set[int]:
    [term] = text.query_terms(word)
    return set(search_index.read([term], []).bits(f"term:{term}"))


def entry(search_index: SearchIndex, publication_id: str) -> dict | None:
    return search_index.collection.find_one({"_id": f"{search_index.generation()}/pub:{publication_id}"})


def test_a_stored_publication_is_found_by_its_terms_and_an_edit_moves_them(db):
    search_index = SearchIndex(db, COLLECTION)
    doc = published("Parkeren in de wijk")
    db[COLLECTION].insert_one(doc)
    search_index.put([doc["_id"]])
    n = entry(search_index, doc["_id"])["n"]
    assert numbers(search_index, "parkeren") == {n}
    before = search_index.read([], ["status"])   # the replica now keeps these and the card
    assert n in before.bits("field:status=published") and before.cards([n])[0]["title"] == "Parkeren in de wijk"

    db[COLLECTION].update_one({"_id": doc["_id"]}, {"$set": {"status": "withdrawn", **domain.indexed({
        **{k: doc[k] for k in schemas.CONTENT}, "title": "Groen in de wijk"})}})
    search_index.put([doc["_id"]])
    search_index.put([doc["_id"]])   # a redelivered event changes nothing
    assert numbers(search_index, "parkeren") == set(), "the old term lets go of it"
    assert numbers(search_index, "groen") == {n}, "same listing, same number"
    after = search_index.read([], ["status"])
    assert n not in after.bits("field:status=published") and n in after.bits("field:status=withdrawn"), \
        "what the replica kept is read again once written"
    [card] = after.cards([n])
    assert card["title"] == "Groen in de wijk" and card["_id"] == doc["_id"]

    db[COLLECTION].delete_one({"_id": doc["_id"]})
    search_index.put([doc["_id"]])
    assert numbers(search_index, "groen") == set() and entry(search_index, doc["_id"]) is None


def test_a_batch_of_long_articles_sharing_their_words_is_indexed_in_bounded_writes(db):
    """Articles of hundreds to thousands of words with a shared vocabulary: each touches far more
    word documents than one write may hold (index.WRITE_BATCH). Unpatched FerretDB hung here."""
    corpus = Corpus(seed=7, anchor=START)
    docs = [drafts.imported(corpus.publication(i, words=words)[0], AUTHOR, START + timedelta(minutes=i))
            for i, words in enumerate([300, 800, 1500, 3000, 600])]
    db[COLLECTION].insert_many(docs)
    search_index = SearchIndex(db, COLLECTION)
    search_index.put([docs[0]["_id"]])
    search_index.put([d["_id"] for d in docs[1:]])
    assert len({t for d in docs for t in d["terms"]}) > 2 * index.WRITE_BATCH
    snapshot = search_index.read([], ["status"])
    assert len(snapshot.bits("field:status=published")) == 5
    for doc in docs:
        n = entry(search_index, doc["_id"])["n"]
        some_terms = sorted(doc["terms"])[::max(1, len(doc["terms"]) // 20)]
        found = search_index.read(some_terms, [])
        assert all(n in found.bits(f"term:{t}") for t in some_terms)
    # a word every article has is in every article's bitmap
    shared = set.intersection(*(set(d["terms"]) for d in docs))
    assert shared
    word = min(shared)
    assert len(search_index.read([word], []).bits(f"term:{word}")) == 5


def test_a_rebuild_numbers_in_listing_order_and_replaces_the_old_generation(db):
    search_index = SearchIndex(db, COLLECTION)
    live = published("Speeltuin als ontmoetingsplek", START + timedelta(days=9))
    db[COLLECTION].insert_one(live)
    search_index.put([live["_id"]])
    # an import: stored directly, out of listing order, then indexed by a rebuild
    imported = [published(f"Speeltuin {n}", START + timedelta(days=day)) for n, day in enumerate([5, 1, 7])]
    db[COLLECTION].insert_many(imported)
    before = search_index.generation()
    reported = []
    assert search_index.rebuild(reported.append) == 4
    assert search_index.generation() == before + 1
    assert db[index.COLLECTION].count_documents({"_id": {"$regex": f"^{before}/"}}) == 0

    hits = sorted(numbers(search_index, "speeltuin"), reverse=True)
    cards = search_index.read([], []).cards(hits)
    assert [c["_id"] for c in cards] == [live["_id"], imported[2]["_id"], imported[0]["_id"], imported[1]["_id"]]
    # writes after the rebuild go on in the new generation
    later = published("Speeltuin van morgen", datetime.now(UTC))
    db[COLLECTION].insert_one(later)
    search_index.put([later["_id"]])
    assert entry(search_index, later["_id"])["n"] == 5


def test_a_rebuild_removes_what_a_batch_left_in_a_generation_it_replaced(db):
    """A consumer batch that straddled the last switch wrote into the old generation after the
    rebuild removed it; the next rebuild removes that too."""
    search_index = SearchIndex(db, COLLECTION)
    doc = published("Buurtbudget")
    db[COLLECTION].insert_one(doc)
    search_index.rebuild()
    old = search_index.generation()
    search_index.rebuild()
    db[index.COLLECTION].insert_one({"_id": f"{old}/term:late", "values": {}})   # the late batch
    search_index.rebuild()
    assert db[index.COLLECTION].count_documents({"_id": {"$regex": f"^{old}/"}}) == 0
    assert numbers(search_index, "buurtbudget") == {1}


def test_a_search_never_finds_a_number_whose_card_is_not_there_yet(db, monkeypatch):
    """The moment the bitmaps of a batch are written, a search may count them: the cards of
    those numbers must already be there (else a page shows fewer items than its total)."""
    corpus = Corpus(seed=11, anchor=START)
    docs = [drafts.imported(corpus.publication(i, words=400)[0], AUTHOR, START + timedelta(minutes=i))
            for i in range(12)]
    db[COLLECTION].insert_many(docs)
    search_index = SearchIndex(db, COLLECTION)
    seen = []
    apply = SearchIndex._apply

    def apply_then_search(self, generation, changes):
        touched = apply(self, generation, changes)
        listed = SearchIndex(db, COLLECTION).read([], ["status"]).bits("field:status=published")
        cards = search_index.collection.count_documents({"_id": {"$in": [f"{generation}/card:{n}" for n in listed]}})
        seen.append((len(listed), cards))
        return touched
    monkeypatch.setattr(SearchIndex, "_apply", apply_then_search)
    search_index.put([d["_id"] for d in docs[:5]])
    search_index.put([d["_id"] for d in docs[5:]])
    assert seen == [(5, 5), (12, 12)]


@pytest.mark.parametrize("listed_anew", [False, True], ids=["edited", "published-anew"])
def test_a_batch_that_died_after_its_bitmaps_leaves_nothing_behind_once_redone(db, monkeypatch, listed_anew):
    """The consumer's process dies after the bitmaps of a batch are written, before the entries
    say so; the publication then changes again and the next batch indexes it. Nothing of the
    dead batch stays: no word it no longer has, no second number, no stray card."""
    search_index = SearchIndex(db, COLLECTION)
    doc = published("Buurtpreventie in Overvecht")
    db[COLLECTION].insert_one(doc)
    search_index.put([doc["_id"]])

    def change(title: str) -> None:
        fields = {**{k: doc[k] for k in schemas.CONTENT}, "title": title}
        later = {"listed_at": doc["listed_at"] + timedelta(days=1)} if listed_anew else {}
        db[COLLECTION].update_one({"_id": doc["_id"]}, {"$set": {**domain.indexed(fields), **later}})
        doc.update(later)

    change("Wijkveiligheid in Overvecht")
    apply = SearchIndex._apply

    def apply_then_die(self, generation, changes):
        apply(self, generation, changes)
        raise SystemExit("killed")
    monkeypatch.setattr(SearchIndex, "_apply", apply_then_die)
    with pytest.raises(SystemExit):
        search_index.put([doc["_id"]])
    monkeypatch.setattr(SearchIndex, "_apply", apply)
    change("Bewonersavond in Overvecht")
    search_index.put([doc["_id"]])

    n = entry(search_index, doc["_id"])["n"]
    assert "pending" not in entry(search_index, doc["_id"])
    assert numbers(search_index, "buurtpreventie") == set() and numbers(search_index, "wijkveiligheid") == set()
    assert numbers(search_index, "bewonersavond") == {n} and numbers(search_index, "overvecht") == {n}
    assert set(search_index.read([], ["status"]).bits("field:status=published")) == {n}
    cards = search_index.collection.count_documents({"_id": {"$regex": "/card:"}})
    assert cards == 1
