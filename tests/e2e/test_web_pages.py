"""The web client's pages in a real browser, on a site of their own: the platform with a gateway that
trusts the local identity provider (Keycloak, deploy/keycloak.sh), the built client (web/dist) behind
a front door that names the provider in /config.json. People sign in on the provider's own login
page. Each step checks what the page shows; every page visited has no serious or critical axe
violations; the main pages are photographed at both widths (tests/browser.py).

Flows: a member writes a draft, sees its preview and submits it; an editor publishes it from the
review queue; an anonymous visitor finds it by a stemmed search and opens it; an anonymous visitor
registers for an activity and follows the token link; an anonymous visitor asks a question and
follows its link, and the wijkwijze it is routed to answers it from their inbox."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import requests
from playwright.sync_api import expect

from tests.browser import screenshot
from tests.content import unique_word
from tests.support import Api, eventually

pytestmark = pytest.mark.e2e
expect.set_options(timeout=15_000)   # as long as the pages' own waits (tests/browser.py), not 5 s

# What anna writes. The text says "sleutelfiguren" and "bemiddelen", never "sleutelfiguur" or
# "bemiddeling", which the visitor searches for: only Dutch stemming (sleutelfigur, bemiddel) finds it.
SEARCHED = ("sleutelfiguur", "bemiddeling")


def draft_of(word: str) -> dict:
    return {
        "title": f"Sleutelfiguren bemiddelen bij burenruzies ({word})",
        "summary": "Hoe bewoners met aanzien in de buurt burenruzies helpen oplossen, en wat dat in Overvecht opleverde.",
        "body": f"""In Utrecht Overvecht lopen burenruzies vaak hoog op: geluidsoverlast in een portiek, een scooter \
in de gang, kinderen die tot laat op het plein spelen. Bewoners stappen dan naar de wijkagent of de \
woningcorporatie, terwijl een gesprek tussen de buren zelf vaak meer oplost. In het project {word} leiden we \
daarom sleutelfiguren uit de wijk op om te bemiddelen.

## Wie zijn de sleutelfiguren?

Sleutelfiguren zijn bewoners die in hun buurt bekend en vertrouwd zijn: de moeder die elke ochtend op het \
schoolplein staat, de eigenaar van de buurtsuper, de voorzitter van de moskeevereniging. Zij spreken de talen \
van de wijk en weten wie met wie op goede voet staat. Wij vragen hen niet om problemen zelf op te lossen, maar \
om buren met elkaar in gesprek te brengen.

## Zo pakken we het aan

- Een training van vier avonden over luisteren, doorvragen en neutraal blijven, met professionele bemiddelaars.
- Een vast aanspreekpunt bij het wijkteam, voor situaties die te zwaar zijn voor vrijwilligers.
- Twee keer per jaar intervisie, waarin de sleutelfiguren ervaringen uitwisselen.

## Wat het oplevert

In het eerste jaar brachten twaalf sleutelfiguren ruim veertig conflicten terug tot een gesprek aan de \
keukentafel. Meestal maakten de buren zelf afspraken over tijden, geluid en het gebruik van gedeelde ruimtes. \
Het aantal meldingen van woonoverlast bij de corporatie daalde merkbaar, en bewoners zeggen vaker dat zij hun \
buren kennen.

## Lessen voor andere wijken

Begin klein en zoek mensen die al een rol hebben in de buurt; een vacature werkt minder goed dan een \
persoonlijke vraag. Zorg dat professionals de sleutelfiguren serieus nemen en hun signalen oppakken. Betaal een \
vrijwilligersvergoeding en vier successen samen. En wees eerlijk over de grenzen: bij geweld, dreiging of \
ernstige zorgen gaat een melding altijd naar de wijkagent of het wijkteam.

