"""Load demo data through the services' own RPCs: `python deploy/demo_data.py`.

Three activities, four wijkwijzen (one the demo login `willem`) and three publications (two published, one submitted), so a fresh
platform has something to show. Every item has a fixed key (an idempotency key,
or the wijkwijze's sub), so running it again creates nothing new. Needs the
publications, events and helpdesk services running; AMQP_URI says where.
"""
from __future__ import annotations

import os
import sys
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from nameko.standalone.rpc import ClusterRpcProxy

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
RPC_TIMEOUT = 10  # seconds

ORGANISER = {"sub": "demo-organiser", "name": "Gemeente Utrecht – Wijkzaken", "roles": ["admin"]}   # for several organisations
AUTHOR = {"sub": "demo-author", "name": "Redactie WijkWijzer"}
EDITOR = {"sub": "demo-editor", "name": "Eindredactie", "roles": ["editor"]}


def local(day: date, hour: int, minute: int = 0) -> str:
    """A time on the Dutch clock of `day`, as ISO 8601 with its offset (CET or CEST)."""
    return datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM).isoformat()


def activities(today: date) -> list[tuple[str, dict]]:
    """(idempotency key, fields) of the demo activities, in the coming weeks from `today`."""
    day1, day2, day3 = (today + timedelta(days=n) for n in (10, 17, 24))
    return [
        ("demo-activity-1", {
            "title": "Werkbezoek Overvecht: bewoners aan het roer van de buurtagenda",
            "description": "Een middag langs initiatieven van bewoners in Overvecht, met een gesprek "
                           "over hoe de buurtagenda samen met de gemeente tot stand komt.",
            "kind": "werkbezoek",
            "starts_at": local(day1, 13, 30), "ends_at": local(day1, 17),
            "topics": ["buurtagenda", "rol-van-bewoners"],
            "focus_areas": ["utrecht-overvecht"],
            "audiences": ["bewoners", "professionals", "gemeenten"],
            "organisation": "lpb",
            "capacity": 25,
            "location": {"name": "Buurtcentrum De Dreef", "address": "Dreef 1", "municipality": "Utrecht"},
        }),
        ("demo-activity-2", {
            "title": "Webinar: ondermijning herkennen in de wijk",
            "description": "Signalen van ondermijnende criminaliteit herkennen en bespreekbaar maken, "
                           "met voorbeelden uit de focusgebieden.",
            "kind": "webinar",
            "starts_at": local(day2, 10), "ends_at": local(day2, 11, 30),
            "topics": ["ondermijning", "veiligheid"],
            "audiences": ["professionals", "gemeenten"],
            "organisation": "ccv",
            "online_url": "https://example.org/webinars/ondermijning-herkennen",
        }),
        ("demo-activity-3", {
            "title": "Leerbijeenkomst armoede en bestaanszekerheid",
            "description": "Professionals uit zorg, welzijn en gemeente leren van elkaar hoe zij "
                           "samen bestaanszekerheid in de wijk versterken.",
            "kind": "leerbijeenkomst",
            "starts_at": local(day3, 14), "ends_at": local(day3, 16, 30),
            "topics": ["armoede", "werk-en-inkomen", "integrale-samenwerking"],
            "focus_areas": ["utrecht-overvecht", "nieuwegein-centrale-as"],
            "audiences": ["professionals", "beleidsmakers"],
            "organisation": "movisie",
            "capacity": 40,
            "online_url": "https://example.org/live/bestaanszekerheid",
            "location": {"name": "Stadskantoor Utrecht", "address": "Stadsplateau 1", "municipality": "Utrecht"},
        }),
    ]


