"""Search in the kennisbank: Dutch full text, filters, relevance or date order, pages, facets.

Full text without `$text` (not in our MongoDB subset): every publication stores the
stemmed, normalised terms of its title, summary and body (`terms`) and of its title
alone (`title_terms`), indexed as multikey fields. A query's terms must all be in
`terms` (`$all`).

Relevance is by tiers, each newest first: first the publications with every query
term in their title, then the rest. Within our subset no score can be computed in
the database, but tiers can be read in index order and paged by a keyset
position (tier, listed_at, id), so a page costs the same at 100,000 publications as at
1,000, and new publications (which are newest, so ahead of any position) cause no
duplicates or gaps on later pages.

`match="any"` is for related publications (the helpdesk): any query term counts, the
newest RELATED_CANDIDATES candidates are scored by how many terms they share (title
terms count triple) and the best `limit` returned, in one page.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from wijkwijzer import pages
from wijkwijzer.errors import Forbidden, Invalid, field_errors

from . import text
from .domain import EDITOR_ROLES, QUEUE_REASONS, check_taxonomy
from .storage import Publications
from .views import listed_view
from .workflow import PUBLISHED, STATUSES

RELATED_CANDIDATES = 200
# query parameter -> (stored field, taxonomy field name as check_taxonomy knows it)
FILTERS = {"topic": ("topics", "topics"), "kind": ("kind", "kind"), "audience": ("audiences", "audiences"),
           "focus_area": ("focus_areas", "focus_areas"), "organisation": ("organisation", "organisation")}
_NEWEST_FIRST = [("listed_at", -1), ("_id", -1)]


class SearchParams(BaseModel):
    """A search as the gateway (or the helpdesk) asks it. Repeating a filter ORs its values;
    different filters AND."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    q: str | None = Field(default=None, max_length=500)
    topic: list[str] = Field(default_factory=list, max_length=20)
    kind: list[str] = Field(default_factory=list, max_length=20)
    audience: list[str] = Field(default_factory=list, max_length=20)
    focus_area: list[str] = Field(default_factory=list, max_length=30)
    organisation: list[str] = Field(default_factory=list, max_length=20)
    status: list[Literal[STATUSES]] = Field(default_factory=list, max_length=len(STATUSES))
    sort: Literal["relevance", "date"] | None = None
    match: Literal["all", "any"] = "all"
    limit: int = Field(default=pages.DEFAULT_LIMIT, ge=1, le=pages.MAX_LIMIT)
    cursor: str | None = Field(default=None, min_length=1, max_length=1024)


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


def base_query(params: SearchParams, viewer: dict | None) -> dict:
    """Who may see what, and the filters. Without `status`, everyone sees what is published,
    and only editors what is hidden by flags."""
    query: dict = {}
    if params.status:
        if not is_editor(viewer):
            raise Forbidden("only editors may search by status")
        query["status"] = {"$in": params.status}
    else:
        query["status"] = PUBLISHED
        if not is_editor(viewer):
            query["hidden"] = False
    for name, (stored, _) in FILTERS.items():
        values = getattr(params, name)
        if values:
            query[stored] = {"$in": values}
    return query


def search(publications: Publications, params: dict, viewer: dict | None) -> dict:
    """`{items, next_cursor, total, facets}` for a search by `viewer` (None: anonymous)."""
    parsed = parse(params)
    query = base_query(parsed, viewer)
    terms = text.query_terms(parsed.q or "")
    editor = is_editor(viewer)
    if terms and parsed.match == "any":
        query["terms"] = {"$in": terms}
        result = {"items": [listed_view(d, editor) for d in _related(publications, query, terms, parsed.limit)],
                  "next_cursor": None}
    else:
        if terms:
            query["terms"] = {"$all": terms}
        relevance = bool(terms) and parsed.sort != "date"
        # tier 0: every term in the title; tier 1: the rest (date order: one tier)
        tiers = [{**query, "title_terms": {"$all": terms}}, query] if relevance else [query]
        after = _position(parsed.cursor, ("tier", "at", "id"))
        if after is not None and after["tier"] >= len(tiers):
            raise Invalid("invalid cursor", [{"field": "cursor", "message": "not a cursor this search gave out"}])
        found = _ranked(publications, tiers, terms, after, parsed.limit)
        result = pages.page(found, parsed.limit, lambda hit: {
            "tier": hit[0], "at": hit[1]["listed_at"].isoformat(), "id": hit[1]["_id"]})
        result["items"] = [listed_view(doc, editor) for _, doc in result["items"]]
    result.update(_counts(publications, query))
    return result


