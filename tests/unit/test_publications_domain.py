"""The publication rules, without a database: workflow, revisions, flags, review dates, Q&A drafts."""
from datetime import UTC, datetime, timedelta

import pytest
from publications import domain, drafts, flagging, workflow
from publications.events import (
    PublicationChangesRequested,
    PublicationPublished,
    PublicationRejected,
    PublicationReviewDue,
    PublicationSubmitted,
    PublicationUpdated,
    PublicationWithdrawn,
)
from wijkwijzer.errors import Conflict, Forbidden, Invalid, NotFound

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
ANNA = {"sub": "anna", "name": "Anna", "roles": ["member"]}
BRAM = {"sub": "bram", "name": "Bram", "roles": ["member"]}
EVA = {"sub": "eva", "name": "Eva", "roles": ["editor"]}


def draft(**fields):
    return drafts.new_draft({"title": "Wijkagenda's in Overvecht", "kind": "praktijkvoorbeeld",
                             "summary": "Hoe bewoners meedenken", "body": "Tekst", **fields}, ANNA, NOW)


def applied(doc, change):
    """The document as storage would leave it after the change."""
    return {**doc, **change.set, "history": doc["history"] + change.history, "version": doc["version"] + 1}


def in_status(status, **extra):
    doc = {**draft(), "status": status}
    if status == "published":
        doc.update(published_at=NOW, review_due="2028-11-27")
    return {**doc, **extra}


def test_a_new_draft_has_a_readable_unique_slug_its_html_terms_and_history():
    one, two = draft(body="# Kop\n\n<script>alert(1)</script>\n\n**vet**"), draft()
    assert one["slug"].startswith("wijkagenda-s-in-overvecht-") and one["slug"] != two["slug"]
    assert one["status"] == "draft" and one["history"][0]["action"] == "created"
    assert "<script" not in one["body_html"] and "<strong>vet</strong>" in one["body_html"]
    assert one["authors"] == ["Anna"] and one["idempotency_key"] == one["_id"]
    assert set(domain.text.query_terms("wijkagenda")) <= set(one["title_terms"])
    assert set(domain.text.query_terms("bewoner")) <= set(one["terms"])


def test_unknown_taxonomy_values_and_bad_fields_are_named_per_field():
    with pytest.raises(Invalid) as error:
        draft(topics=["veiligheid", "zwemmen"], focus_areas=["atlantis"])
    assert [e["field"] for e in error.value.args[1]] == ["topics", "focus_areas"]
    with pytest.raises(Invalid) as error:
        draft(links=[{"title": "x", "url": "javascript:alert(1)"}], review_due="2020-01-01")
    assert "links.0.url" in [e["field"] for e in error.value.args[1]]
    with pytest.raises(Invalid) as error:
        draft(review_due="2020-01-01")
    assert error.value.args[1][0]["field"] == "review_due"


# -- the status workflow: every (status, action) pair -------------------------------------------

def act(doc, action, actor=None):
    if action == workflow.SUBMIT:
        return domain.submit(doc, actor or ANNA, NOW)
    if action == workflow.WITHDRAW:
        return domain.withdraw(doc, actor or ANNA, None, NOW)
    return domain.review(doc, action, "een toelichting", actor or EVA, NOW)


EVENTS = {"submit": PublicationSubmitted, "publish": PublicationPublished,
          "request_changes": PublicationChangesRequested, "reject": PublicationRejected,
          "withdraw": PublicationWithdrawn}


@pytest.mark.parametrize("status", workflow.STATUSES)
@pytest.mark.parametrize("action", workflow.ACTIONS)
def test_every_transition_is_legal_exactly_as_the_table_says(status, action):
    doc = in_status(status)
    target = workflow.TRANSITIONS.get((status, action))
    if target is None:
        with pytest.raises(Conflict):
            act(doc, action)
        return
    change = act(doc, action)
    assert change.set["status"] == target
    assert change.history[-1]["action"] == workflow.RECORDED[action]
    assert change.history[-1]["by"] == ("anna" if action in ("submit", "withdraw") else "eva")
    assert [type(e) for e in change.events] == [EVENTS[action]]


def test_the_table_has_the_workflow_of_the_product():
    assert workflow.TRANSITIONS == {
        ("draft", "submit"): "submitted", ("changes_requested", "submit"): "submitted",
        ("submitted", "publish"): "published", ("submitted", "request_changes"): "changes_requested",
        ("submitted", "reject"): "rejected", ("published", "withdraw"): "withdrawn"}


@pytest.mark.parametrize("action, actor, error", [
    ("submit", EVA, Forbidden),        # an editor sees the draft but is not its author
    ("submit", BRAM, NotFound),        # a stranger may not even know the draft exists
    ("publish", ANNA, Forbidden),      # authors do not review their own work
])
def test_only_the_right_people_move_a_publication(action, actor, error):
    doc = in_status("draft" if action == "submit" else "submitted")
    with pytest.raises(error):
        act(doc, action, actor)


