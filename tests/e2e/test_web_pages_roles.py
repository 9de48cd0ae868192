"""The web client's pages for people with a role, in a real browser, on the site of
tests/e2e/conftest.py (the platform trusting the local identity provider, the built client behind
its front door). People sign in on the provider's login page; each step checks what the page shows,
wrong input first where a form takes any (the API's error next to its field); every page visited
has no serious or critical axe violations; the main pages are photographed (tests/browser.py).

Flows: an organiser plans an activity and keeps its registrations (two pages of them, the waitlist,
attendance, the CSV); an editor asks for changes, the author revises and resubmits, and later
proposes a change to the published text, which the editor sees as a diff and publishes; two
editors decide at once; a reader
flags a publication and the editor lets it stand; a member follows a topic, chooses which messages
they get and reads what was sent; a wijkwijze gives a question back and it goes to the national
pool; an admin keeps the roster and registers a partner whose
endpoint then receives signed webhooks."""
from __future__ import annotations

import csv
import re
import unicodedata
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser import screenshot
from tests.content import Corpus, unique_word
from tests.support import Api, eventually

pytestmark = pytest.mark.e2e
expect.set_options(timeout=15_000)   # as long as the pages' own waits (tests/browser.py), not 5 s

AMSTERDAM = ZoneInfo("Europe/Amsterdam")   # the browsers' clock (tests/browser.py)
FIRST = ("Fatima", "Jan", "Sanne", "Mohammed", "Eline", "Daan", "Ayşe", "Kees", "Thijs", "Priya", "Joëlle",
         "Bram", "Lotte", "Youssef", "Inge", "Sem")
LAST = ("de Jong", "El Idrissi", "van den Berg", "Yılmaz", "Bakker", "Janssens", "Öztürk", "Visser", "Smit",
        "de Graaf", "Mulder", "Hoekstra")


def people(n: int) -> list[dict]:
    """n residents with Dutch names (accents and all) and an address each."""
    chosen = []
    for i in range(n):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 5) % len(LAST)]}"
        plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
        chosen.append({"name": name, "email": f"{re.sub(r'[^a-z]+', '.', plain)}.{i}@voorbeeld.nl"})
    return chosen


def bearer(keycloak, username: str) -> dict:
    return {"Authorization": f"Bearer {keycloak.sign_in(username)['access_token']}"}


def local_input(moment: datetime) -> str:
    """How a datetime-local field takes a moment: the reader's own clock, to the minute."""
    return moment.astimezone(AMSTERDAM).strftime("%Y-%m-%dT%H:%M")


def published(api: Api, keycloak, fields: dict, author: str = "anna") -> dict:
    """A publication `author` writes and submits and eva publishes, through the API."""
    draft = api("POST", "/publications", bearer(keycloak, author), 201, json=fields)
    api("POST", f"/publications/{draft['id']}/submit", bearer(keycloak, author))
    return api("POST", f"/publications/{draft['id']}/review", bearer(keycloak, "eva"), json={"decision": "publish"})


def article(seed: int, word: str, **over) -> dict:
    """A realistic article of some 600 words with `word` in its title, so this run's is easy to find."""
    fields, _ = Corpus(seed=seed, anchor=datetime.now(AMSTERDAM)).publication(seed, words=600)
    fields.pop("organisation", None)
    return {**fields, "title": f"{fields['title']} ({word})", **over}


