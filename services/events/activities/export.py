"""An activity's registrations as CSV for organisers' spreadsheet programs.

UTF-8 with a byte order mark, so Excel reads "José Smit-Öztürk" as written; fields separated by
semicolons, which Excel with Dutch settings (where the comma is the decimal sign) splits into
columns when the file is opened; CRLF line ends (RFC 4180). A name typed by an anonymous
registrant that starts like a formula (=, +, -, @) gets a leading apostrophe, so a spreadsheet
shows it as text and never runs it (CSV injection).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime

from wijkwijzer.times import AMSTERDAM

from . import registering

BOM = "\ufeff"
COLUMNS = ("Naam", "E-mailadres", "Status", "Plaats op wachtlijst", "Volgorde van aanmelding", "Aangemeld op",
           "Bevestigd op", "Geannuleerd op", "Aanwezig op", "Lid")
STATUS = {"confirmed": "bevestigd", "waitlisted": "wachtlijst", "cancelled": "geannuleerd", "attended": "aanwezig"}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA) else value


def _time(value: datetime | None) -> str:
    return value.astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M") if value else ""


def registrations_csv(activity: dict, registrations: Iterable[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for doc in registrations:
        position = registering.position(activity, doc["_id"])
        writer.writerow([_text(doc["name"]), _text(doc["email"]), STATUS.get(doc["status"], doc["status"]),
                         position or "", doc.get("arrival") or "", _time(doc.get("registered_at")),
                         _time(doc.get("confirmed_at")), _time(doc.get("cancelled_at")),
                         _time(doc.get("attended_at")), "ja" if doc.get("member") else "nee"])
    return BOM + out.getvalue()
