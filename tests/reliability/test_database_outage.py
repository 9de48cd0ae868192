"""The publications service's database server stops and starts again under a write load.

Seen through HTTP only, as a client would: every 201 was stored, every 503 stored nothing
(the same Idempotency-Key later creates a new publication), there is no 500, and writes
succeed again after the restart without restarting the service.
"""
from __future__ import annotations

import random
import threading
import uuid
from dataclasses import dataclass

import pytest
import requests
from gateway.tokens import mint

from tests.platform import JWT_SECRET
from tests.support import eventually

pytestmark = pytest.mark.reliability

CLIENTS = 4
AUTHOR = "schrijver-storing"

WIJKEN = ["Overvecht", "Kanaleneiland", "Zuidwest", "de Schilderswijk", "Lombok", "de Tarwewijk",
          "Bospolder-Tussendijken", "Presikhaaf", "Malburgen", "het Oude Noorden"]
AANPAKKEN = ["Buurtpreventie met bewoners", "Een repaircafé in de buurtkamer", "Energiecoaches aan huis",
             "Een moestuin op het dak van de school", "Schuldhulp aan de keukentafel",
             "Huiswerkbegeleiding door studenten", "Een wekelijkse buurtmaaltijd", "Wijkgericht werken met de corporatie"]
ZINNEN = [
    "Bewoners van {wijk} begonnen er een paar jaar geleden mee, na een avond in het buurthuis.",
    "De gemeente stelde een kleine subsidie beschikbaar, maar het meeste werk deden vrijwilligers.",
    "Wat begon als een idee aan de keukentafel groeide uit tot een vaste plek in de buurt.",
    "Jongeren en ouderen ontmoeten elkaar nu elke week, ook mensen die eerder nooit buiten kwamen.",
    "De wijkagent merkt dat er minder overlast is sinds de start, al is dat lastig hard te maken.",
    "Belangrijk was dat de corporatie een leegstaande ruimte op de begane grond gratis ter beschikking stelde.",
    "Niet alles ging goed: in het eerste jaar haakte bijna de helft van de vrijwilligers af.",
    "Een vaste coördinator voor twaalf uur per week bleek onmisbaar om de planning rond te krijgen.",
    "De opbrengst is moeilijk in geld uit te drukken, maar bewoners zeggen dat ze zich meer thuis voelen.",
    "Andere wijken kunnen dit overnemen als ze klein beginnen en bewoners zelf laten kiezen wat nodig is.",
    "Het sociaal wijkteam verwijst nu mensen door die anders buiten beeld waren gebleven.",
    "Sleutelfiguren uit verschillende gemeenschappen hielpen om ook nieuwkomers te bereiken.",
    "Flyers werkten nauwelijks; aanbellen en een praatje bij de school deden het wel.",
    "Na twee jaar is er een stichting opgericht, zodat het project niet meer van één subsidie afhangt.",
    "De evaluatie door de hogeschool laat zien dat deelnemers vaker hulp vragen als het nog klein is.",
    "Wie wil beginnen, kan het draaiboek en de begroting opvragen bij de bewonersorganisatie.",
]
KOPPEN = ["## Aanleiding", "## Aanpak", "## Wat het opleverde", "## Tips voor andere wijken"]


def publication(rng: random.Random) -> dict:
    """A realistic praktijkvoorbeeld: a Dutch title and a body of some 300 words in four sections."""
    wijk = rng.choice(WIJKEN)
    sections = []
    for heading in KOPPEN:
        sentences = rng.sample(ZINNEN, 6)
        sections.append(heading + "\n\n" + " ".join(s.format(wijk=wijk) for s in sentences))
    return {"title": f"{rng.choice(AANPAKKEN)} in {wijk}", "kind": "praktijkvoorbeeld",
            "summary": f"Hoe bewoners in {wijk} het samen aanpakten, en wat anderen ervan kunnen leren.",
            "topics": rng.sample(["rol-van-bewoners", "ontmoeting", "veiligheid", "armoede", "verduurzaming"], 2),
            "body": "\n\n".join(sections)}


@dataclass
class Attempt:
    key: str
    title: str
    phase: str          # what the database was doing when the request was sent
    status: int
    id: str | None
    detail: str = ""


def test_writes_during_a_database_restart_are_stored_or_refused_never_500(own_database_platform):
    platform, server = own_database_platform
    api = f"{platform.base_url}/api/v1/publications"
    auth = {"Authorization": f"Bearer {mint(JWT_SECRET, AUTHOR, 'Sanne', None, ['member'])}"}
    service = platform.processes["publications"]
    attempts: list[Attempt] = []
    phase = ["up"]
    stop = threading.Event()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        while not stop.is_set():
            draft, key, sent_while = publication(rng), uuid.uuid4().hex, phase[0]
            response = requests.post(api, json=draft, headers={**auth, "Idempotency-Key": key}, timeout=30)
            if response.status_code != 201:
                assert response.headers["Content-Type"].startswith("application/problem+json"), response.text
            if response.status_code == 503:
                assert response.headers["Retry-After"], response.headers
            body = response.json()
            attempts.append(Attempt(key, draft["title"], sent_while, response.status_code,
                                    body.get("id") if response.status_code == 201 else None, body.get("detail", "")))

    def seen(status: int, sent_while: str, saying: str = "") -> int:
        return sum(1 for a in attempts if a.status == status and a.phase == sent_while and saying in a.detail)

    clients = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in clients:
        thread.start()
    try:
        eventually(lambda: seen(201, "up") >= CLIENTS, timeout=60, what="writes before the outage")
        phase[0] = "down"
        server.down()
        try:
            eventually(lambda: seen(503, "down", "cannot reach its database") >= CLIENTS, timeout=60, interval=0.2,
                       what="writes refused with 503 while the database is down")
        finally:
            phase[0] = "restarted"
            server.up()
        eventually(lambda: seen(201, "restarted") >= CLIENTS, timeout=60, interval=0.2,
                   what="writes to succeed again once the database is back")
    finally:
        stop.set()
        for thread in clients:
            thread.join(timeout=60)

    statuses = {a.status for a in attempts}
    assert statuses <= {201, 503, 504}, sorted((a.phase, a.status) for a in attempts if a.status not in (201, 503, 504))
    assert service.poll() is None and platform.processes["publications"] is service, "the service was restarted"

    for attempt in (a for a in attempts if a.status == 201):
        stored = requests.get(f"{api}/{attempt.id}", headers=auth, timeout=10)
        assert stored.status_code == 200 and stored.json()["title"] == attempt.title, attempt

    # the same Idempotency-Key again, with another title: a stored first attempt would come back
    check = publication(random.Random(0)) | {"title": "Controle na de storing"}
    for attempt in (a for a in attempts if a.status in (503, 504)):
        again = requests.post(api, json=check, headers={**auth, "Idempotency-Key": attempt.key}, timeout=30)
        assert again.status_code == 201, again.text
        if attempt.status == 503:
            assert again.json()["title"] == check["title"], f"a refused write was stored: {attempt}"
        else:   # may or may not have happened; either way there is one publication for the key
            assert again.json()["title"] in (check["title"], attempt.title)