def test_an_organiser_plans_an_activity_and_keeps_its_registrations(visitor, keycloak, site, site_platform):
    api = Api(site_platform.base_url)
    noor = visitor()
    page = noor.open("/activiteiten/nieuw", "Activiteit plannen")
    expect(page.get_by_text("Deze pagina is voor organisatoren; log in.")).to_be_visible()
    noor.sign_in(keycloak, "noor")
    noor.shows("Activiteit plannen")
    expect(page.get_by_text("U plant deze activiteit namens Landelijk Platform Buurt- en Wijkgericht werken.")).to_be_visible()
    title = f"Werkplaats buurtbemiddeling: van ruzie naar gesprek ({unique_word()})"
    starts = (datetime.now(AMSTERDAM) + timedelta(days=14)).replace(hour=19, minute=30, second=0, microsecond=0)
    form = page.get_by_role("form", name="Activiteit plannen")
    form.get_by_label("Titel", exact=True).fill(title)
    form.get_by_label("Beschrijving").fill(
        "Bewoners en professionals oefenen met gesprekken tussen buren die ruzie hebben over geluid, afval of "
        "parkeren. Een ervaren buurtbemiddelaar uit Overvecht vertelt wat werkt en wat niet.\n\n"
        "We sluiten af met een kop soep en ruimte om na te praten.")
    form.get_by_label("Soort activiteit").select_option(label="Training")
    form.get_by_label("Begint").fill(local_input(starts))
    form.get_by_label("Eindigt").fill(local_input(starts - timedelta(hours=1)))   # before it begins
    form.get_by_label("Aantal plaatsen (niet verplicht)").fill("50")
    form.get_by_label("Veiligheid in de wijk").check()
    form.get_by_label("Utrecht Overvecht (Utrecht)").check()
    form.get_by_role("button", name="Activiteit plannen").click()

    # ... refused: no place and an end before the start, each said next to its field
    expect(page.get_by_role("alert").get_by_role("heading", name="Controleer het formulier")).to_be_visible()
    noor.refused(form.get_by_label("Eindigt"), "Het einde moet na het begin liggen.")
    expect(form.get_by_role("group", name="Waar")).to_have_accessible_description(
        "Geef een locatie (naam, adres en gemeente), een online link, of allebei.")
    noor.accessible()
    screenshot(page, "activiteit-plannen-fouten")
    form.get_by_label("Eindigt").fill(local_input(starts + timedelta(hours=2, minutes=30)))
    form.get_by_label("Naam van de locatie (niet verplicht)").fill("Wijkcentrum De Leeuw")
    form.get_by_label("Adres (niet verplicht)").fill("Amerikalaan 110")
    form.get_by_label("Gemeente (niet verplicht)").fill("Utrecht")
    form.get_by_role("button", name="Activiteit plannen").click()

    noor.shows(title)
    activity_id = re.search(r"/activiteiten/([^/?]+)$", page.url).group(1)
    expect(noor.fact("Plaatsen")).to_have_text("50 van 50 vrij")
    expect(noor.fact("Waar")).to_have_text("Wijkcentrum De Leeuw, Amerikalaan 110, Utrecht")

    # 56 residents register: 50 places, 6 on the waitlist. noor finds the activity among her
    # organisation's and opens its registrations
    residents = people(56)
    for person in residents:
        api("POST", f"/activities/{activity_id}/registrations", None, 201, json=person)
    page.get_by_role("banner").get_by_role("link", name="Mijn activiteiten").click()
    noor.shows("Mijn activiteiten")
    planned = page.get_by_role("row").filter(has=page.get_by_role("link", name=title))
    expect(planned).to_contain_text("50 van 50 plaatsen bezet, 6 op de wachtlijst")
    noor.accessible()
    screenshot(page, "mijn-activiteiten")
    planned.get_by_role("link", name=re.compile(r"^Aanmeldingen")).click()
    noor.shows("Aanmeldingen")
    expect(page.get_by_text("0 van 50 plaatsen vrij, 6 op de wachtlijst.")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(50)
    expect(rows.first).to_contain_text(residents[0]["name"])
    expect(rows.first).to_contain_text("Bevestigd")
    noor.accessible()
    screenshot(page, "aanmeldingen")
    pages = page.get_by_role("navigation", name="Pagina’s van de aanmeldingen")
    pages.get_by_role("button", name="Volgende").click()
    expect(rows).to_have_count(6)
    expect(rows.first).to_contain_text(residents[50]["name"])
    expect(rows.first).to_contain_text("Op de wachtlijst (nr. 1)")
    pages.get_by_role("button", name="Vorige").click()
    expect(rows).to_have_count(50)
    page.get_by_label("Toon").select_option(label="Op de wachtlijst")
    expect(rows).to_have_count(6)
    expect(rows.last).to_contain_text(residents[55]["name"])
    page.get_by_label("Toon").select_option(label="Alle aanmeldingen")

    # ... marks who came
    came = residents[3]["name"]
    page.get_by_role("button", name=f"Aanwezig ({came})").click()
    expect(rows.filter(has_text=came)).to_contain_text("Aanwezig geweest")
    expect(rows.filter(has_text=came).locator("td").last).to_have_text(re.compile(r"^Ja, "))
    noor.accessible()

    # ... and downloads them all as a spreadsheet. Playwright's expect_download waiter does not return
    # under the suite's eventlet (tests/browser.py): the download event instead, which Playwright
    # hands over only while one of its calls runs (the wait)
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    page.get_by_role("button", name="Download als spreadsheet (CSV)").click()
    eventually(lambda: page.wait_for_timeout(100) or downloads, what="the CSV download")
    assert downloads[0].suggested_filename == "aanmeldingen-werkplaats-buurtbemiddeling-van-ruzie-naar-gesprek-" \
        f"{title.rsplit('(', 1)[1][:-1]}.csv"
    with open(downloads[0].path(), encoding="utf-8-sig", newline="") as spreadsheet:
        table = list(csv.DictReader(spreadsheet, delimiter=";"))
    assert [(row["Naam"], row["E-mailadres"]) for row in table] == [(p["name"], p["email"]) for p in residents]
    assert [row["Status"] for row in table] == ["bevestigd"] * 3 + ["aanwezig"] + ["bevestigd"] * 46 + ["wachtlijst"] * 6


def test_an_editor_asks_for_changes_and_the_author_revises_then_proposes_a_change(visitor, keycloak, site, site_platform):
    api = Api(site_platform.base_url)
    word = unique_word()
    fields = article(11, word)
    draft = api("POST", "/publications", bearer(keycloak, "anna"), 201, json=fields)
    api("POST", f"/publications/{draft['id']}/submit", bearer(keycloak, "anna"))

    # eva asks for changes; a request without a note is refused next to the note's field
    eva = visitor()
    page = eva.open(f"/redactie/{draft['id']}", "Beoordelen")
    eva.sign_in(keycloak, "eva")
    eva.shows(fields["title"])
    page.get_by_label("Aanpassen vragen aan de auteur").check()
    page.get_by_role("button", name="Besluit vastleggen").click()
    eva.refused(page.get_by_label("Toelichting voor de auteur"), "Zeg wat er anders moet, of waarom het is afgewezen.")
    eva.accessible()
    note = "Mooi stuk. Noem in de samenvatting in welke wijk dit speelde, en voeg een bron toe voor de cijfers."
    page.get_by_label("Toelichting voor de auteur").fill(note)
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.get_by_text("Besluit vastgelegd: Aanpassen vragen aan de auteur.")).to_be_visible()
    expect(eva.fact("Status")).to_have_text("Terug naar de auteur: aanpassen gevraagd")

    # anna finds it among her contributions, reads the note, revises and submits again
    anna = visitor()
    page = anna.open("/mijn/bijdragen", "Mijn bijdragen")
    anna.sign_in(keycloak, "anna")
    mine = page.locator(".ww-result").filter(has=page.get_by_role("link", name=fields["title"]))
    expect(mine.locator("strong")).to_have_text("Terug naar de auteur: aanpassen gevraagd")
    anna.accessible()
    screenshot(page, "mijn-bijdragen")
    mine.get_by_role("link", name=fields["title"]).click()
    anna.shows(fields["title"])
    asked = page.get_by_role("status").filter(has=page.get_by_role("heading", name="De redactie vraagt u iets aan te passen"))
    expect(asked).to_contain_text(note)
    expect(page.get_by_role("region", name="Geschiedenis")).to_contain_text("Aanpassen gevraagd")
    anna.accessible()
    screenshot(page, "bewerken-aanpassen-gevraagd")
    summary = "In Utrecht Overvecht leerden twaalf bewoners bemiddelen tussen buren; dit is wat zij ervan leerden."
    page.get_by_label("Samenvatting (niet verplicht)").fill(summary)
    page.get_by_role("button", name="Opslaan en indienen").click()
    expect(page.get_by_text("Ingediend. De redactie beoordeelt uw publicatie; u hoort het per e-mail.")).to_be_visible()
    expect(anna.fact("Status")).to_have_text("Ingediend, wacht op de redactie")
    api("POST", f"/publications/{draft['id']}/review", bearer(keycloak, "eva"), json={"decision": "publish"})

    # ... and later proposes a change to the published text: the public keeps the published one
    page.reload()
    anna.shows(fields["title"])
    expect(anna.fact("Status")).to_have_text("Gepubliceerd")
    expect(page.get_by_role("heading", name="Wijziging voorstellen")).to_be_visible()
    added = ("Naschrift: na twee jaar doen nu ook de wijken Kanaleneiland en Zuilen mee, met elk acht "
             "sleutelfiguren die maandelijks samen oefenen.")
    text = page.get_by_label("Tekst (niet verplicht)")
    text.fill(text.input_value() + "\n\n" + added)
    page.get_by_role("button", name="Wijziging opslaan").click()
    expect(page.get_by_text("Uw wijziging is opgeslagen en gaat naar de redactie.", exact=False)).to_be_visible()
    expect(anna.fact("Status")).to_have_text("Gepubliceerd, met een wijziging die wacht op de redactie")
    expect(page.get_by_role("heading", name="Uw wijziging wacht op de redactie")).to_be_visible()
    anna.accessible()
    # (asked of the gateway: the front door keeps a public answer for a while, tests/e2e/test_front_door.py)
    public = api("GET", f"/publications/{draft['slug']}")
    assert public["summary"] == summary and "Naschrift" not in public["body"]

    # eva finds the proposal in the queue, sees what changed and publishes it
    page = eva.open("/redactie", "Redactie")
    waiting = page.locator(".ww-result").filter(has=page.get_by_role("link", name=fields["title"]))
    expect(waiting.locator("strong")).to_have_text("Wijziging voorgesteld")
    waiting.get_by_role("link", name=fields["title"]).click()
    eva.shows(fields["title"])
    proposal = page.get_by_role("region", name="Voorgestelde wijziging")
    expect(proposal.get_by_role("heading", name="Tekst")).to_be_visible()
    expect(proposal.locator("ins")).to_contain_text([added])
    expect(proposal.locator("del")).to_have_count(0)
    eva.accessible()
    screenshot(page, "redactie-wijziging")
    page.get_by_label("Publiceren").check()
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.get_by_text("Besluit vastgelegd: Publiceren.")).to_be_visible()
    reader = visitor()
    page = reader.open(f"/publicaties/{draft['slug']}", fields["title"])
    expect(page.get_by_text(summary)).to_be_visible()
    expect(page.get_by_text(added)).to_be_visible()


