"""The search index: for each search term, status and taxonomy value, which publications have it.

Why not queries on the publications collection: a search must count its whole result for the
total and the facets, and ask for several terms and filters at once. Done with MongoDB queries
that is a pass over every hit per count (hundreds of milliseconds at 100,000 hits), and on
infra.md's FerretDB, which pushes down nothing but `_id`, a pass over the whole collection.

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
    {_id: "<g>/pub:<id>", n, listed_at, keys}       where a publication is indexed now
    {_id: "<g>/next", n}                            the next number to give out

A bitmap is read, changed and written back, and FerretDB has no isolation between updates,
so one writer at a time holds the lock (a unique document in `search_index_lock`). A write
marks its publication in `search_pending` before it touches the publication and clears the
mark once indexed; a writer that could not get the lock, or died, leaves the mark, and
`repair` (a timer) indexes what is marked. `rebuild` numbers every publication afresh in
listing order into a new generation and then switches searches to it.
"""
from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import DeleteOne, ReplaceOne
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError
from pyroaring import BitMap, FrozenBitMap

log = logging.getLogger(__name__)
# Point reads of one search run side by side (green threads in a nameko service, which patches
# threading; OS threads elsewhere); pymongo's pool gives each its own connection.
_LOOKUPS = ThreadPoolExecutor(max_workers=10, thread_name_prefix="search-index")

COLLECTION = "search_index"
LOCK = "search_index_lock"
PENDING = "search_pending"
FIELDS = ("status", "hidden", "topics", "kind", "audiences", "focus_areas", "organisation")
# what a search result shows of a publication (views.listed_view picks from these)
CARD = ("slug", "title", "summary", "kind", "topics", "audiences", "focus_areas", "organisation", "authors",
        "status", "hidden", "published_at", "listed_at", "queue", "review_due", "open_flags", "created_at",
        "updated_at")