Meer weten? Lees de [handreiking over bemiddelen tussen buren](https://hetccv.nl).
""",
    }


def test_a_member_contributes_an_editor_publishes_and_a_visitor_finds_it_by_a_stemmed_search(
        visitor, keycloak, site, site_platform):
    word = unique_word()
    draft = draft_of(word)
    assert not any(re.search(rf"\b{w}\b", draft["title"] + draft["body"], re.IGNORECASE) for w in SEARCHED)
    anna_name = "{firstName} {lastName}".format(**keycloak.users["anna"])

    # (a) anna, a member, signs in and writes a draft
    anna = visitor()
    page = anna.open("/bijdragen/nieuw", "Bijdragen aan de kennisbank")
    expect(page.get_by_text("Log in om een publicatie te schrijven.")).to_be_visible()
    anna.sign_in(keycloak, "anna")
    anna.shows("Nieuwe publicatie")
    form = page.get_by_role("form", name="Nieuwe publicatie")
    form.get_by_label("Titel", exact=True).fill(draft["title"])
    form.get_by_label("Samenvatting (niet verplicht)").fill(draft["summary"])
    form.get_by_label("Soort publicatie").select_option(label="Praktijkvoorbeeld")
    form.get_by_label("Veiligheid in de wijk").check()
    form.get_by_label("Bewoners", exact=True).check()
    form.get_by_label("Utrecht Overvecht (Utrecht)").check()
    form.get_by_label("Tekst (niet verplicht)").fill(draft["body"])
    anna.accessible()
    screenshot(page, "bijdragen-nieuw")
    form.get_by_role("button", name="Concept opslaan").click()

    # ... sees it saved as a draft, with its preview as readers will see it, and submits it
    anna.shows(draft["title"])
    expect(page).to_have_url(re.compile(r"/publicaties/[^/]+/bewerken\?nieuw=1$"))
    expect(page.get_by_text("Uw concept is opgeslagen. Alleen u ziet het.")).to_be_visible()
    expect(anna.fact("Status")).to_have_text("Concept")
    preview = page.get_by_role("region", name="Voorbeeld")
    for heading in ("Wie zijn de sleutelfiguren?", "Zo pakken we het aan", "Wat het oplevert", "Lessen voor andere wijken"):
        expect(preview.get_by_role("heading", level=2, name=heading)).to_be_visible()
    expect(preview.get_by_role("listitem")).to_have_count(3)
    expect(preview.get_by_role("link", name="handreiking over bemiddelen tussen buren")).to_have_attribute(
        "href", "https://hetccv.nl")
    expect(preview).not_to_contain_text("## ")   # Markdown rendered, not shown
    anna.accessible()
    screenshot(page, "bijdragen-concept")
    page.get_by_role("button", name="Indienen voor beoordeling").click()
    expect(page.get_by_text("Ingediend. De redactie beoordeelt uw publicatie; u hoort het per e-mail.")).to_be_visible()
    expect(anna.fact("Status")).to_have_text("Ingediend, wacht op de redactie")
    expect(page.get_by_role("button", name="Opslaan", exact=True)).to_have_count(0)   # no editing while it waits
    anna.accessible()

    # (b) eva, an editor, finds it in the review queue and publishes it
    eva = visitor()
    page = eva.open("/redactie", "Redactie")
    expect(page.get_by_text("Deze pagina is voor redacteuren; log in.")).to_be_visible()
    eva.sign_in(keycloak, "eva")
    waiting = page.locator(".ww-result").filter(has=page.get_by_role("link", name=draft["title"]))
    expect(waiting.locator("strong")).to_have_text("Ingediend")
    expect(waiting).to_contain_text(f"Praktijkvoorbeeld · {anna_name}")
    eva.accessible()
    waiting.get_by_role("link", name=draft["title"]).click()
    eva.shows(draft["title"])
    expect(eva.fact("Status")).to_have_text("Ingediend, wacht op de redactie")
    expect(eva.fact("Auteur")).to_have_text(anna_name)
    expect(eva.fact("Thema’s")).to_have_text("Veiligheid in de wijk")
    text = page.get_by_role("region", name="Tekst")
    expect(text.get_by_role("heading", level=2, name="Wie zijn de sleutelfiguren?")).to_be_visible()
    screenshot(page, "redactie-beoordelen")
    page.get_by_label("Publiceren").check()
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.get_by_text("Besluit vastgelegd: Publiceren.")).to_be_visible()
    expect(eva.fact("Status")).to_have_text("Gepubliceerd")
    expect(page.get_by_text("Er wacht niets op een beslissing.")).to_be_visible()
    eva.accessible()

    # (c) an anonymous visitor finds it by a stemmed search and opens it. The search index follows a
    # publication's events (within a second); the front door would keep an empty answer for half a
    # minute, so the search waits until the gateway finds it
    query = f"{SEARCHED[0]} {SEARCHED[1]} {word}"
    eventually(lambda: requests.get(f"{site_platform.base_url}/api/v1/publications", params={"q": query},
                                    timeout=10).json()["total"] == 1, what="the published publication in search")
    reader = visitor()
    page = reader.open("/kennisbank", "Kennisbank")
    expect(page.get_by_role("banner").get_by_role("button", name="Inloggen")).to_be_visible()
    found = page.get_by_role("region", name="Resultaten").get_by_role("status")
    search = page.get_by_label("Zoeken in de kennisbank")
    search.fill(f"buurtvaders {word}")   # first words the text does not have: nothing
    search.press("Enter")
    expect(found).to_have_text("0 publicaties gevonden")
    expect(page.get_by_text("Niets gevonden. Probeer andere woorden of minder filters.")).to_be_visible()
    search.fill(query)
    page.get_by_role("button", name="Zoeken", exact=True).click()
    expect(page).to_have_url(re.compile(r"/kennisbank\?.*q=sleutelfiguur"))
    expect(found).to_have_text("1 publicatie gevonden")
    results = page.get_by_role("region", name="Resultaten")
    expect(results.get_by_role("heading", level=3)).to_have_text([draft["title"]])
    expect(results.get_by_text(draft["summary"])).to_be_visible()
    expect(page.get_by_label("Veiligheid in de wijk (1)")).not_to_be_checked()   # the facet counts it
    expect(page.get_by_label("Praktijkvoorbeeld (1)")).not_to_be_checked()
    reader.accessible()
    screenshot(page, "kennisbank-zoeken")
    results.get_by_role("link", name=draft["title"]).click()
    reader.shows(draft["title"])
    expect(page).to_have_url(re.compile(r"/publicaties/[^/?]+$"))
    expect(page.get_by_text(draft["summary"])).to_be_visible()
    expect(reader.fact("Soort")).to_have_text("Praktijkvoorbeeld")
    expect(reader.fact("Auteurs")).to_have_text(anna_name)
    expect(reader.fact("Focusgebieden")).to_have_text("Utrecht Overvecht")
    expect(page.get_by_role("heading", level=2, name="Lessen voor andere wijken")).to_be_visible()
    expect(page.get_by_role("link", name="Bewerken", exact=True)).to_have_count(0)   # for its author and editors only
    expect(page.get_by_role("button", name="Melden", exact=True)).to_be_visible()
    screenshot(page, "publicatie")


def test_an_anonymous_visitor_registers_for_an_activity_and_follows_the_token_link(visitor, keycloak, site, site_platform):
    # noor, organiser for lpb, plans it through the API with her own token from the provider
    noor = {"Authorization": f"Bearer {keycloak.sign_in('noor')['access_token']}"}
    starts = (datetime.now(UTC) + timedelta(days=21)).replace(hour=15, minute=0, second=0, microsecond=0)
    title = f"Leerbijeenkomst sleutelfiguren in de wijk ({unique_word()})"
    activity = Api(site_platform.base_url)("POST", "/activities", noor, 201, json={
        "title": title, "kind": "leerbijeenkomst",
        "description": "Sleutelfiguren en professionals vertellen hoe zij burenruzies bespreekbaar maken.\n\n"
                       "Met een korte training in luisteren en doorvragen. Koffie en thee staan klaar.",
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "topics": ["veiligheid"], "focus_areas": ["utrecht-overvecht"], "capacity": 25,
        "location": {"name": "Buurthuis De Boog", "address": "Zamenhofdreef 1", "municipality": "Utrecht"}})
    assert activity["organisation"] == "lpb"

    person = visitor()
    page = person.open("/agenda", "Agenda")
    listed = page.locator(".ww-result").filter(has=page.get_by_role("link", name=title))
    expect(listed).to_contain_text("Buurthuis De Boog, Utrecht")
    expect(listed).to_contain_text("25 plaatsen vrij")
    expect(page.get_by_label("Adres van de agenda-feed")).to_have_value(f"{site.base_url}/api/v1/calendar.ics")
    person.accessible()
    screenshot(page, "agenda")
    listed.get_by_role("link", name=title).click()

    person.shows(title)
    expect(person.fact("Waar")).to_have_text("Buurthuis De Boog, Zamenhofdreef 1, Utrecht")
    expect(person.fact("Plaatsen")).to_have_text("25 van 25 vrij")
    expect(person.fact("Organisatie")).to_have_text("Landelijk Platform Buurt- en Wijkgericht werken")
    expect(page.get_by_text("Koffie en thee staan klaar.")).to_be_visible()
    expect(page.get_by_role("link", name="Zet in mijn agenda (.ics)")).to_have_attribute(
        "href", f"/api/v1/activities/{activity['id']}.ics")
    screenshot(page, "activiteit")
    form = page.get_by_role("form", name="Aanmelden")
    form.get_by_label("Naam").fill("Fatima El Idrissi")
    form.get_by_label("E-mailadres").fill("fatima.elidrissi@voorbeeld.nl")
    form.get_by_role("button", name="Aanmelden").click()

    expect(page.get_by_role("heading", name="U bent aangemeld")).to_be_visible()
    expect(page.get_by_text("U hebt een plaats. De bevestiging gaat naar fatima.elidrissi@voorbeeld.nl.")).to_be_visible()
    link = page.locator(".ww-token-link a")
    expect(link).to_have_text(re.compile(
        rf"^{re.escape(site.base_url)}/activiteiten/{activity['id']}/aanmelding/[^/?]+\?token=[A-Za-z0-9_-]{{20,}}$"))
    person.accessible()
    shown = link.inner_text()
    link.click()

    person.shows("Uw aanmelding")
    assert page.url == shown
    expect(page.get_by_role("link", name=title)).to_be_visible()
    expect(person.fact("Naam")).to_have_text("Fatima El Idrissi")
    expect(person.fact("E-mailadres")).to_have_text("fatima.elidrissi@voorbeeld.nl")
    expect(person.fact("Status")).to_have_text("Aangemeld: u hebt een plaats")
    screenshot(page, "aanmelding")
    page.get_by_role("button", name="Aanmelding annuleren").click()   # the link is also the way out
    expect(person.fact("Status")).to_have_text("Geannuleerd")
    expect(page.get_by_text("Uw aanmelding is geannuleerd.")).to_be_visible()
    person.accessible()


def test_an_anonymous_visitor_asks_a_question_and_the_wijkwijze_answers_it(visitor, keycloak, site, site_platform):
    # willem is the site's one wijkwijze for safety in Utrecht (an admin puts him on the roster)
    willem_user = keycloak.users["willem"]
    beheer = {"Authorization": f"Bearer {keycloak.sign_in('beheer')['access_token']}"}
    Api(site_platform.base_url)("PUT", "/wijkwijzen/willem", beheer, json={
        "name": "{firstName} {lastName}".format(**willem_user), "email": willem_user["email"],
        "topics": ["veiligheid"], "regions": ["Utrecht"], "capacity": 3})
    title = f"Hoe vinden we sleutelfiguren voor bemiddeling in onze flat? ({unique_word()})"
    asker = visitor()
    page = asker.open("/vragen/nieuw", "Vraagbaak")
    form = page.get_by_role("form", name="Vraag stellen")
    form.get_by_label("Uw vraag in één zin").fill(title)
    form.get_by_label("Toelichting").fill(
        "In onze flat in Kanaleneiland is al maanden ruzie over geluid en afval in de galerij. De corporatie "
        "verwijst naar buurtbemiddeling, maar bewoners kennen elkaar nauwelijks. Wie in de flat zou zo'n gesprek "
        "kunnen openen, en hoe vragen we dat?")
    form.get_by_label("Veiligheid in de wijk").check()
    form.get_by_label("Gemeente (niet verplicht)").fill("Utrecht")
    form.get_by_label("E-mailadres").fill("k.jansen@voorbeeld.nl")
    asker.accessible()
    screenshot(page, "vraag-stellen")
    form.get_by_role("button", name="Vraag versturen").click()

    expect(page.get_by_role("heading", name="Uw vraag is verstuurd")).to_be_visible()
    expect(page.get_by_text("Bewaar deze link: hiermee volgt u uw vraag en het antwoord.")).to_be_visible()
    link = page.locator(".ww-token-link a")
    expect(link).to_have_text(re.compile(rf"^{re.escape(site.base_url)}/vragen/[^/?]+\?token=[A-Za-z0-9_-]{{20,}}$"))
    asker.accessible()
    shown = link.inner_text()
    link.click()

    asker.shows(title)
    assert page.url == shown
    expect(asker.fact("Status")).to_have_text(re.compile(r"^(Nieuw|Bij een wijkwijze)$"))
    expect(asker.fact("Thema’s")).to_have_text("Veiligheid in de wijk")
    expect(asker.fact("Waar")).to_have_text("Utrecht")
    expect(page.get_by_text("Wie in de flat zou zo'n gesprek kunnen openen")).to_be_visible()
    expect(page.get_by_text("Nog geen berichten.")).to_be_visible()
    expect(page.get_by_role("form", name="Bericht aan de wijkwijze")).to_be_visible()
    screenshot(page, "vraag")

    # the wijkwijze finds it in their inbox and answers it
    wijkwijze = visitor()
    inbox = wijkwijze.open("/vragen", "Vragen voor wijkwijzen")
    wijkwijze.sign_in(keycloak, "willem")
    mine = inbox.get_by_role("region", name="Mijn vragen")
    expect(mine.get_by_role("link", name=title)).to_be_visible()
    wijkwijze.accessible()
    screenshot(inbox, "vragen-wijkwijze")
    mine.get_by_role("link", name=title).click()
    wijkwijze.shows(title)
    answer = ("Begin bij wie al contact heeft met veel bewoners: de conciërge, iemand van de bewonerscommissie of "
              "de eigenaar van de kiosk beneden. Vraag hen persoonlijk of zij een gesprek willen openen; het "
              "wijkteam Kanaleneiland geeft een korte training en blijft achter de hand.")
    form = inbox.get_by_role("form", name="Beantwoorden")
    form.get_by_label("Antwoord").fill(answer)
    wijkwijze.accessible()
    screenshot(inbox, "vraag-beantwoorden")
    form.get_by_role("button", name="Antwoord versturen").click()
    expect(wijkwijze.fact("Status")).to_have_text("Beantwoord")
    expect(inbox.get_by_text(answer)).to_be_visible()
    wijkwijze.accessible()

    # ... and the asker, by the same link, reads it
    page.reload()
    asker.shows(title)
    expect(asker.fact("Status")).to_have_text("Beantwoord")
    expect(page.get_by_text(answer)).to_be_visible()
    asker.accessible()