def test_two_editors_decide_at_once_and_the_later_one_sees_what_was_decided(visitor, keycloak, site, site_platform):
    api = Api(site_platform.base_url)
    fields = article(15, unique_word())
    draft = api("POST", "/publications", bearer(keycloak, "anna"), 201, json=fields)
    api("POST", f"/publications/{draft['id']}/submit", bearer(keycloak, "anna"))
    first, second = visitor(), visitor()
    for editor in (first, second):
        editor.open(f"/redactie/{draft['id']}", "Beoordelen")
        editor.sign_in(keycloak, "eva")
        editor.shows(fields["title"])
    first.page.get_by_label("Publiceren").check()
    first.page.get_by_role("button", name="Besluit vastleggen").click()
    expect(first.page.get_by_text("Besluit vastgelegd: Publiceren.")).to_be_visible()

    # the second still has the submission on screen and rejects it: refused in Dutch, and the page
    # now shows the publication as it is
    second.page.get_by_label("Afwijzen").check()
    second.page.get_by_label("Toelichting voor de auteur").fill("Dit past niet in de kennisbank.")
    second.page.get_by_role("button", name="Besluit vastleggen").click()
    expect(second.page.get_by_role("alert")).to_contain_text(
        "Hier wacht niets meer op een besluit: een andere redacteur heeft al beslist.")
    expect(second.fact("Status")).to_have_text("Gepubliceerd")
    second.accessible()
    assert api("GET", f"/publications/{draft['id']}")["status"] == "published"


