"""What an event says to whom: the messages (kind, recipient, template values) it causes, and how
a message is rendered (Dutch Jinja2 templates, plain text and HTML) into an e-mail.

Deciding is `notices(event, ...)`, no I/O: the caller looks up followers and preferences.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .domain import Recipient

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TEMPLATES = Path(__file__).parent / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                   autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)

_MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december"]
_DAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]


def dutch_time(value: str | datetime) -> str:
    """'2030-05-12T14:00:00+00:00' -> 'zondag 12 mei 2030, 16:00' (the Dutch clock)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = moment.astimezone(AMSTERDAM)
    return f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.year}, {local:%H:%M}"


def dutch_date(day) -> str:
    """date(2030, 5, 13) -> 'maandag 13 mei 2030'."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


_env.filters["dutch_time"] = dutch_time

# the subject line of each kind, a template of its own values
SUBJECTS = {
    "publication_published": "Nieuwe publicatie: {title}",
    "activity_changed": "{change}: {title}",
    "review_decision": "{decision} voor uw publicatie \u201c{title}\u201d",
    "registration_confirmed": "Aanmelding bevestigd: {activity_title}",
    "registration_promoted": "Er is een plek voor u: {activity_title}",
    "registration_cancelled": "Aanmelding vervallen: {activity_title}",
    "activity_cancelled": "Gaat niet door: {activity_title}",
    "activity_reminder": "Morgen: {activity_title}",
    "digest": "{heading} van WijkWijzer: {period_label}",
    "question_assigned": "Vraag voor u: {title}",
    "question_reopened": "Vraag weer open: {title}",
    "question_answered": "Uw vraag is beantwoord",
    "question_message": "{headline}",
    "question_followed": "{headline}",
    "question_pooled": "Vraag in de landelijke pool: {title}",
    "question_escalated": "Eerste reactie te laat: {title}",
    "partner_disabled": "Webhook uitgeschakeld: {name}",
}


@dataclass
class Notice:
    """One message an event causes for one recipient (before preferences apply)."""

    kind: str
    recipient: Recipient
    values: dict            # what its templates show
    attach_ics: str | None = None   # the activity whose invitation goes with it


def _registrant(data: dict) -> Recipient:
    return Recipient(email=data["email"], name=data["name"], member=data.get("member"))


def registration_notices(event_type: str, data: dict) -> list[Notice]:
    """The registrant's own messages (registration.* and activity.reminder_due)."""
    who = _registrant(data)
    if event_type == "registration.confirmed":
        return [Notice("registration_confirmed", who, data, attach_ics=data["activity_id"])]
    if event_type == "registration.promoted":
        return [Notice("registration_promoted", who, data, attach_ics=data["activity_id"])]
    if event_type == "registration.cancelled":
        kind = "activity_cancelled" if data["reason"] == "activity_cancelled" else "registration_cancelled"
        return [Notice(kind, who, data)]
    if event_type == "activity.reminder_due":
        return [Notice("activity_reminder", who, data)]
    return []


def follower_notices(kind: str, followers: list[Recipient], values: dict) -> list[Notice]:
    """Everyone who follows what the event is about hears it, once each."""
    return [Notice(kind, who, values) for who in followers]


def review_notice(event_type: str, data: dict, author: Recipient | None) -> list[Notice]:
    """The author hears the editors' decision, if the service knows their address."""
    if author is None:
        return []
    decision = "Wijzigingen gevraagd" if event_type == "publication.changes_requested" else "Afgewezen"
    return [Notice("review_decision", author, {**data, "decision": decision,
                                               "rejected": event_type == "publication.rejected"})]


def assignment_notices(data: dict) -> list[Notice]:
    """question.assigned / question.reassigned: the wijkwijze it is now assigned to (critical)."""
    who = Recipient(email=data["assignee_email"], name=data["assignee_name"], member=data["assignee"])
    return [Notice("question_assigned", who, {**data, "reassigned": "because" in data})]


def reopened_notices(data: dict, assignee: Recipient | None, title: str | None) -> list[Notice]:
    """question.reopened back with its wijkwijze: they are told (when their address is known)."""
    if assignee is None:
        return []
    return [Notice("question_reopened", assignee, {**data, "title": title or "uw vraag"})]