LOCK_TTL = timedelta(seconds=30)      # a lock older than this was left by a writer that died
LOCK_WAIT_S = 2.0                     # a writer waits this long (a request is waiting), then leaves it to `repair`
REPAIR_AFTER = timedelta(seconds=10)  # a mark this old was left behind: its writer gave up or died
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
        self.lock = db[LOCK]
        self.pending = db[PENDING]
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

    def mark(self, publication_id: str) -> str:
        """Before a write to the publication: note that its index entry is due. Returns the token
        that `put` clears the note with."""
        token = uuid.uuid4().hex
        mark = {"_id": publication_id, "token": token, "at": datetime.now(UTC)}
        try:
            self.pending.replace_one({"_id": publication_id}, mark, upsert=True)
        except DuplicateKeyError:
            # writers of one publication at the same moment (readers flagging it) both upserted
            # a mark that was not there; one inserted it, so the other now replaces it
            self.pending.replace_one({"_id": publication_id}, mark, upsert=True)
        return token

    def unmark(self, publication_id: str, token: str) -> None:
        """The write `mark` announced did not happen."""
        self.pending.delete_one({"_id": publication_id, "token": token})

    def put(self, publication_id: str, token: str | None = None) -> bool:
        """Index the publication as it is stored now (or take it out, when it is gone), then clear
        the mark `token`. False when the lock stayed taken: the mark stays for `repair`."""
        holder = _Lock(self.lock)
        if not holder.acquire(LOCK_WAIT_S):
            log.warning("search index busy: publication %s is indexed by the next repair", publication_id)
            return False
        try:
            self._put(self.generation(), publication_id)
        finally:
            holder.release()
        if token is not None:
            self.unmark(publication_id, token)
        return True

    def _put(self, generation: int, publication_id: str) -> None:
        doc = self.publications.find_one({"_id": publication_id}, {**dict.fromkeys(CARD, 1), "terms": 1,
                                                                     "title_terms": 1})
        entry = self.collection.find_one({"_id": f"{generation}/pub:{publication_id}"}) or {}
        old_n, old_keys = entry.get("n"), set(entry.get("keys", []))
        new_keys = keys_of(doc) if doc else set()
        if doc is None:
            new_n = None
        elif old_n is not None and _naive(entry.get("listed_at")) == _naive(doc.get("listed_at")):
            new_n = old_n
        else:  # new, or listed anew (published): it goes to the top of the listing order
            new_n = self.collection.find_one_and_update(
                {"_id": f"{generation}/next"}, {"$inc": {"n": 1}}, upsert=True, return_document=True)["n"]
        changes: dict[str, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
        for key in old_keys - new_keys if new_n == old_n else old_keys:
            changes[key][1].add(old_n)
        for key in new_keys - old_keys if new_n == old_n else new_keys:
            changes[key][0].add(new_n)
        touched = self._apply(generation, {k: (add, drop) for k, (add, drop) in changes.items()})
        if old_n is not None and old_n != new_n:
            self.collection.delete_one({"_id": f"{generation}/card:{old_n}"})
        if doc is None:
            self.collection.delete_one({"_id": f"{generation}/pub:{publication_id}"})
        else:
            self.collection.replace_one({"_id": f"{generation}/card:{new_n}"},
                                        {"_id": f"{generation}/card:{new_n}", **card_of(doc)}, upsert=True)
            self.collection.replace_one(
                {"_id": f"{generation}/pub:{publication_id}"},
                {"n": new_n, "listed_at": doc.get("listed_at"), "keys": sorted(new_keys)}, upsert=True)
        # after the writes, so that no replica keeps what it read before them under the new version
        bumped = [document for document in touched if document.startswith("field:")] + ["cards"]
        if any(document.startswith("term:") for document in touched):
            bumped.append("terms")
        self.collection.update_one({"_id": "current"}, {"$inc": {f"versions.{d}": 1 for d in bumped}}, upsert=True)

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
        if writes:   # a new publication touches some hundreds of documents: one round trip
            self.collection.bulk_write(writes, ordered=False)
        return list(by_document)

    def repair(self, now: datetime | None = None) -> int:
        """Index the publications whose mark is older than REPAIR_AFTER; how many were."""
        cutoff = (now or datetime.now(UTC)) - REPAIR_AFTER
        done = 0
        for mark in list(self.pending.find({"at": {"$lt": cutoff}})):
            if self.put(mark["_id"], mark["token"]):
                done += 1
        return done

    def rebuild(self, batch: int = 1000) -> int:
        """Number every publication afresh in listing order, in a new generation, then switch
        searches to it and remove the old one. Holds the lock throughout, so writes meanwhile
        are marked and indexed by `repair` into the new generation. Returns how many."""
        holder = _Lock(self.lock)
        if not holder.acquire(LOCK_TTL.total_seconds() * 2):
            raise RuntimeError("the search index stays locked by another writer")
        try:
            old = self.generation()
            new = old + 1
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
                if len(written) >= 2 * batch:
                    self.collection.insert_many(written, ordered=False)
                    written = []
                    holder.renew()
            documents: dict[str, dict[str, bytes]] = defaultdict(dict)
            for key, bits in postings.items():
                document, slot = _storage(key)
                documents[document][slot] = _serialized(bits)
            written += [{"_id": f"{new}/{document}", "values": values} for document, values in documents.items()]
            written.append({"_id": f"{new}/next", "n": n})
            for start in range(0, len(written), batch):
                self.collection.insert_many(written[start:start + batch], ordered=False)
                holder.renew()
            self.collection.replace_one({"_id": "current"}, {"generation": new, "versions": {}}, upsert=True)
            self.collection.delete_many({"_id": {"$regex": f"^{old}/"}})
            return n
        finally:
            holder.release()


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


class _Lock:
    """The one-writer lock: a unique document with a token and an expiry. Taking it is an insert
    (atomic on every server); a lock past its expiry was left by a writer that died and is
    removed by the next one that wants it."""

    def __init__(self, collection):
        self.collection = collection
        self.token = uuid.uuid4().hex

    def acquire(self, wait_s: float) -> bool:
        deadline = time.monotonic() + wait_s
        pause = 0.005
        while True:
            now = datetime.now(UTC)
            try:
                self.collection.insert_one({"_id": "writer", "token": self.token, "expires": now + LOCK_TTL})
                return True
            except DuplicateKeyError:
                held = self.collection.find_one({"_id": "writer"})
                if held is not None and _naive(held["expires"]) < _naive(now):
                    log.warning("search index lock of a writer that died taken over")
                    self.collection.delete_one({"_id": "writer", "token": held["token"]})
                    continue
            if time.monotonic() >= deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.1)

    def renew(self) -> None:
        self.collection.update_one({"_id": "writer", "token": self.token},
                                   {"$set": {"expires": datetime.now(UTC) + LOCK_TTL}})

    def release(self) -> None:
        self.collection.delete_one({"_id": "writer", "token": self.token})