def test_a_reader_flags_a_publication_and_the_editor_lets_it_stand(visitor, keycloak, site, site_platform):
    api = Api(site_platform.base_url)
    fields = article(12, unique_word())
    publication = published(api, keycloak, fields)

    reader = visitor()
    page = reader.open(f"/publicaties/{publication['slug']}", fields["title"])
    page.get_by_role("button", name="Melden", exact=True).click()
    form = page.locator("#melden")
    form.get_by_role("button", name="Melding versturen").click()
    reader.refused(form.get_by_label("Reden"), "Vul dit in.|Gebruik minstens 3 tekens.")
    reader.accessible()
    reason = "De cijfers over woonoverlast in de derde alinea kloppen niet met het jaarverslag van de corporatie."
    form.get_by_label("Reden").fill(reason)
    form.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_text("Bedankt. Uw melding is ontvangen; een redacteur kijkt ernaar.")).to_be_visible()
    reader.accessible()

    eva = visitor()
    page = eva.open("/redactie", "Redactie")
    eva.sign_in(keycloak, "eva")
    flagged = page.locator(".ww-result").filter(has=page.get_by_role("link", name=fields["title"]))
    expect(flagged).to_contain_text("Gemeld door lezers (1 melding)")
    flagged.get_by_role("link", name=fields["title"]).click()
    eva.shows(fields["title"])
    flags = page.get_by_role("region", name="Meldingen van lezers")
    expect(flags).to_contain_text(reason)
    screenshot(page, "redactie-melding")
    page.get_by_label("Blijft staan: meldingen afwijzen, opnieuw goedgekeurd").check()
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.get_by_text("Besluit vastgelegd: Blijft staan: meldingen afwijzen, opnieuw goedgekeurd.")).to_be_visible()
    expect(page.get_by_text("Er wacht niets op een beslissing.")).to_be_visible()
    expect(page.get_by_role("region", name="Geschiedenis")).to_contain_text("Meldingen afgewezen")
    eva.accessible()