def _position(cursor: str | None, keys: tuple[str, ...]) -> dict | None:
    """The position a cursor of ours holds, its `at` as a datetime; Invalid for any other cursor."""
    position = pages.decode(cursor, keys)
    if position is None:
        return None
    try:
        at = datetime.fromisoformat(position["at"])
        if at.tzinfo is None or not isinstance(position.get("tier", 0), int) or position.get("tier", 0) < 0:
            raise ValueError(position)
    except (TypeError, ValueError):
        raise Invalid("invalid cursor", [{"field": "cursor", "message": "not a cursor this list gave out"}]) \
            from None
    return {**position, "at": at}


def _ranked(publications: Publications, tiers: list[dict], terms: list[str], after: dict | None,
            limit: int) -> Iterator[tuple[int, dict]]:
    """(tier, publication) in order from just after `after`."""
    wanted = set(terms)
    for tier in range(after["tier"] if after else 0, len(tiers)):
        query = dict(tiers[tier])
        position = after if after is not None and after["tier"] == tier else None
        if position is not None:
            # keyset without $or (not in our subset): from the position's date, skip the ties shown
            query["listed_at"] = {"$lte": position["at"]}
        for doc in publications.matching(query, _NEWEST_FIRST, batch=limit + 1):
            if position is not None and (doc["listed_at"], doc["_id"]) >= (position["at"], position["id"]):
                continue
            if tier > 0 and wanted <= set(doc.get("title_terms", [])):
                continue  # shown in the title tier
            yield tier, doc


def _related(publications: Publications, query: dict, terms: list[str], limit: int) -> list[dict]:
    wanted = set(terms)
    candidates = publications.matching(query, _NEWEST_FIRST, batch=RELATED_CANDIDATES, also=("terms",)) \
        .limit(RELATED_CANDIDATES)

    def score(doc: dict) -> int:
        return 3 * len(wanted & set(doc.get("title_terms", []))) + len(wanted & set(doc.get("terms", [])))
    # candidates come newest first and sorted() is stable, so equal scores stay newest first
    return sorted(candidates, key=score, reverse=True)[:limit]


def _counts(publications: Publications, query: dict) -> dict:
    """The total and the facet counts per topic and kind, for the whole result."""
    total, kinds, topics = 0, Counter(), Counter()
    for group in publications.kind_and_topic_counts(query):
        total += group["count"]
        kinds[group["_id"].get("kind")] += group["count"]
        for topic in group["_id"].get("topics") or []:
            topics[topic] += group["count"]

    def ordered(counter: Counter) -> dict[str, int]:
        return {key: n for key, n in sorted(counter.items(), key=lambda item: (-item[1], item[0])) if key}
    return {"total": total, "facets": {"topic": ordered(topics), "kind": ordered(kinds)}}


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
    after = _position(cursor, ("at", "id"))
    if after is not None:
        query["created_at"] = {"$gte": after["at"]}

    def oldest_first() -> Iterator[dict]:
        for doc in publications.matching(query, [("created_at", 1), ("_id", 1)], batch=limit + 1):
            if after is None or (doc["created_at"], doc["_id"]) > (after["at"], after["id"]):
                yield doc
    result = pages.page(oldest_first(), limit, lambda d: {"at": d["created_at"].isoformat(), "id": d["_id"]})
    result["items"] = [listed_view(doc, editor=True) for doc in result["items"]]
    return result
