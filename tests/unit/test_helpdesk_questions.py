"""Question rules: a new question and its token, who sees it, what each role may do, the thread's
Markdown, and what its events say (no personal data in public ones or in the kennisbank's Q&A)."""
import json
from datetime import UTC, datetime

import pytest
from helpdesk import questions, threads
from helpdesk.privacy import redacted
from wijkwijzer.errors import Conflict, Forbidden, Invalid, NotFound

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
FIELDS = {"title": "Hoe starten we een buurtpreventieteam?", "body": "Wij willen **samen** de straat veiliger maken.",
          "topics": ["veiligheid"], "focus_area": "utrecht-overvecht", "email": "Jose@Voorbeeld.nl",
          "consent_to_publish": True}
FATIMA = {"sub": "fatima", "name": "Fatima El Idrissi", "email": "fatima@voorbeeld.nl", "roles": ["member"]}
SANNE = {"sub": "sanne", "name": "Sanne Bakker", "roles": ["member", "wijkwijze"]}
BEHEER = {"sub": "beheer", "name": "Beheer", "roles": ["admin"]}


def test_an_anonymous_asker_gets_a_token_and_only_its_hash_is_kept():
    doc, token = questions.new_question(FIELDS, None, NOW, 2)
    assert len(token) == 43 and token not in json.dumps(doc, default=str)
    assert doc["asker"] == {"member": None, "name": None, "email": "jose@voorbeeld.nl",
                            "token_hash": questions.token_hash(token)}
    assert doc["status"] == "new" and doc["region_keys"] == ["fa:utrecht-overvecht", "gm:utrecht"]
    assert doc["first_response_due"] == datetime(2026, 12, 2, 0, 0, tzinfo=doc["first_response_due"].tzinfo)
    assert "<strong>samen</strong>" in doc["body_html"]


def test_a_member_asks_as_themselves_without_a_token():
    doc, token = questions.new_question({**FIELDS, "email": None}, FATIMA, NOW, 2)
    assert token is None and doc["asker"]["member"] == "fatima" and doc["asker"]["email"] == "fatima@voorbeeld.nl"


@pytest.mark.parametrize(("change", "field"), [
    ({"email": None}, "email"),
    ({"topics": []}, "topics"),
    ({"topics": ["voetbal"]}, "topics"),
    ({"focus_area": "mars-noord"}, "focus_area"),
    ({"municipality": "Gouda"}, "fields"),            # a focus area or a municipality, not both
    ({"title": "Hé"}, "title"),
    ({"consent_to_publish": "ja"}, "consent_to_publish"),
    ({"asker": "iemand"}, "asker"),
])
def test_invalid_questions_name_the_field(change, field):
    with pytest.raises(Invalid) as err:
        questions.new_question({**FIELDS, **change}, None, NOW, 2)
    assert [e["field"] for e in err.value.args[1]] == [field]


def test_who_sees_a_question():
    doc, token = questions.new_question(FIELDS, None, NOW, 2)
    doc["assignee"] = "sanne"
    assert questions.role_of(doc, None, token, False) == questions.ASKER
    assert questions.role_of(doc, SANNE, None, True) == questions.ASSIGNEE
    assert questions.role_of(doc, BEHEER, None, False) == questions.ADMIN
    other_wijkwijze = {"sub": "kees", "roles": ["wijkwijze"]}
    for caller, tok in [(None, None), (None, "x" * 43), (FATIMA, None), (other_wijkwijze, None)]:
        with pytest.raises(NotFound):
            questions.role_of(doc, caller, tok, True)
    pooled = {**doc, "assignee": None, "pooled": True}
    assert questions.role_of(pooled, other_wijkwijze, None, True) == questions.POOL
    with pytest.raises(NotFound):   # a wijkwijze role without a place on the roster
        questions.role_of(pooled, other_wijkwijze, None, False)
    with pytest.raises(NotFound):   # a member is no wijkwijze
        questions.role_of(pooled, FATIMA, None, True)


def test_what_each_role_may_do_in_each_status():
    doc, _ = questions.new_question(FIELDS, None, NOW, 2)
    assigned = {**doc, "status": "assigned", "assignee": "sanne"}
    questions.check_answer(assigned, questions.ASSIGNEE)
    questions.check_decline(assigned, questions.ASSIGNEE)
    questions.check_message(assigned, questions.ASKER)
    with pytest.raises(Forbidden):
        questions.check_answer(assigned, questions.ASKER)
    with pytest.raises(Forbidden):
        questions.check_message(assigned, questions.ADMIN)
    with pytest.raises(Forbidden):
        questions.check_close(assigned, questions.ASSIGNEE)
    with pytest.raises(Conflict):
        questions.check_reopen(assigned, questions.ASKER)
    answered = {**assigned, "status": "answered"}
    with pytest.raises(Conflict):
        questions.check_answer(answered, questions.ASSIGNEE)
    with pytest.raises(Conflict):
        questions.check_decline(answered, questions.ASSIGNEE)
    questions.check_reopen(answered, questions.ASKER)
    closed = {**assigned, "status": "closed"}
    for check, role in [(questions.check_message, questions.ASKER), (questions.check_close, questions.ADMIN),
                        (questions.check_answer, questions.ASSIGNEE)]:
        with pytest.raises(Conflict):
            check(closed, role)
    questions.check_reopen(closed, questions.ADMIN)