def test_a_member_follows_a_topic_chooses_their_messages_and_reads_what_was_sent(visitor, keycloak, site, site_platform):
    api = Api(site_platform.base_url)
    anna = visitor()
    page = anna.open("/mijn/volgen", "Wat ik volg")
    expect(page.get_by_text("Log in om te kiezen wat u volgt.")).to_be_visible()
    anna.sign_in(keycloak, "anna")
    form = page.get_by_role("form", name="Wat ik volg")
    form.get_by_label("Direct, een e-mail per bericht").check()
    form.get_by_label("Jeugd", exact=True).check()
    form.get_by_label("Utrecht Overvecht (Utrecht)").check()
    form.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status").filter(has_text="Opgeslagen.")).to_be_visible()
    anna.accessible()
    screenshot(page, "volgen")
    page.reload()
    anna.shows("Wat ik volg")
    expect(form.get_by_label("Jeugd", exact=True)).to_be_checked()
    expect(form.get_by_label("Utrecht Overvecht (Utrecht)")).to_be_checked()
    expect(form.get_by_label("Direct, een e-mail per bericht")).to_be_checked()

    # which messages: one kind off; the ones about her own business cannot wait for a digest
    preferences = api("GET", "/me/preferences", bearer(keycloak, "anna"))
    kinds = {k["kind"]: k["label"] for k in preferences["kinds"] if not k["critical"]}
    page = anna.open("/mijn/voorkeuren", "Mijn voorkeuren")
    form = page.get_by_role("form", name="Mijn voorkeuren")
    form.get_by_label(kinds["activity_changed"], exact=True).select_option(label="Niet")
    form.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status").filter(has_text="Opgeslagen.")).to_be_visible()
    anna.accessible()
    screenshot(page, "voorkeuren")
    page.reload()
    anna.shows("Mijn voorkeuren")
    expect(form.get_by_label(kinds["activity_changed"], exact=True)).to_have_value("off")

    # a publication about youth in her neighbourhood appears: she gets an e-mail, listed on her page
    fields = article(13, unique_word(), topics=["jeugd"], focus_areas=["utrecht-overvecht"])
    published(api, keycloak, fields, author="noor")
    eventually(lambda: any(fields["title"] in (d.get("subject") or "") and d.get("state") == "sent"
                           for d in api("GET", "/me/notifications", bearer(keycloak, "anna"))["items"]),
               timeout=30, what="anna's e-mail about the publication")
    page = anna.open("/mijn/meldingen", "Mijn meldingen")
    row = page.locator("tbody tr").filter(has_text=fields["title"])
    expect(row).to_contain_text("Verstuurd")
    anna.accessible()
    screenshot(page, "meldingen")


