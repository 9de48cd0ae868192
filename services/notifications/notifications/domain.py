"""Who is told what (shared/spec/product.md, Notifications), without I/O.

A *kind* is one sort of message. Each kind is either about something a member follows (its
frequency is the member's choice: immediately, in a daily or weekly digest, or not at all) or
about the person's own business (their registration, their publication): those go out at once.
Critical kinds cannot be switched off, not by preferences and not by an unsubscribe link.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Frequency = Literal["immediate", "daily", "weekly", "off"]
FREQUENCIES: tuple[str, ...] = ("immediate", "daily", "weekly", "off")
FOLLOW_FIELDS = ("topics", "focus_areas", "organisations", "activities", "questions")


@dataclass(frozen=True)
class Kind:
    name: str
    label: str            # Dutch, shown in preferences and on the unsubscribe page
    critical: bool        # cannot be switched off
    followed: bool        # about something followed: the member's frequency applies (digests)


KINDS: dict[str, Kind] = {k.name: k for k in [
    Kind("publication_published", "Nieuwe publicaties over wat u volgt", critical=False, followed=True),
    Kind("activity_changed", "Wijzigingen in activiteiten die u volgt", critical=False, followed=True),
    Kind("review_decision", "Besluiten van de redactie over uw publicaties", critical=False, followed=False),
    Kind("registration_confirmed", "Bevestiging van uw aanmelding", critical=True, followed=False),
    Kind("registration_promoted", "Een plek vrijgekomen voor u", critical=True, followed=False),
    Kind("registration_cancelled", "Uw aanmelding vervalt", critical=True, followed=False),
    Kind("activity_cancelled", "Een activiteit gaat niet door", critical=True, followed=False),
    Kind("activity_reminder", "Herinnering aan een activiteit", critical=False, followed=False),
    Kind("digest", "Dagelijkse en wekelijkse overzichten van wat u volgt", critical=False, followed=False),
    Kind("question_assigned", "Vragen die aan u als wijkwijze zijn toegewezen", critical=True, followed=False),
    Kind("question_reopened", "Vragen die weer open zijn bij u als wijkwijze", critical=True, followed=False),
    Kind("question_answered", "Antwoord op uw vraag", critical=True, followed=False),
    Kind("question_message", "Nieuwe berichten bij uw vraag of bij een vraag die u behandelt", critical=False,
         followed=False),
    Kind("question_followed", "Antwoorden en berichten bij vragen die u volgt", critical=False, followed=True),
    Kind("question_pooled", "Vragen in de landelijke pool (beheerders)", critical=True, followed=False),
    Kind("question_escalated", "Vragen waarop de eerste reactie te laat is (beheerders)", critical=True,
         followed=False),
    Kind("partner_disabled", "Webhooks van partners die zijn uitgeschakeld (beheerders)", critical=True,
         followed=False),
]}


@dataclass(frozen=True)
class Recipient:
    """Someone to tell: a member (`member` = their sub) or an anonymous registrant (None)."""

    email: str
    name: str
    member: str | None = None

    @property
    def key(self) -> str:
        """Who, in a delivery's id and an unsubscribe token: the account, else the address."""
        return f"member:{self.member}" if self.member else f"email:{self.email.lower()}"


@dataclass
class Preferences:
    """A member's (or an anonymous address's) choices."""

    frequency: str = "immediate"                       # for what they follow
    kinds: dict[str, str] = field(default_factory=dict)  # per kind, overrides `frequency`

    def frequency_of(self, kind: str) -> str:
        """How this kind reaches them: immediate, daily, weekly or off."""
        spec = KINDS[kind]
        chosen = self.kinds.get(kind)
        if spec.critical:
            return "immediate"
        if spec.followed:
            return chosen or self.frequency
        # their own business: at once, unless they switched it off
        return "off" if chosen == "off" else "immediate"


def preferences_of(doc: dict | None) -> Preferences:
    doc = doc or {}
    return Preferences(frequency=doc.get("frequency", "immediate"), kinds=dict(doc.get("kinds") or {}))


def follow_keys(follows: dict) -> set[str]:
    """The follower-index entries a member's follows put them in: `topics:veiligheid`, ..."""
    return {f"{name}:{value}" for name in FOLLOW_FIELDS for value in follows.get(name) or []}


def publication_keys(data: dict) -> set[str]:
    """Who follows a published publication: its topics, focus areas and organisation."""
    keys = {f"topics:{t}" for t in data.get("topics") or []}
    keys |= {f"focus_areas:{a}" for a in data.get("focus_areas") or []}
    if data.get("organisation"):
        keys.add(f"organisations:{data['organisation']}")
    return keys


def activity_keys(data: dict) -> set[str]:
    """Who hears of a change to an activity: those who follow that activity."""
    return {f"activities:{data['id']}"}


def question_keys(question_id: str) -> set[str]:
    """Who hears of an answer or message on a question: those who follow that question."""
    return {f"questions:{question_id}"}


def admin_emails(value) -> list[str]:
    """'a@x.nl, b@x.nl' -> ['a@x.nl', 'b@x.nl'] (ADMIN_EMAILS); empty: nobody."""
    found: list[str] = []
    for part in str(value or "").split(","):
        address = part.strip()
        if address and address.lower() not in {a.lower() for a in found}:
            found.append(address)
    return found


def delivery_id(event_id: str, recipient: Recipient, kind: str) -> str:
    """One message per event, recipient and kind: a redelivered event finds its delivery."""
    return f"{event_id}/{recipient.key}/{kind}"


def retry_delays(schedule: str) -> list[float]:
    """'10,60,300' -> [10.0, 60.0, 300.0]: seconds to wait after the 1st, 2nd, 3rd failure; after
    as many failed retries as there are delays the message is marked failed."""
    delays = [float(part) for part in str(schedule).replace(" ", "").split(",") if part]
    if any(d < 0 for d in delays):
        raise ValueError("retry delays cannot be negative")
    return delays