def test_a_stranger_may_not_withdraw_but_an_editor_may():
    with pytest.raises(Forbidden):
        domain.withdraw(in_status("published"), BRAM, None, NOW)
    assert domain.withdraw(in_status("published"), EVA, "verouderd", NOW).set["status"] == "withdrawn"


@pytest.mark.parametrize("decision", ["request_changes", "reject"])
def test_turning_work_down_needs_a_note_for_the_author(decision):
    with pytest.raises(Invalid) as error:
        domain.review(in_status("submitted"), decision, "  ", EVA, NOW)
    assert error.value.args[1][0]["field"] == "note"


def test_publishing_sets_the_dates_and_a_default_review_date_730_days_on():
    change = domain.review(in_status("submitted"), "publish", None, EVA, NOW)
    assert change.set["published_at"] == NOW == change.set["listed_at"]
    assert change.set["review_due"] == "2028-11-26" and change.set["queue"] == []   # 730 days


def test_submitted_work_is_in_the_review_queue():
    assert domain.submit(draft(), ANNA, NOW).set["queue"] == ["submitted"]


# -- pending revisions -----------------------------------------------------------------------------

def test_an_authors_edit_of_a_published_publication_waits_for_an_editor():
    published = in_status("published")
    change = domain.edit(published, {"title": "Nieuwe titel", "topics": ["jeugd"]}, ANNA, NOW)
    assert "title" not in change.set, "the published text stays as it is"
    assert change.set["revision"]["fields"]["title"] == "Nieuwe titel"
    assert change.set["queue"] == ["revision"] and change.events == []
    pending = applied(published, change)
    # a second edit adds to the same revision
    pending = applied(pending, domain.edit(pending, {"summary": "Korter"}, ANNA, NOW))
    assert pending["revision"]["fields"]["title"] == "Nieuwe titel"
    assert pending["revision"]["fields"]["summary"] == "Korter"

    # an editor's edit of another field meanwhile survives the approval
    pending = applied(pending, domain.edit(pending, {"body": "Door de redactie"}, EVA, NOW))
    approved = domain.review(pending, "publish", None, EVA, NOW)
    assert approved.set["title"] == "Nieuwe titel" and approved.set["revision"] is None
    assert approved.set["body"] == "Door de redactie" and approved.set["summary"] == "Korter"
    assert set(domain.text.query_terms("nieuw")) <= set(approved.set["terms"])
    [event] = approved.events
    assert isinstance(event, PublicationUpdated) and event.title == "Nieuwe titel" and event.version == 5


def test_an_editor_can_send_a_revision_back_or_reject_it():
    pending = applied(in_status("published"), domain.edit(in_status("published"), {"title": "Anders"}, ANNA, NOW))
    back = domain.review(pending, "request_changes", "Titel klopt niet", EVA, NOW)
    assert back.set["revision"]["status"] == "changes_requested" and back.set["queue"] == []
    assert back.events[0].revision is True and back.events[0].author_sub == "anna"
    # the author's next edit puts it back in the queue
    returned = applied(pending, back)
    assert domain.edit(returned, {"title": "Beter"}, ANNA, NOW).set["queue"] == ["revision"]

    rejected = domain.review(pending, "reject", "Niet nodig", EVA, NOW)
    assert rejected.set["revision"] is None and isinstance(rejected.events[0], PublicationRejected)


def test_editors_edit_directly_and_a_published_edit_is_announced():
    change = domain.edit(in_status("published"), {"summary": "Bijgewerkt"}, EVA, NOW)
    assert change.set["summary"] == "Bijgewerkt"
    assert isinstance(change.events[0], PublicationUpdated)


@pytest.mark.parametrize("status, actor, error", [
    ("submitted", ANNA, Conflict), ("rejected", ANNA, Conflict), ("withdrawn", EVA, Conflict),
    ("draft", BRAM, NotFound),
])
def test_edits_that_are_refused(status, actor, error):
    with pytest.raises(error):
        domain.edit(in_status(status), {"title": "Ander"}, actor, NOW)


def test_a_refused_edit_says_editing_is_what_only_the_author_or_an_editor_may_do():
    with pytest.raises(Forbidden, match="^only the author or editor may edit this publication$"):
        domain.edit(in_status("published"), {"title": "Ander"}, BRAM, NOW)
    with pytest.raises(Forbidden, match="may submit"):   # submitting is still the author's alone
        domain.submit(in_status("draft"), EVA, NOW)


def test_a_publication_the_caller_may_not_see_is_not_found_by_what_they_asked_for():
    from publications.service import _as_asked

    doc = in_status("draft")
    with pytest.raises(NotFound) as hidden, _as_asked(doc["slug"]):
        domain.check_visible(doc, BRAM)
    assert str(hidden.value) == f"no publication {doc['slug']!r}" and doc["_id"] not in str(hidden.value)


def test_an_edit_names_bad_fields_and_refuses_null_where_a_field_cannot_be_empty():
    with pytest.raises(Invalid) as error:
        domain.edit(draft(), {"title": None}, ANNA, NOW)
    assert error.value.args[1][0]["field"] == "title"
    with pytest.raises(Invalid):
        domain.edit(draft(), {}, ANNA, NOW)
    assert domain.edit(draft(), {"organisation": None}, ANNA, NOW).set["organisation"] is None


