"""The search index: for each search term, status and taxonomy value, which publications have it.

Why not queries on the publications collection: a search must count its whole result for the
total and the facets, and ask for several terms and filters at once. Done with MongoDB queries
that is a pass over every hit per count (hundreds of milliseconds at 100,000 hits), and on
the local FerretDB, which answers nothing but `_id` from an index, a pass over the whole
collection (docs/database.md).

So every publication gets a number, `n`, in the order it was listed (published, or created for
drafts), and every search key holds a compressed bitmap (Roaring, through pyroaring) of the
numbers that have it. A search reads the bitmaps it needs by `_id`, the one lookup every
MongoDB-wire server answers from an index, combines them in memory, counts facets by
intersection, pages by number (the newest listed has the highest), and reads the cards of one
page: about ten plus `limit` point reads, at 1,000 publications as at 100,000.

Documents of the `search_index` collection, all in the current generation `<g>`:

    {_id: "current", generation: g, versions: {<document>: v}}
                                                    which generation searches read, and how
                                                    often each field document, the words and
                                                    the cards changed in it (see _Kept)
    {_id: "<g>/term:<t>", values: {all: bits, title: bits}}
                                                    publications with the stemmed term t, and
                                                    with t in their title (relevance tier)
    {_id: "<g>/field:<f>", values: {<v>: bits}}     ... per value of each field in FIELDS
    {_id: "<g>/card:<n>", ...}                      what a result shows of publication n
    {_id: "<g>/pub:<id>", n, listed_at, keys}       where a publication is indexed now (and,
                                                    while a batch writes it, `pending: {n, keys}`)
    {_id: "<g>/next", n}                            the next number to give out

    {_id: "current", ..., retired: [g']}           generations a rebuild replaced (see rebuild)

The index is a read model of the publications: every write of a publication sends
`publication.changed` (through the outbox, so none is lost), and the service's consumer of it
indexes the publication as it is then (`put`). A write shows in search once its event is
handled, normally within a second. `rebuild` numbers every publication afresh in listing order
into a new generation and then switches searches to it.
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pymongo import DeleteOne, ReplaceOne, UpdateOne
from pymongo.database import Database
from pyroaring import BitMap, FrozenBitMap

log = logging.getLogger(__name__)
# Point reads of one search run side by side (green threads in a nameko service, which patches
# threading; OS threads elsewhere); pymongo's pool gives each its own connection.
_LOOKUPS = ThreadPoolExecutor(max_workers=10, thread_name_prefix="search-index")

COLLECTION = "search_index"
FIELDS = ("status", "hidden", "topics", "kind", "audiences", "focus_areas", "organisation")
# what a search result shows of a publication (views.listed_view picks from these)
CARD = ("slug", "title", "summary", "kind", "topics", "audiences", "focus_areas", "organisation", "authors",
        "status", "hidden", "published_at", "listed_at", "queue", "review_due", "due_for_review", "open_flags",
        "created_at", "updated_at")
WRITE_BATCH = 100                     # statements per bulk write: a server holds them all until the last
REBUILD_PROGRESS = 10_000             # publications between two progress reports of a rebuild
KEPT_DOCUMENTS = 2_000                # word and field documents a replica keeps (up to 300 kB each)
KEPT_CARDS = 20_000                   # cards a replica keeps (about 1 kB each)


def keys_of(doc: dict) -> set[str]:
    """Every search key a publication has: its terms, title terms and field values."""
    keys = {f"term:{t}" for t in doc.get("terms") or []} | {f"title:{t}" for t in doc.get("title_terms") or []}
    for name in FIELDS:
        value = doc.get(name)
        if name == "hidden":
            value = "yes" if value else None
        for v in value if isinstance(value, list) else [value]:
            if v is not None:
                keys.add(f"field:{name}={v}")
    return keys


def card_of(doc: dict) -> dict:
    return {"publication_id": doc["_id"], **{name: doc[name] for name in CARD if name in doc}}


def _storage(key: str) -> tuple[str, str]:
    """The document a key's bitmap lives in, and its name there: a term's document holds both its
    bitmaps (anywhere, and in the title); one field's values share one document. So a search
    reads each of its terms and each field once."""
    kind, name = key.split(":", 1)
    if kind == "field":
        field, value = name.split("=", 1)
        return f"field:{field}", value
    return f"term:{name}", "all" if kind == "term" else "title"


def _key(document: str, slot: str) -> str:
    """The key of the bitmap `slot` of `document` (the inverse of _storage)."""
    kind, name = document.split(":", 1)
    if kind == "field":
        return f"field:{name}={slot}"
    return f"{'term' if slot == 'all' else 'title'}:{name}"


class _Kept:
    """What a replica keeps of the index between searches, least recently used out first: the
    documents of fields (at 100,000 publications hundreds of kilobytes, and every search reads
    them) and of searched words, and the cards of recent results.

    An entry holds the version that the `current` document gave its kind of document when it
    was read (per field; one for all words; one for all cards). A writer bumps those versions
    after writing, so a search, which reads `current` anyway for the generation, knows which
    entries still hold and reads only the others. An entry read while a writer was at work may
    hold newer content under the older version; the next search sees the newer version and
    reads it again. Words and cards share a version each because they are many: any write of
    publication content makes a replica read its words and cards afresh.
    """

    def __init__(self, size: int):
        self.entries: OrderedDict[tuple, tuple[int, Any]] = OrderedDict()
        self.size = size
        self.guard = threading.Lock()   # a search reads its cards side by side

    def get(self, key: tuple, version: int, read: Callable[[], Any]) -> Any:
        with self.guard:
            held = self.entries.get(key)
        if held is None or held[0] != version:
            held = (version, read())
            if held[1] is None:
                return None   # not there (yet): nothing to keep
        with self.guard:
            self.entries[key] = held
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return held[1]


_DOCUMENTS = _Kept(KEPT_DOCUMENTS)
_CARDS = _Kept(KEPT_CARDS)


@dataclass
class Snapshot:
    """What one search read of the index: bitmaps by key, and how to fetch cards."""
    index: SearchIndex | None
    generation: int
    bitmaps: dict[str, FrozenBitMap]
    versions: dict[str, int] = field(default_factory=dict)

    def bits(self, key: str) -> FrozenBitMap:
        return self.bitmaps.get(key) or FrozenBitMap()

    def values(self, field: str) -> dict[str, FrozenBitMap]:
        prefix = f"field:{field}="
        return {k[len(prefix):]: bm for k, bm in self.bitmaps.items() if k.startswith(prefix)}

    def cards(self, numbers: Iterable[int]) -> list[dict]:
        return self.index.cards(self, numbers)


class SearchIndex:
    def __init__(self, db: Database, publications: str):
        self.collection = db[COLLECTION]
        self.publications = db[publications]

    # -- reading -------------------------------------------------------------------------------

    def _current(self) -> dict:
        return self.collection.find_one({"_id": "current"}) or {}

    def generation(self) -> int:
        return self._current().get("generation", 0)

    def read(self, terms: Iterable[str], fields: Iterable[str]) -> Snapshot:
        """The bitmaps of these terms (anywhere and in the title) and fields (every value)."""
        current = self._current()
        generation, versions = current.get("generation", 0), current.get("versions", {})

        def bitmaps_of(document: str) -> dict[str, FrozenBitMap]:
            stored = self.collection.find_one({"_id": f"{generation}/{document}"}) or {}
            # frozen: kept entries are shared by every search of the replica
            return {_key(document, slot): FrozenBitMap.deserialize(bits)
                    for slot, bits in stored.get("values", {}).items()}
        bitmaps: dict[str, FrozenBitMap] = {}
        documents = [(f"term:{t}", "terms") for t in terms] + [(f"field:{f}", f"field:{f}") for f in fields]
        for document, kind in dict.fromkeys(documents):
            bitmaps.update(_DOCUMENTS.get((self.collection.full_name, generation, document), versions.get(kind, 0),
                                          lambda d=document: bitmaps_of(d)))
        return Snapshot(self, generation, bitmaps, versions)

    def cards(self, snapshot: Snapshot, numbers: Iterable[int]) -> list[dict]:
        """The cards of these numbers, in that order: kept ones, and the others read one lookup
        each (`$in` on `_id` is no indexed lookup on FerretDB), side by side. A number
        renumbered meanwhile is left out."""
        version = snapshot.versions.get("cards", 0)

        def read(n: int) -> dict | None:
            card = self.collection.find_one({"_id": f"{snapshot.generation}/card:{n}"})
            if card is not None:
                card["_id"] = card.pop("publication_id")
            return card

        def card(n: int) -> dict | None:
            return _CARDS.get((self.collection.full_name, snapshot.generation, n), version, lambda: read(n))
        return [dict(found) for found in _LOOKUPS.map(card, numbers) if found is not None]

    # -- writing -------------------------------------------------------------------------------
    # Bitmaps are read, changed and written back, so there is one writer at a time: the service's
    # `publication.changed` consumer, the single active consumer of its queue across replicas,
    # one batch at a time (wijkwijzer.consumer.BatchEventConsumer). No lock in the database.

    def put(self, publication_ids: Iterable[str]) -> list[dict]:
        """Index these publications as they are stored now; one that is gone is taken out.
        Idempotent: each entry is rebuilt from the publication's current state, so the order
        and the repetition of the events that ask for it do not matter. Returns the publications
        as indexed (their CARD fields)."""
        generation = self.generation()
        ids = list(dict.fromkeys(publication_ids))
        projection = {**dict.fromkeys(CARD, 1), "terms": 1, "title_terms": 1}
        docs = list(_LOOKUPS.map(lambda i: self.publications.find_one({"_id": i}, projection), ids))
        entries = list(_LOOKUPS.map(lambda i: self.collection.find_one({"_id": f"{generation}/pub:{i}"}) or {},
                                    ids))
        # new, or listed anew (published): to the top of the listing order, in arrival order
        renumbered = [i for i, (doc, entry) in enumerate(zip(docs, entries, strict=True))
                      if doc is not None and (entry.get("n") is None
                                              or _naive(entry.get("listed_at")) != _naive(doc.get("listed_at")))]
        numbers = {}
        if renumbered:
            last = self.collection.find_one_and_update({"_id": f"{generation}/next"}, {"$inc": {"n": len(renumbered)}},
                                                       upsert=True, return_document=True)["n"]
            numbers = dict(zip(renumbered, range(last - len(renumbered) + 1, last + 1), strict=True))
        changes: dict[str, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
        # In this order: the cards, so that no search finds a number whose card is not there yet;
        # a `pending` mark on each entry, saying what the bitmaps are about to hold of it; the
        # bitmaps; the entries themselves (which drops the marks); old cards. A batch that dies
        # part-way is redone in full by the next: what its entries and marks name is taken out of
        # the bitmaps wherever it is not wanted now.
        cards: list[ReplaceOne] = []
        marks: list[UpdateOne] = []
        writes: list[ReplaceOne | DeleteOne] = []
        for i, (publication_id, doc, entry) in enumerate(zip(ids, docs, entries, strict=True)):
            old_n, old_keys, pending = entry.get("n"), set(entry.get("keys", [])), entry.get("pending")
            new_n = None if doc is None else numbers.get(i, old_n)
            new_keys = keys_of(doc) if doc else set()
            held: dict[int, set[str]] = defaultdict(set)   # what the bitmaps may hold of it, by number
            if old_n is not None:
                held[old_n] |= old_keys
            if pending:
                held[pending["n"]] |= set(pending["keys"])
            for n, keys in held.items():
                for key in keys - new_keys if n == new_n else keys:
                    changes[key][1].add(n)
            for key in new_keys - old_keys if new_n == old_n and not pending else new_keys:
                changes[key][0].add(new_n)
            entry_id = f"{generation}/pub:{publication_id}"
            if doc is None:
                writes.append(DeleteOne({"_id": entry_id}))
            else:
                cards.append(ReplaceOne({"_id": f"{generation}/card:{new_n}"}, card_of(doc), upsert=True))
                marks.append(UpdateOne({"_id": entry_id}, {"$set": {"pending": {"n": new_n, "keys": sorted(new_keys)}}},
                                       upsert=True))
                writes.append(ReplaceOne({"_id": entry_id},
                                         {"n": new_n, "listed_at": doc.get("listed_at"), "keys": sorted(new_keys)},
                                         upsert=True))
            writes += [DeleteOne({"_id": f"{generation}/card:{n}"}) for n in held if n != new_n]
        self._write(cards)
        self._write(marks)
        touched = self._apply(generation, changes)
        self._write(writes)
        # after the writes, so that no replica keeps what it read before them under the new version
        bumped = [document for document in touched if document.startswith("field:")] + ["cards"]
        if any(document.startswith("term:") for document in touched):
            bumped.append("terms")
        self.collection.update_one({"_id": "current"}, {"$inc": {f"versions.{d}": 1 for d in bumped}}, upsert=True)
        return [doc for doc in docs if doc is not None]

    def _apply(self, generation: int, changes: dict[str, tuple[set[int], set[int]]]) -> list[str]:
        """Add and drop numbers in the bitmaps of these keys: each document read (side by side),
        changed and written back; returns the documents written."""
        by_document: dict[str, dict[str, tuple[set[int], set[int]]]] = defaultdict(dict)
        for key, change in changes.items():
            document, slot = _storage(key)
            by_document[document][slot] = change
        ids = [f"{generation}/{document}" for document in by_document]
        writes: list[ReplaceOne | DeleteOne] = []
        for _id, stored, slots in zip(ids, _LOOKUPS.map(lambda i: self.collection.find_one({"_id": i}), ids),
                                      by_document.values(), strict=True):
            kept = dict((stored or {}).get("values", {}))
            for slot, change in slots.items():
                bits = _changed(kept.get(slot), *change)
                if bits:
                    kept[slot] = bits
                else:
                    kept.pop(slot, None)
            writes.append(ReplaceOne({"_id": _id}, {"values": kept}, upsert=True) if kept else DeleteOne({"_id": _id}))
        self._write(writes)
        return list(by_document)

    def _write(self, writes: list[ReplaceOne | UpdateOne | DeleteOne | dict]) -> None:
        """In bounded batches: a long article touches some hundreds of word documents, and a
        rebuild writes every document of the index (ReplaceOne/DeleteOne, or dicts to insert)."""
        for start in range(0, len(writes), WRITE_BATCH):
            batch = writes[start:start + WRITE_BATCH]
            if isinstance(batch[0], dict):
                self.collection.insert_many(batch, ordered=False)
            else:
                self.collection.bulk_write(batch, ordered=False)

    def rebuild(self, progress: Callable[[int], None] = lambda n: None) -> int:
        """Number every publication afresh in listing order, in a new generation, then switch
        searches to it and remove the old one; returns how many. `progress(n)` is told every
        REBUILD_PROGRESS publications.

        The consumer keeps indexing into the old generation meanwhile: what it wrote after the
        rebuild read a publication is lost with that generation, so the caller asks for the
        publications changed since the rebuild began to be indexed again (reindex.py). A batch
        of the consumer that straddles the switch may leave documents in the old generation
        after it was removed: it stays listed in `retired`, and the next rebuild removes it."""
        current = self._current()
        old, retired = current.get("generation", 0), current.get("retired", [])
        new = max([old, *retired]) + 1
        self.collection.delete_many({"_id": {"$regex": f"^{new}/"}})  # a rebuild that died before
        postings: dict[str, BitMap] = defaultdict(BitMap)
        written: list[dict] = []
        n = 0
        projection = {**dict.fromkeys(CARD, 1), "terms": 1, "title_terms": 1}
        for doc in self.publications.find({}, projection).sort([("listed_at", 1), ("_id", 1)]):
            n += 1
            keys = keys_of(doc)
            for key in keys:
                postings[key].add(n)
            written.append({"_id": f"{new}/card:{n}", **card_of(doc)})
            written.append({"_id": f"{new}/pub:{doc['_id']}", "n": n, "listed_at": doc.get("listed_at"),
                            "keys": sorted(keys)})
            if len(written) >= 2 * WRITE_BATCH:
                self._write(written)
                written = []
            if n % REBUILD_PROGRESS == 0:
                progress(n)
        documents: dict[str, dict[str, bytes]] = defaultdict(dict)
        for key, bits in postings.items():
            document, slot = _storage(key)
            documents[document][slot] = _serialized(bits)
        written += [{"_id": f"{new}/{document}", "values": values} for document, values in documents.items()]
        written.append({"_id": f"{new}/next", "n": n})
        self._write(written)
        self.collection.replace_one({"_id": "current"}, {"generation": new, "versions": {}, "retired": [old]},
                                    upsert=True)
        for generation in {old, *retired}:
            self.collection.delete_many({"_id": {"$regex": f"^{generation}/"}})
        return n


def _serialized(bits: BitMap) -> bytes:
    bits.run_optimize()
    return bits.serialize()


def _changed(stored: bytes | None, add: set[int], drop: set[int]) -> bytes | None:
    bits = BitMap.deserialize(stored) if stored else BitMap()
    bits |= BitMap(add)
    bits -= BitMap(drop)
    return _serialized(bits) if bits else None


def _naive(moment: Any) -> Any:
    """A stored datetime as pymongo returns it without tz_aware: compare like with like."""
    return moment.replace(tzinfo=None) if isinstance(moment, datetime) else moment