def test_a_wijkwijze_gives_a_question_back_and_it_goes_to_the_national_pool(visitor, keycloak, site, site_platform):
    api = Api(site_platform.base_url)
    willem = keycloak.users["willem"]
    api("PUT", "/wijkwijzen/willem", bearer(keycloak, "beheer"), json={
        "name": f"{willem['firstName']} {willem['lastName']}", "email": willem["email"],
        "topics": ["wonen"], "regions": ["Zwolle"], "capacity": 3})
    title = f"Hoe krijgen we de eigenaar van een leegstaand winkelpand aan tafel? ({unique_word()})"
    asked = api("POST", "/questions", None, 201, json={
        "title": title, "topics": ["wonen"], "municipality": "Zwolle", "email": "h.dijkstra@voorbeeld.nl",
        "body": "In onze straat in Zwolle-Zuid staat een winkelpand al drie jaar leeg. De ramen zijn dichtgeplakt en "
                "er wordt afval gedumpt. Bewoners willen er een buurtkamer van maken, maar de eigenaar reageert niet."})

    wijkwijze = visitor()
    page = wijkwijze.open("/vragen", "Vragen voor wijkwijzen")
    wijkwijze.sign_in(keycloak, "willem")
    page.get_by_role("region", name="Mijn vragen").get_by_role("link", name=title).click()
    wijkwijze.shows(title)
    form = page.get_by_role("form", name="Vraag teruggeven")
    form.get_by_role("button", name="Vraag teruggeven").click()
    wijkwijze.refused(form.get_by_label("Waarom geeft u de vraag terug?"), "Vul dit in.|Gebruik minstens 3 tekens.")
    wijkwijze.accessible()
    form.get_by_label("Waarom geeft u de vraag terug?").fill(
        "Over leegstand en eigenaren weet ik te weinig; dit vraagt iemand met ervaring in vastgoed en de gemeente.")
    form.get_by_role("button", name="Vraag teruggeven").click()
    wijkwijze.shows("Vraag teruggegeven")
    expect(page.get_by_text("De vraag gaat naar een andere wijkwijze; u ziet haar niet meer.")).to_be_visible()
    page.get_by_role("link", name="Naar mijn vragen").click()
    wijkwijze.shows("Vragen voor wijkwijzen")
    expect(page.get_by_role("region", name="Mijn vragen").get_by_role("link", name=title)).to_have_count(0)

    # nobody else on the roster takes housing in Zwolle: the admin finds it in the national pool
    admin = visitor()
    page = admin.open("/vragen", "Vragen voor wijkwijzen")
    admin.sign_in(keycloak, "beheer")
    pool = page.get_by_role("region", name="Landelijke pool")
    expect(pool.get_by_role("row").filter(has=page.get_by_role("link", name=title))).to_contain_text("Wonen, Zwolle")
    admin.accessible()
    screenshot(page, "vragen-pool")
    assert api("GET", f"/questions/{asked['id']}", bearer(keycloak, "beheer"))["pooled"] is True


