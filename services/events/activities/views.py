"""What callers see of activities and registrations. Bookkeeping (who holds which place, the
outbox, token hashes) is never shown; times are RFC 3339 on the Dutch clock. Every answer is made
through its model in responses.py, the contract clients get."""
from __future__ import annotations

from datetime import datetime

from wijkwijzer.responses import shown
from wijkwijzer.times import jsonable

from . import domain, registering
from .responses import (
    ActivitiesPage,
    Activity,
    NewRegistration,
    OrganisedPage,
    Registration,
    RegistrationsPage,
)

_ACTIVITY = ("title", "description", "kind", "starts_at", "ends_at", "topics", "focus_areas", "audiences",
             "organisation", "capacity", "registration_deadline", "online_url", "location", "organiser",
             "created_at", "updated_at", "version", "sequence")
_REGISTRATION = ("activity_id", "name", "email", "status", "arrival", "registered_at")
_TIMES = ("confirmed_at", "waitlisted_at", "cancelled_at", "attended_at")


def _activity(doc: dict, now: datetime) -> dict:
    view = {"id": doc["_id"], **{name: jsonable(doc.get(name)) for name in _ACTIVITY}}
    status = domain.status_of(doc, now)
    view.update(status=status, places_left=domain.places_left(doc), waitlisted=doc.get("waiting", 0),
                registration_open=status == domain.SCHEDULED and now < domain.closes_at(doc)
                and doc["starts_at"] > now)
    if status == domain.CANCELLED:
        view.update(cancel_reason=doc.get("cancel_reason"), cancelled_at=jsonable(doc.get("cancelled_at")))
    return view


def activity_view(doc: dict, now: datetime) -> dict:
    """An activity as anyone sees it."""
    return shown(Activity, _activity(doc, now))


def activities_page(listing: dict, now: datetime) -> dict:
    """A page of `wijkwijzer.pages.page` as anyone sees it."""
    return shown(ActivitiesPage, {**listing, "items": [_activity(doc, now) for doc in listing["items"]]})


def _organised(doc: dict, now: datetime) -> dict:
    view = {"id": doc["_id"], **{name: jsonable(doc.get(name)) for name in
                                 ("title", "kind", "starts_at", "ends_at", "capacity", "updated_at")}}
    status = domain.status_of(doc, now)
    view.update(status=status, registered=doc.get("confirmed", 0), waitlisted=doc.get("waiting", 0),
                places_left=domain.places_left(doc))
    if status == domain.CANCELLED:
        view["cancelled_at"] = jsonable(doc.get("cancelled_at"))
    return view


def organised_page(organisation: str | None, listing: dict, now: datetime) -> dict:
    """A page of an organisation's activities as its organisers see it."""
    return shown(OrganisedPage, {**listing, "organisation": organisation,
                                 "items": [_organised(doc, now) for doc in listing["items"]]})


def _registration(doc: dict, activity: dict) -> dict:
    view = {"id": doc["_id"], **{name: jsonable(doc.get(name)) for name in _REGISTRATION}}
    view.update({name: jsonable(doc[name]) for name in _TIMES if doc.get(name)})
    view.update(member=doc.get("member") is not None, position=registering.position(activity, doc["_id"]))
    return view


def registration_view(doc: dict, activity: dict, token: str | None = None) -> dict:
    """A registration as its registrant or the organisers see it; with its token once, when new."""
    if token is None:
        return shown(Registration, _registration(doc, activity))
    return shown(NewRegistration, {**_registration(doc, activity), "token": token})


def registrations_page(listing: dict, activity: dict) -> dict:
    return shown(RegistrationsPage, {**listing, "items": [_registration(d, activity) for d in listing["items"]]})
