"""Search in the kennisbank: Dutch full text, filters, relevance or date order, pages, facets.

Full text without `$text` (not in our MongoDB subset): every publication stores the
stemmed, normalised terms of its title, summary and body (`terms`) and of its title
alone (`title_terms`), and the search index (index.py) keeps a bitmap per term, status
and taxonomy value of the publications that have it. A query's terms must all be there.

Relevance is by tiers, each newest first: first the publications with every query term
in their title, then the rest. Publications are numbered in listing order, so a page is
the next numbers of a tier below the cursor's position (tier, number): a page costs the
same at 100,000 publications as at 1,000, and new publications (which get the highest
numbers, so ahead of any position) cause no duplicates or gaps on later pages.

`match="any"` is for related publications (the helpdesk): any query term counts, the
newest RELATED_CANDIDATES candidates are scored by how many terms they share (title
terms count triple) and the best `limit` returned, in one page.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from pydantic import ValidationError
from pyroaring import BitMap
from wijkwijzer import pages
from wijkwijzer.errors import Forbidden, Invalid, field_errors

from . import text
from .domain import EDITOR_ROLES, QUEUE_REASONS
from .index import SearchIndex, Snapshot
from .schemas import SearchParams
from .storage import Publications
from .views import listed_view, review_queue_page, search_page
from .vocabulary import check_taxonomy
from .workflow import PUBLISHED

RELATED_CANDIDATES = 200
# query parameter -> (stored field, taxonomy field name as check_taxonomy knows it)
FILTERS = {"topic": ("topics", "topics"), "kind": ("kind", "kind"), "audience": ("audiences", "audiences"),
           "focus_area": ("focus_areas", "focus_areas"), "organisation": ("organisation", "organisation")}
# facet name in results -> stored field
FACETS = {"topic": "topics", "kind": "kind"}


def parse(params: dict) -> SearchParams:
    try:
        parsed = SearchParams.model_validate(params)
    except ValidationError as exc:
        raise Invalid("invalid search", field_errors(exc)) from None
    problems = []
    for name, (_, vocabulary_field) in FILTERS.items():
        try:
            check_taxonomy({vocabulary_field: getattr(parsed, name)})
        except Invalid as exc:
            problems += [{"field": name, "message": e["message"]} for e in exc.args[1]]
    if problems:
        raise Invalid("unknown taxonomy values", problems)
    return parsed


def is_editor(viewer: dict | None) -> bool:
    return bool(viewer and EDITOR_ROLES & set(viewer.get("roles") or []))


def search(index: SearchIndex, params: dict, viewer: dict | None) -> dict:
    """`{items, next_cursor, total, facets}` for a search by `viewer` (None: anonymous)."""
    parsed = parse(params)
    editor = is_editor(viewer)
    if parsed.status and not editor:
        raise Forbidden("only editors may search by status")
    terms = text.query_terms(parsed.q or "")
    any_term = bool(terms) and parsed.match == "any"
    relevance = bool(terms) and (any_term or parsed.sort != "date")
    filters = {stored: values for name, (stored, _) in FILTERS.items() if (values := getattr(parsed, name))}
    snapshot = index.read(terms, ["status", "hidden", *FACETS.values(), *filters])
    allowed = _visible(snapshot, parsed.status, editor)
    for field, values in filters.items():
        allowed &= _union(snapshot.bits(f"field:{field}={value}") for value in values)
    if any_term:
        hits = allowed & _union(snapshot.bits(f"term:{t}") for t in terms)
        result = {"items": snapshot.cards(_related(snapshot, hits, terms, parsed.limit)), "next_cursor": None}
    else:
        hits = allowed
        for term in terms:
            hits &= snapshot.bits(f"term:{term}")
        # tier 0: every term in the title; tier 1: the rest (date order: one tier)
        tiers = [hits & _intersection(snapshot.bits(f"title:{t}") for t in terms)] if relevance else []
        tiers.append(hits - tiers[0] if tiers else hits)
        after = pages.decode(parsed.cursor, {"tier": int, "n": int})
        if after is not None and not (0 <= after["tier"] < len(tiers) and 1 <= after["n"] < 2 ** 32):
            raise Invalid("invalid cursor", [{"field": "cursor", "message": "not a cursor this search gave out"}])
        result = pages.page(_ranked(tiers, after), parsed.limit, lambda hit: {"tier": hit[0], "n": hit[1]})
        result["items"] = snapshot.cards(n for _, n in result["items"])
    return search_page([listed_view(card, editor) for card in result["items"]], result["next_cursor"], len(hits),
                       {facet: _counted(hits, snapshot.values(field)) for facet, field in FACETS.items()})


def _visible(snapshot: Snapshot, statuses: list[str], editor: bool) -> BitMap:
    """Without `status`, everyone sees what is published, and only editors what flags hide."""
    if statuses:
        return _union(snapshot.bits(f"field:status={status}") for status in statuses)
    published = snapshot.bits(f"field:status={PUBLISHED}")
    return published if editor else published - snapshot.bits("field:hidden=yes")


def _union(bitmaps) -> BitMap:
    return BitMap.union(BitMap(), *bitmaps)


def _intersection(bitmaps) -> BitMap:
    bitmaps = list(bitmaps)
    return BitMap.intersection(*bitmaps) if len(bitmaps) > 1 else bitmaps[0]


def _ranked(tiers: list[BitMap], after: dict | None) -> Iterator[tuple[int, int]]:
    """(tier, number) from just after `after`, each tier highest number (newest) first."""
    for tier in range(after["tier"] if after else 0, len(tiers)):
        bits = tiers[tier]
        below = bits.rank(after["n"] - 1) if after and after["tier"] == tier else len(bits)
        while below > 0:   # in slices, so a page reads only about its own numbers
            chunk = bits[max(0, below - pages.MAX_LIMIT - 1):below]
            yield from ((tier, n) for n in reversed(list(chunk)))
            below -= len(chunk)


def _related(snapshot: Snapshot, hits: BitMap, terms: list[str], limit: int) -> list[int]:
    """The best `limit` of the newest RELATED_CANDIDATES hits, by shared terms (title terms
    count triple); equal scores stay newest first."""
    candidates = list(hits[max(0, len(hits) - RELATED_CANDIDATES):])[::-1]
    term_bits = [snapshot.bits(f"term:{t}") for t in terms]
    title_bits = [snapshot.bits(f"title:{t}") for t in terms]

    def score(n: int) -> int:
        return 3 * sum(n in bits for bits in title_bits) + sum(n in bits for bits in term_bits)
    return sorted(candidates, key=score, reverse=True)[:limit]


def _counted(hits: BitMap, values: dict[str, BitMap]) -> dict[str, int]:
    """How many hits have each value, most first; values no hit has left out."""
    counts = {value: hits.intersection_cardinality(bits) for value, bits in values.items()}
    return {value: n for value, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])) if n}


def review_queue(publications: Publications, reasons: list[str], organisations: list[str],
                 limit: int, cursor: str | None) -> dict:
    """What waits for an editor, oldest first: submissions, pending revisions, flagged and
    review-due publications (each item says why in `queue`)."""
    unknown = [r for r in reasons if r not in QUEUE_REASONS]
    if unknown:
        raise Invalid("unknown reason", [{"field": "reason", "message": f"one of {list(QUEUE_REASONS)}"}])
    check_taxonomy({"organisation": organisations})
    query: dict = {"queue": {"$in": reasons or list(QUEUE_REASONS)}}
    if organisations:
        query["organisation"] = {"$in": organisations}
    after = pages.decode(cursor, {"at": datetime, "id": str})
    if after is not None:
        query["created_at"] = {"$gte": after["at"]}

    def oldest_first() -> Iterator[dict]:
        for doc in publications.matching(query, [("created_at", 1), ("_id", 1)], batch=limit + 1):
            if after is None or (doc["created_at"], doc["_id"]) > (after["at"], after["id"]):
                yield doc
    result = pages.page(oldest_first(), limit, lambda d: {"at": d["created_at"].isoformat(), "id": d["_id"]})
    return review_queue_page([listed_view(doc, editor=True) for doc in result["items"]], result["next_cursor"])