def test_an_admin_keeps_the_roster_and_registers_a_partner(visitor, keycloak, site, site_platform, receiver):
    api = Api(site_platform.base_url)
    admin = visitor()
    page = admin.open("/beheer/wijkwijzen", "Wijkwijzen")
    admin.sign_in(keycloak, "beheer")
    form = page.get_by_role("form", name="Wijkwijze toevoegen")
    form.get_by_label("Account (sub)").fill("fleur")
    form.get_by_label("Naam", exact=True).fill("Fleur Çelik")
    form.get_by_label("E-mailadres").fill("fleur.celik@voorbeeld.nl")
    form.get_by_label("Veiligheid in de wijk").check()
    form.get_by_label("Utrecht Overvecht (Utrecht)").check()
    form.get_by_label("Gemeenten (niet verplicht)").fill("Gouda, Zeist")
    form.get_by_label("Capaciteit").fill("99")
    form.get_by_role("button", name="Opslaan").click()
    admin.refused(form.get_by_label("Capaciteit"), "Vul een getal van hoogstens 50 in.")
    admin.accessible()
    form.get_by_label("Capaciteit").fill("4")
    form.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Fleur Çelik staat op het rooster.")).to_be_visible()
    row = page.locator("tbody tr").filter(has_text="Fleur Çelik")
    expect(row.locator("td").nth(1)).to_have_text("0 van 4")
    expect(row.locator("td").nth(3)).to_have_text("Utrecht Overvecht, Gouda, Zeist")
    admin.accessible()
    screenshot(page, "beheer-wijkwijzen")
    row.get_by_role("button", name="Wijzigen (Fleur Çelik)").click()
    changing = page.get_by_role("form", name="Fleur Çelik wijzigen")
    expect(changing.get_by_label("Naam", exact=True)).to_be_focused()
    changing.get_by_label("Capaciteit").fill("2")
    changing.get_by_role("button", name="Opslaan").click()
    expect(row.locator("td").nth(1)).to_have_text("0 van 2")

    # a partner: a private address is refused; then its endpoint, with the secret shown once
    page = admin.open("/beheer/partners", "Partners")
    expect(page.get_by_text("Nog geen partners.")).to_be_visible()
    form = page.get_by_role("form", name="Partner aanmelden")
    form.get_by_label("Naam").fill("Gemeente Utrecht, wijkdashboard Overvecht")
    form.get_by_label("Adres van het endpoint (URL)").fill("http://10.20.30.40/wijkwijzer")
    form.get_by_label("Publicatie gepubliceerd").check()
    form.get_by_role("button", name="Partner aanmelden").click()
    admin.refused(form.get_by_label("Adres van het endpoint (URL)"),
                  re.escape("10.20.30.40 leidt naar een adres dat niet openbaar is (10.20.30.40)."))
    form.get_by_label("Adres van het endpoint (URL)").fill(receiver.url("/wijkwijzer"))
    form.get_by_role("button", name="Partner aanmelden").click()
    expect(page.get_by_role("heading", name="Het geheim van Gemeente Utrecht, wijkdashboard Overvecht")).to_be_focused()
    secret = page.get_by_label("Ondertekeningsgeheim").input_value()
    assert secret.startswith("whsec_")
    admin.accessible()
    screenshot(page, "beheer-partners")
    receiver.trust("/wijkwijzer", secret, only=True)
    page.get_by_role("button", name="Ik heb het geheim bewaard").click()
    expect(page.get_by_label("Ondertekeningsgeheim")).to_have_count(0)
    listed = page.locator("tbody tr").filter(has_text="Gemeente Utrecht, wijkdashboard Overvecht")
    expect(listed).to_contain_text("Aan")
    expect(listed).to_contain_text("Publicatie gepubliceerd; alle thema’s; alle focusgebieden")

    # what it gets: a publication published, signed with that secret, in the partner's delivery log
    fields = article(14, unique_word())
    publication = published(api, keycloak, fields)
    eventually(lambda: [d for d in receiver.delivered("/wijkwijzer") if d["event"]["subject"] == publication["id"]],
               timeout=30, what="the signed webhook of the publication")
    listed.get_by_role("link", name="Gemeente Utrecht, wijkdashboard Overvecht").click()
    admin.shows("Gemeente Utrecht, wijkdashboard Overvecht")
    delivery = page.locator("tbody tr").filter(has_text="publication.published")
    expect(delivery).to_contain_text("Afgeleverd")
    expect(delivery).to_contain_text("HTTP 204")
    admin.accessible()
    screenshot(page, "beheer-partner")
    page.get_by_role("link", name="Alle partners").click()
    admin.shows("Partners")
    listed.get_by_role("button", name="Uitzetten (Gemeente Utrecht, wijkdashboard Overvecht)").click()
    expect(listed.locator("td").nth(1)).to_have_text(re.compile(r"^Uit"))
    admin.accessible()