def message_notices(data: dict, asker: Recipient | None, assignee: Recipient | None,
                    followers: list[Recipient], title: str | None) -> list[Notice]:
    """question.message_posted: an answer tells the asker (critical); a wijkwijze's message tells
    the asker, an asker's message the assignee (when their address is known); followers of the
    question hear of both, without the asker's name, address or the question's text or title."""
    answer = data["kind"] == "answer"
    from_asker = data["author_role"] == "asker"
    values = {"question_id": data["question_id"], "title": title, "answer": answer,
              "anonymous": asker is not None and asker.member is None, "posted_at": data["posted_at"]}
    notices: list[Notice] = []
    if from_asker:
        if assignee is not None:
            notices.append(Notice("question_message", assignee, {
                **values, "to_assignee": True, "headline": "Nieuw bericht van de vraagsteller"
                + (f": {title}" if title else "")}))
    elif asker is not None:
        if answer:
            notices.append(Notice("question_answered", asker, values))
        else:
            notices.append(Notice("question_message", asker, {**values, "to_assignee": False,
                                                              "headline": "Nieuw bericht bij uw vraag"}))
    told = {n.recipient.key for n in notices} | {asker.key if asker else "", assignee.key if assignee else ""}
    told |= {f"member:{data['author']}" if data.get("author") else "", f"member:{data['asker_member']}"
             if data.get("asker_member") else "", f"member:{data['assignee']}" if data.get("assignee") else ""}
    follower_values = {"question_id": data["question_id"], "answer": answer, "posted_at": data["posted_at"],
                       "headline": "Nieuw antwoord op een vraag die u volgt" if answer
                       else "Nieuw bericht bij een vraag die u volgt"}
    notices += [Notice("question_followed", who, follower_values) for who in followers if who.key not in told]
    return notices


def admin_notices(kind: str, admins: list[str], data: dict) -> list[Notice]:
    """question.pooled / question.escalated: every address in ADMIN_EMAILS."""
    return [Notice(kind, Recipient(email=address, name="beheerder"), data) for address in admins]


@dataclass
class Links:
    web: str            # the web client, e.g. https://wijkwijzer.nl
    unsubscribe: str    # the one-click endpoint, e.g. https://wijkwijzer.nl/api/v1/unsubscribe

    def values(self, kind: str, values: dict) -> dict:
        web = self.web.rstrip("/")
        links = {"preferences": f"{web}/mijn/meldingen"}
        if "activity_id" in values:
            links["activity"] = f"{web}/activiteiten/{values['activity_id']}"
        if kind in ("activity_changed",) and "id" in values:
            links["activity"] = f"{web}/activiteiten/{values['id']}"
        if "question_id" in values:
            links["question"] = f"{web}/vragen/{values['question_id']}"
        if "slug" in values:
            links["publication"] = f"{web}/publicaties/{values['slug']}"
        return links


@dataclass
class Rendered:
    subject: str
    text: str
    html: str


def render(kind: str, recipient: Recipient, values: dict, links: dict, unsubscribe_url: str | None) -> Rendered:
    context = {"v": values, "name": recipient.name, "links": links, "unsubscribe_url": unsubscribe_url,
               "kind": kind}
    subject = SUBJECTS[kind].format(**values)
    text = _env.get_template(f"{kind}.txt").render(context)
    html = _env.get_template(f"{kind}.html").render({**context, "subject": subject})
    return Rendered(subject=subject, text=text, html=html)


def page(template: str, values: dict) -> str:
    """A web page of this service (the unsubscribe link's), HTML-escaped."""
    return _env.get_template(template).render(values)


def message_id(delivery_id: str, domain: str) -> str:
    """The same for every attempt of one delivery, so a mail sent again after a crash mid-send is
    recognisably the same message (mail clients and Mailpit show it once)."""
    return f"<{hashlib.sha256(delivery_id.encode()).hexdigest()[:32]}@{domain}>"


def email(delivery: dict, sender: str, sender_name: str, domain: str, now: datetime) -> EmailMessage:
    """The e-mail of a stored delivery: both parts, the invitation when there is one, and the
    RFC 8058 one-click unsubscribe headers when the kind can be switched off."""
    msg = EmailMessage()
    msg["From"] = formataddr((sender_name, sender))
    msg["To"] = formataddr((delivery["name"], delivery["email"]))
    msg["Subject"] = delivery["subject"]
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id(delivery["_id"], domain)
    msg["Auto-Submitted"] = "auto-generated"
    if delivery.get("unsubscribe_url"):
        msg["List-Unsubscribe"] = f"<{delivery['unsubscribe_url']}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(delivery["text"], subtype="plain", charset="utf-8")
    msg.add_alternative(delivery["html"], subtype="html", charset="utf-8")
    if delivery.get("ics"):
        msg.make_mixed()
        msg.add_attachment(delivery["ics"].encode(), maintype="text", subtype="calendar",
                           filename="uitnodiging.ics", params={"method": "PUBLISH"})
    return msg