WIJKWIJZEN = [
    ("demo-wijkwijze-1", {
        "name": "Sanne Bakker", "email": "sanne.bakker@example.org",
        "topics": ["armoede", "werk-en-inkomen", "rol-van-bewoners"],
        "regions": ["rotterdam-zuid", "schiedam-nieuwland-oost", "vlaardingen-west"],
        "capacity": 5,
    }),
    ("demo-wijkwijze-2", {
        "name": "Mohamed El Idrissi", "email": "mohamed.elidrissi@example.org",
        "topics": ["veiligheid", "ondermijning", "jeugd"],
        "regions": ["amsterdam-zuidoost", "amsterdam-nieuw-west", "zaandam-oost"],
        "capacity": 8,
    }),
    ("demo-wijkwijze-3", {
        "name": "Ingrid de Vries", "email": "ingrid.devries@example.org",
        "topics": ["fysieke-wijkvernieuwing", "wonen", "verduurzaming"],
        "regions": ["groningen-noord", "leeuwarden-oost"],
        "capacity": 3,
    }),
    # the demo login `willem` of the local Keycloak (deploy/keycloak/wijkwijzer-realm.json: its
    # users' `sub` is their user name), so signing in as him shows a wijkwijze's inbox
    ("willem", {
        "name": "Willem Bakker", "email": "willem@voorbeeld.nl",
        "topics": ["rol-van-bewoners", "wijkgericht-werken", "ontmoeting"],
        "regions": ["utrecht-overvecht", "den-haag-zuidwest", "delft-west"],
        "capacity": 5,
    }),
]

PUBLICATIONS = [
    ("demo-publication-1", {
        "title": "Buurtpreventie-apps: wat werkt en wat niet",
        "summary": "Ervaringen van bewoners en wijkagenten met buurtpreventie-apps in Den Haag Zuidwest.",
        "body": "## Aanleiding\n\nIn Den Haag Zuidwest gebruiken bewoners al jaren buurtpreventie-apps. "
                "Wat levert dat op, en waar gaat het mis?",
        "kind": "praktijkvoorbeeld",
        "topics": ["veiligheid", "rol-van-bewoners"],
        "audiences": ["bewoners", "professionals"],
        "focus_areas": ["den-haag-zuidwest"],
        "organisation": "ccv",
    }),
    ("demo-publication-2", {
        "title": "Handreiking: samen een buurtagenda opstellen",
        "summary": "Stap voor stap naar een buurtagenda die bewoners, gemeente en partners samen dragen.",
        "body": "## Stap 1: ophalen\n\nBegin bij wat bewoners zelf belangrijk vinden in hun buurt.",
        "kind": "handreiking",
        "topics": ["buurtagenda", "wijkgericht-werken"],
        "audiences": ["gemeenten", "professionals"],
        "organisation": "lpb",
    }),
    ("demo-publication-3", {
        "title": "Bestaanszekerheid in de focusgebieden: een verkenning",
        "summary": "Wat bewoners van Rotterdam-Zuid en Heerlen Noord vertellen over rondkomen.",
        "body": "## Bevindingen\n\nGeldzorgen hangen samen met gezondheid, wonen en werk.",
        "kind": "onderzoek",
        "topics": ["armoede", "werk-en-inkomen"],
        "audiences": ["beleidsmakers"],
        "focus_areas": ["rotterdam-zuid", "heerlen-noord"],
        "organisation": "verwey-jonker",
    }),
]


def load(rpc, today: date | None = None) -> None:
    """Load everything through `rpc` (a ClusterRpcProxy); prints one line per item."""
    for key, fields in activities(today or datetime.now(AMSTERDAM).date()):
        activity = rpc.events.schedule(fields, ORGANISER, key)
        starts = datetime.fromisoformat(activity["starts_at"]).astimezone(AMSTERDAM)
        print(f"activity     {activity['id']}  {starts:%Y-%m-%d %H:%M}  {activity['title']}")

    for sub, fields in WIJKWIJZEN:
        wijkwijze = rpc.helpdesk.put_wijkwijze(sub, fields)
        print(f"wijkwijze    {wijkwijze['sub']}  {wijkwijze['name']}")

    for n, (key, fields) in enumerate(PUBLICATIONS):
        # a repeated run gets the publication as it is now and takes it only as far as it should be
        publication = rpc.publications.create_draft(fields, AUTHOR, key)
        if publication["status"] == "draft":
            publication = rpc.publications.submit(publication["id"], AUTHOR)
        if publication["status"] == "submitted" and n < 2:   # the last one waits in the review queue
            publication = rpc.publications.review(publication["id"], "publish", "demo", EDITOR)
        print(f"publication  {publication['id']}  ({publication['status']})  {publication['title']}")


def main() -> int:
    amqp_uri = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=RPC_TIMEOUT) as rpc:
        load(rpc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