def test_thread_messages_are_markdown_made_safe():
    html = threads.html_of("Zie **dit** <script>alert(1)</script> [link](javascript:alert(1)) "
                           "[gids](https://wijkwijzer.nl/gids) ![foto](https://elders.example/x.png)\n\n# Kop")
    assert "<strong>dit</strong>" in html and "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html and "<img" not in html and "<h1>" not in html
    assert '<a href="https://wijkwijzer.nl/gids" rel="nofollow noopener noreferrer">gids</a>' in html


@pytest.mark.parametrize(("text", "expected"), [
    ("Mail me op jose.smit+wijk@voorbeeld.nl.", "Mail me op [e-mailadres]."),
    ("Bel 06-12345678 of 06 1234 5678.", "Bel [telefoonnummer] of [telefoonnummer]."),
    ("Of +31 (0)20 123 4567, of 0031 30 2345678.", "Of [telefoonnummer], of [telefoonnummer]."),
    ("Ik woon op de Zamenhofdreef 12A in 3562 JW Utrecht.", "Ik woon op de [adres] in [postcode] Utrecht."),
    ("Adres: Burgemeester Reigerstraat 7, 3581 KL.", "Adres: Burgemeester [adres], [postcode]."),
    ("Groet, Sanne Bakker (Sanne voor vrienden)", "Groet, [naam] ([naam] voor vrienden)"),
    ("In 2026 hielden 120 bewoners de wijkschouw.", "In 2026 hielden 120 bewoners de wijkschouw."),
])
def test_personal_data_is_redacted(text, expected):
    assert redacted(text, ["Sanne Bakker"]) == expected


def test_a_signature_and_the_name_an_address_gives_are_redacted():
    question = ("In onze straat hangen jongeren rond. Fatima (dat ben ik) wil de wijkagent betrekken; "
                "mevrouw El Amrani van nummer 3 ook.\n\nMet vriendelijke groet,\nFatima El Amrani\n"
                "Bewonerscommissie Kanaleneiland\n")
    assert redacted(question, [None], ["fatima.elamrani@voorbeeld.nl"]) == (
        "In onze straat hangen jongeren rond. [naam] (dat ben ik) wil de wijkagent betrekken; "
        "mevrouw [naam] van nummer 3 ook.\n\nMet vriendelijke groet,\n[naam]\n")
    answer = "Beste Fatima,\n\nBetrek de wijkagent bij een buurtschouw.\n\nGroeten,\nSanne\nWijkwijze Utrecht"
    assert redacted(answer, ["Sanne Bakker"], ["fatima.elamrani@voorbeeld.nl"]) == (
        "Beste [naam],\n\nBetrek de wijkagent bij een buurtschouw.\n\nGroeten,\n[naam]\n")
    # words that merely look like a signature or share letters stay
    assert redacted("De groet van de buurt: Fatimastraat is geen naam.", [], ["fatima@x.nl"]) == \
        "De groet van de buurt: Fatimastraat is geen naam."


def test_the_q_and_a_of_an_anonymous_asker_loses_the_name_their_address_and_signature_give():
    body = "Kan ik de wijkagent uitnodigen?\n\nMet vriendelijke groet,\nJosé Smit\nBuurtvereniging Oost"
    doc, _ = questions.new_question({**FIELDS, "body": body, "email": "jose.smit@voorbeeld.nl"}, None, NOW, 2)
    _, qa = questions.answered(doc, "Ja José, nodig hem uit. Groet, Sanne", "Sanne Bakker", NOW)
    text = json.dumps(qa.model_dump(mode="json"), ensure_ascii=False)
    for personal in ("José", "Smit", "Buurtvereniging Oost", "Sanne", "jose.smit"):
        assert personal not in text, personal
    assert "wijkagent uitnodigen" in qa.body and "nodig hem uit" in qa.answer


def test_public_events_carry_no_text_and_no_people():
    doc, _ = questions.new_question({**FIELDS, "title": "Vraag van José uit Overvecht"}, FATIMA, NOW, 2)
    for event in (questions.asked(doc), *questions.answered(doc, "Antwoord", "Sanne Bakker", NOW)[:1],
                  questions.closed(doc, NOW)):
        dumped = json.dumps(event.model_dump(mode="json"))
        assert type(event).public
        assert "José" not in dumped and "fatima" not in dumped and "Sanne" not in dumped and "title" not in dumped


def test_an_answer_with_consent_goes_to_the_kennisbank_without_personal_data():
    body = ("Ik ben Fatima El Idrissi, bereikbaar via fatima@voorbeeld.nl of 06-12345678. "
            "We wonen aan de Zamenhofdreef 12, 3562 JW Utrecht en willen een buurtpreventieteam.")
    doc, _ = questions.new_question({**FIELDS, "body": body, "email": None}, FATIMA, NOW, 2)
    answer = "Beste Fatima, begin met een WhatsApp-groep. Groet, Sanne Bakker (030-1234567)"
    _, consent = questions.answered(doc, answer, "Sanne Bakker", NOW)
    data = consent.model_dump(mode="json")
    assert data["body"] == ("Ik ben [naam], bereikbaar via [e-mailadres] of [telefoonnummer]. "
                            "We wonen aan de [adres], [postcode] Utrecht en willen een buurtpreventieteam.")
    assert data["answer"] == "Beste [naam], begin met een WhatsApp-groep. Groet, [naam] ([telefoonnummer])"
    assert not type(consent).public and set(data) == {
        "question_id", "title", "body", "answer", "topics", "focus_area", "municipality", "answered_at"}


def test_no_q_and_a_without_consent():
    doc, _ = questions.new_question({**FIELDS, "consent_to_publish": False}, None, NOW, 2)
    assert [e.event_type for e in questions.answered(doc, "Antwoord", "Sanne", NOW)] == ["question.answered"]