# -- flags -----------------------------------------------------------------------------------------

def test_three_open_flags_hide_a_publication_until_an_editor_decides():
    doc = in_status("published")
    readers = [BRAM, {"address": "192.0.2.1"}, {"sub": "chris", "roles": []}]
    new = [flagging.flag(doc, "Klopt niet meer", reader, NOW) for reader in readers]
    assert len({f["open_key"] for f in new}) == 3 and all(f["status"] == "open" for f in new)
    assert "192.0.2.1" not in str(new), "addresses are stored as a hash"
    assert flagging.flagged(doc, new[1], 2).hidden is False and flagging.flagged(doc, new[2], 3).hidden is True
    for count in (1, 2, 3):
        doc = applied(doc, flagging.flags_counted(doc, count, NOW))
        assert doc["open_flags"] == count and doc["hidden"] is (count == 3)
    assert flagging.flags_counted(doc, 3, NOW) is None, "nothing to change"
    assert doc["history"][-1]["action"] == "hidden" and doc["queue"] == ["flagged"]
    assert not domain.may_view(doc, None) and domain.may_view(doc, EVA) and domain.may_view(doc, ANNA)
    assert flagging.flags_counted(doc, 2, NOW).set["hidden"] is True, "only an editor shows it again"

    kept = domain.review(doc, "publish", "Klopt wel", EVA, NOW)
    assert kept.set["hidden"] is False and kept.set["open_flags"] == 0 and kept.set["queue"] == []
    assert kept.resolves_flags == "dismissed"
    with pytest.raises(Conflict):
        domain.review(doc, "reject", "Weg ermee", EVA, NOW)   # taking it down is a withdrawal
    assert domain.withdraw(doc, EVA, "Klopt inderdaad niet", NOW).resolves_flags == "upheld"


def test_only_published_publications_can_be_flagged_with_a_reason():
    with pytest.raises(Invalid):
        flagging.flag(in_status("published"), "", ANNA, NOW)
    with pytest.raises(NotFound):
        flagging.flag(in_status("draft"), "Onjuist", BRAM, NOW)
    with pytest.raises(Conflict):
        flagging.flag(in_status("withdrawn"), "Onjuist", EVA, NOW)


def test_nothing_to_review_is_a_conflict():
    with pytest.raises(Conflict):
        domain.review(in_status("published"), "publish", None, EVA, NOW)


# -- review dates ----------------------------------------------------------------------------------

def test_a_passed_review_date_queues_the_publication_once_and_a_confirmation_moves_it_on():
    doc = in_status("published", review_due="2026-11-27")
    assert domain.review_due_passed({**doc, "review_due": "2026-11-28"}, NOW) is None
    change = domain.review_due_passed(doc, NOW)
    [event] = change.events
    assert isinstance(event, PublicationReviewDue) and str(event.review_due) == "2026-11-27"
    due = applied(doc, change)
    assert due["queue"] == ["review_due"] and domain.review_due_passed(due, NOW) is None
    assert domain.review_due_event_id(due) == domain.review_due_event_id(doc)
    confirmed = domain.review(due, "publish", None, EVA, NOW + timedelta(days=1))
    assert confirmed.set["review_due"] == "2028-11-27" and confirmed.set["queue"] == []


# -- from questions to knowledge -------------------------------------------------------------------

def test_a_question_answered_with_consent_becomes_a_submission_without_contact_details():
    data = {"question_id": "q-17", "title": "Hoe start ik een buurtpreventieteam?",
            "body": "Mail me op jan@example.nl of bel 06-12345678, ik woon op 1234 AB.",
            "answer": "Begin met een bewonersavond.", "topics": ["veiligheid", "onbekend"],
            "focus_area": "utrecht-overvecht", "asker": {"name": "Jan Jansen", "email": "jan@example.nl"}}
    doc = drafts.question_draft(data, NOW)
    assert doc["kind"] == "vraag-en-antwoord" and doc["status"] == "submitted" and doc["queue"] == ["submitted"]
    assert doc["topics"] == ["veiligheid"] and doc["focus_areas"] == ["utrecht-overvecht"]
    assert doc["idempotency_key"] == "question:q-17" and doc["author"]["sub"] == "vraagbaak"
    stored = str(doc)
    for personal in ("jan@example.nl", "06-12345678", "1234 AB", "Jansen"):
        assert personal not in stored
    assert "bewonersavond" in doc["body_html"]


def test_an_edit_based_on_an_older_version_is_refused():
    doc = draft()
    domain.edit(doc, {"summary": "Nieuw"}, ANNA, NOW, based_on=1)
    with pytest.raises(Conflict, match="since version 1"):
        domain.edit({**doc, "version": 2}, {"summary": "Nieuw"}, ANNA, NOW, based_on=1)
    with pytest.raises(Invalid):
        domain.edit(doc, {"summary": "Nieuw"}, ANNA, NOW, based_on="1")
