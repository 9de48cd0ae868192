"""A member's own publications and an organisation's own activities, paged without a database: the
storage is a fake that answers as the real query does (filter, order, start at the cursor's time)."""
from datetime import UTC, datetime, timedelta

import pytest
from activities import organised
from publications import authored
from wijkwijzer.errors import Invalid

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


class FakePublications:
    def __init__(self, docs):
        self.docs = docs

    def authored(self, author_sub, statuses, until, batch):
        found = [d for d in self.docs if d["author"]["sub"] == author_sub and (not statuses or d["status"] in statuses)
                 and (until is None or d["updated_at"] <= until)]
        return iter(sorted(found, key=lambda d: (d["updated_at"], d["_id"]), reverse=True))


class FakeActivities:
    def __init__(self, docs):
        self.docs = docs

    def of_organisation(self, organisation, until, batch):
        found = [d for d in self.docs if d["organisation"] == organisation and (until is None or d["starts_at"] <= until)]
        return iter(sorted(found, key=lambda d: (d["starts_at"], d["_id"]), reverse=True))


def publication(n, sub, status="draft", minutes=0, revision=None):
    at = NOW - timedelta(minutes=minutes)
    return {"_id": f"{n:032x}", "slug": f"buurtpreventie-{n}", "title": f"Buurtpreventie in Overvecht ({n})",
            "kind": "praktijkvoorbeeld", "status": status, "author": {"sub": sub}, "revision": revision,
            "created_at": at, "updated_at": at, "published_at": at if status == "published" else None}


def every_page(list_page, limit):
    items, cursor = [], None
    while True:
        page = list_page(limit, cursor)
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def test_an_author_pages_through_their_own_newest_change_first_ties_by_id():
    # three changed at the very same moment: the id decides, and no page boundary repeats or drops one
    docs = [publication(n, "anna", minutes=n // 3) for n in range(30)] + [publication(100 + n, "bram") for n in range(5)]
    docs[4]["revision"] = {"status": "pending", "fields": {"title": "Nieuw"}}
    store = FakePublications(docs)
    listed = every_page(lambda limit, cursor: authored.authored_by(store, "anna", [], limit, cursor), 4)
    assert [i["id"] for i in listed] == [d["_id"] for d in sorted(docs[:30], key=lambda d: (d["updated_at"], d["_id"]),
                                                                  reverse=True)]
    assert {i["id"]: i["revision"] for i in listed if i["revision"]} == {docs[4]["_id"]: "pending"}
    assert listed[0]["updated_at"].endswith("+01:00")   # on the Dutch clock


def test_the_status_filter_takes_known_statuses_only():
    docs = [publication(1, "anna"), publication(2, "anna", "published", revision={"status": "changes_requested"}),
            publication(3, "anna", "submitted", minutes=5)]
    page = authored.authored_by(FakePublications(docs), "anna", ["published", "submitted"], 20, None)
    assert [(i["status"], i["revision"]) for i in page["items"]] == [("published", "changes_requested"), ("submitted", None)]
    for statuses in (["gepubliceerd"], ["draft", None], "draft"):
        with pytest.raises(Invalid) as refused:
            authored.authored_by(FakePublications(docs), "anna", statuses, 20, None)
        assert refused.value.args[1][0]["field"] == "status"
    for limit, cursor, field in ((0, None, "limit"), (101, None, "limit"), (20, "bm90LWEtY3Vyc29y", "cursor")):
        with pytest.raises(Invalid) as refused:
            authored.authored_by(FakePublications(docs), "anna", [], limit, cursor)
        assert refused.value.args[1][0]["field"] == field


def activity(n, organisation, days, status="scheduled", capacity=10, confirmed=0, waiting=0):
    starts = NOW + timedelta(days=days)
    return {"_id": f"{n:032x}", "title": f"Leerbijeenkomst {n}", "kind": "leerbijeenkomst", "starts_at": starts,
            "ends_at": starts + timedelta(hours=2), "organisation": organisation, "capacity": capacity,
            "status": status, "confirmed": confirmed, "waiting": waiting, "updated_at": NOW - timedelta(days=60),
            **({"cancelled_at": NOW} if status == "cancelled" else {})}


def test_an_organisation_pages_through_its_activities_latest_start_first_in_every_state():
    docs = [activity(n, "lsa", days=n * 2 - 20) for n in range(20)] + [activity(50, "ccv", days=1)]
    docs.append(activity(60, "lsa", days=5, status="cancelled"))
    docs.append(activity(61, "lsa", days=5, capacity=2, confirmed=2, waiting=3))   # same start as 60: the id decides
    store = FakeActivities(docs)
    organiser = {"sub": "noor", "roles": ["organiser"], "organisation": "lsa"}
    listed = every_page(lambda limit, cursor: organised.organised_by(store, organiser, limit, cursor, NOW), 3)
    lsa = [d for d in docs if d["organisation"] == "lsa"]
    assert [i["id"] for i in listed] == [d["_id"] for d in sorted(lsa, key=lambda d: (d["starts_at"], d["_id"]),
                                                                  reverse=True)]
    by_id = {i["id"]: i for i in listed}
    full = by_id[f"{61:032x}"]
    assert (full["registered"], full["waitlisted"], full["places_left"], full["capacity"]) == (2, 3, 0, 2)
    assert by_id[f"{60:032x}"]["status"] == "cancelled" and "cancelled_at" in by_id[f"{60:032x}"]
    assert by_id[f"{0:032x}"]["status"] == "completed" and "cancelled_at" not in by_id[f"{0:032x}"]


def test_a_token_without_an_organisation_has_no_activities_and_says_so():
    store = FakeActivities([activity(1, "lsa", days=3)])
    page = organised.organised_by(store, {"sub": "wim", "roles": ["organiser"]}, 20, None, NOW)
    assert page == {"organisation": None, "items": [], "next_cursor": None}
