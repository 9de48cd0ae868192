"""Every route of the HTTP API, who may call it, and what it takes: one readable table.

The gateway enforces the roles here before any service is called; rules about
ownership (the author of a draft, the organiser of an activity) are the
services' to decide. The OpenAPI document is generated from this table, the
request models and the answer models (each route names its answer's schema: a
service's, generated from its models into responses/, or the gateway's own), so
it cannot drift from what the gateway does.

Roles come from the token's `roles` claim. Every signed-in caller is a member;
an admin may call every route that needs a role.
"""
from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from . import models

ANYONE = frozenset()   # anonymous callers included
MEMBER = frozenset({"member"})
EDITOR = frozenset({"editor"})
ORGANISER = frozenset({"organiser"})
WIJKWIJZE = frozenset({"wijkwijze"})
ADMINS = frozenset({"admin"})
ADMIN = "admin"
ROLES = ("member", "wijkwijze", "editor", "organiser", "admin", "partner")

API = "/api/v1"


@dataclass(frozen=True)
class Route:
    method: str
    path: str                         # werkzeug rule syntax: /publications/<id>
    roles: frozenset[str]             # ANYONE, or any one of these roles
    summary: str
    tag: str
    body: type[BaseModel] | None = None
    status: int = 200                 # on success
    query: type[BaseModel] | None = None   # the query string it takes
    content_type: str = "application/json"
    public_read: bool = False         # the same answer for every anonymous caller: shared caches may keep it
    response: str | None = None       # the schema of a success's body, by name (openapi.py)
    also: tuple[str, ...] = ()        # other content types a success may have (by Accept), text


ROUTES: dict[str, Route] = {
    "healthz": Route("GET", "/healthz", ANYONE, "The process is up", "health", response="Health"),
    "readyz": Route("GET", "/readyz", ANYONE, "The broker and every service answer", "health",
                    response="Readiness"),
    "openapi": Route("GET", f"{API}/openapi.json", ANYONE, "This API as an OpenAPI 3.1 document", "docs",
                     public_read=True),
    "docs": Route("GET", "/api/docs", ANYONE, "This API as a readable page", "docs",
                  content_type="text/html", public_read=True),
    "docs_script": Route("GET", "/api/docs/docs.js", ANYONE, "The script of the readable page", "docs",
                         content_type="text/javascript", public_read=True),
    "docs_style": Route("GET", "/api/docs/docs.css", ANYONE, "The stylesheet of the readable page", "docs",
                        content_type="text/css", public_read=True),
    "get_taxonomy": Route("GET", f"{API}/taxonomy", ANYONE,
                          "Topics, focus areas, organisations, audiences and kinds", "reference data",
                          public_read=True, response="Taxonomy"),
    "create_publication": Route("POST", f"{API}/publications", MEMBER, "Create a draft publication",
                                "publications", body=models.PublicationDraft, status=201, response="Publication"),
    "get_publication": Route("GET", f"{API}/publications/<id_or_slug>", ANYONE,
                             "A publication: anyone when published; its author and editors otherwise",
                             "publications", public_read=True, response="Publication"),
    "submit_publication": Route("POST", f"{API}/publications/<publication_id>/submit", MEMBER,
                                "Submit a draft for review (its author only)", "publications",
                                response="Publication"),
    "list_activities": Route("GET", f"{API}/activities", ANYONE,
                             "Activities, soonest first: upcoming, or those starting in a range (`from`, `to`), "
                             "filtered (repeat a filter to OR its values)", "activities",
                             query=models.ActivityQuery, public_read=True, response="ActivitiesPage"),
    "schedule_activity": Route("POST", f"{API}/activities", ORGANISER,
                               "Put an activity on the calendar (organisers for their own organisation)",
                               "activities", body=models.ActivityDraft, status=201, response="Activity"),
    "get_activity": Route("GET", f"{API}/activities/<activity_id>", ANYONE, "An activity", "activities",
                          public_read=True, response="Activity"),
    "activity_ics": Route("GET", f"{API}/activities/<activity_id>.ics", ANYONE,
                          "An activity as iCalendar (RFC 5545), to import into a calendar program", "activities",
                          content_type="text/calendar", public_read=True),
    "update_activity": Route("PATCH", f"{API}/activities/<activity_id>", ORGANISER,
                             "Change an activity (organisers of its organisation); more capacity promotes "
                             "from the waitlist", "activities", body=models.ActivityChanges, response="Activity"),
    "cancel_activity": Route("POST", f"{API}/activities/<activity_id>/cancel", ORGANISER,
                             "Cancel an activity (organisers of its organisation); every registrant is told",
                             "activities", body=models.Cancellation, response="Activity"),
    "my_activities": Route("GET", f"{API}/me/activities", ORGANISER,
                           "The activities of the organisation the caller's token names, in every state "
                           "(scheduled, cancelled, completed), latest start first, with their registrations "
                           "counted", "activities", query=models.PageQuery, response="OrganisedPage"),
    "calendar_feed": Route("GET", f"{API}/calendar.ics", ANYONE,
                           "The activity calendar as an iCalendar feed to subscribe to (scheduled and "
                           "cancelled activities from 30 days ago), filtered", "activities",
                           query=models.CalendarQuery, content_type="text/calendar", public_read=True),
    "register": Route("POST", f"{API}/activities/<activity_id>/registrations", ANYONE,
                      "Register: a place, or the waitlist when it is full. Anonymous visitors give a name and "
                      "an e-mail address and get a secret token (shown once); members register as themselves",
                      "registrations", body=models.RegistrationRequest, status=201, response="NewRegistration"),
    "list_registrations": Route("GET", f"{API}/activities/<activity_id>/registrations", ORGANISER,
                                "An activity's registrations in arrival order (organisers of its organisation); "
                                "`Accept: text/csv` for a spreadsheet (UTF-8 with BOM, semicolons)",
                                "registrations", query=models.RegistrationsQuery, response="RegistrationsPage",
                                also=("text/csv",)),
    "get_registration": Route("GET", f"{API}/activities/<activity_id>/registrations/<registration_id>", ANYONE,
                              "A registration, with its place on the waitlist (its registrant: signed in, or "
                              "with `?token=`)", "registrations", query=models.TokenQuery, response="Registration"),
    "cancel_registration": Route("DELETE", f"{API}/activities/<activity_id>/registrations/<registration_id>",
                                 ANYONE, "Cancel a registration (its registrant: signed in, or with `?token=`); "
                                 "the first on the waitlist gets the place", "registrations",
                                 query=models.TokenQuery, response="Registration"),
    "mark_attended": Route("POST", f"{API}/activities/<activity_id>/registrations/<registration_id>/attended",
                           ORGANISER, "Mark a confirmed registrant as present (organisers of its organisation)",
                           "registrations", response="Registration"),
    "list_publications": Route("GET", f"{API}/publications", ANYONE,
                               "Search publications: full text (Dutch stemming), filters, facets. "
                               "Anyone sees what is published; editors may filter by status",
                               "publications", query=models.PublicationSearch, public_read=True,
                               response="SearchPage"),
    # the same path as get_publication (OpenAPI allows one template per path), so by id or slug too
    "update_publication": Route("PATCH", f"{API}/publications/<id_or_slug>", MEMBER,
                                "Edit a publication (its author or an editor). An author's edit of a "
                                "published publication becomes a pending revision for editors to approve",
                                "publications", body=models.PublicationChanges, response="Publication"),
    "review_publication": Route("POST", f"{API}/publications/<publication_id>/review", EDITOR,
                                "An editor's decision on a submission, a pending revision, open flags "
                                "or a passed review date", "publications", body=models.ReviewDecision,
                                response="Publication"),
    "withdraw_publication": Route("POST", f"{API}/publications/<publication_id>/withdraw", MEMBER,
                                  "Withdraw a published publication (its author or an editor); "
                                  "the body is optional", "publications", body=models.Withdrawal,
                                  response="Publication"),
    "flag_publication": Route("POST", f"{API}/publications/<publication_id>/flags", ANYONE,
                              "Flag a publication with a reason; at 3 open flags it is hidden until an "
                              "editor decides", "publications", body=models.FlagReport, status=201,
                              response="FlagReceived"),
    "publication_history": Route("GET", f"{API}/publications/<publication_id>/history", MEMBER,
                                 "Every transition of a publication: who, when, note (its author and "
                                 "editors)", "publications", response="PublicationHistory"),
    "review_queue": Route("GET", f"{API}/review-queue", EDITOR,
                          "What waits for an editor, oldest first: submissions, pending revisions, "
                          "flagged and review-due publications", "publications", query=models.ReviewQueueQuery,
                          response="ReviewQueuePage"),
    "my_publications": Route("GET", f"{API}/me/publications", MEMBER,
                             "The caller's own publications in every status (or those of `status`), newest "
                             "change first, each with any edit of its published text waiting for an editor",
                             "publications", query=models.AuthoredQuery, response="AuthoredPage"),
    "ask_question": Route("POST", f"{API}/questions", ANYONE,
                          "Ask the vraagbaak: routed at once to a wijkwijze (or the national pool). Anonymous "
                          "askers give an e-mail address and get a secret token (shown once); with related "
                          "publications from the kennisbank", "helpdesk", body=models.QuestionRequest, status=201,
                          response="NewQuestion"),
    "related_publications": Route("GET", f"{API}/questions/related", ANYONE,
                                  "Publications that may answer a question being written (none when the "
                                  "kennisbank does not answer in time)", "helpdesk", query=models.RelatedQuery,
                                  response="RelatedPublications"),
    "list_questions": Route("GET", f"{API}/questions", WIJKWIJZE,
                            "A wijkwijze's own open questions, the national pool, or (admins) every question, "
                            "oldest first", "helpdesk", query=models.QuestionsQuery, response="QuestionsPage"),
    "get_question": Route("GET", f"{API}/questions/<question_id>", ANYONE,
                          "A question with its thread and history (its asker: signed in or with `?token=`; its "
                          "wijkwijze, who picks it up by opening it; wijkwijzen while it is in the pool; admins)",
                          "helpdesk", query=models.QuestionTokenQuery, response="Question"),
    "post_message": Route("POST", f"{API}/questions/<question_id>/messages", ANYONE,
                          "Write in the thread (the asker, signed in or with `?token=`; the wijkwijze)", "helpdesk",
                          body=models.MessageRequest, query=models.QuestionTokenQuery, status=201,
                          response="Question"),
    "answer_question": Route("POST", f"{API}/questions/<question_id>/answer", WIJKWIJZE,
                             "Answer a question (its wijkwijze; any wijkwijze for a pooled one)", "helpdesk",
                             body=models.MessageRequest, response="Question"),
    "decline_question": Route("POST", f"{API}/questions/<question_id>/decline", WIJKWIJZE,
                              "Give a question back (its wijkwijze): routed again, never to you", "helpdesk",
                              body=models.DeclineRequest, response="Declined"),
    "close_question": Route("POST", f"{API}/questions/<question_id>/close", ANYONE,
                            "Close a question (its asker, signed in or with `?token=`; admins)", "helpdesk",
                            query=models.QuestionTokenQuery, response="Question"),
    "reopen_question": Route("POST", f"{API}/questions/<question_id>/reopen", ANYONE,
                             "Reopen an answered or closed question (its asker; admins): back to its wijkwijze",
                             "helpdesk", query=models.QuestionTokenQuery, response="Question"),
    "put_wijkwijze": Route("PUT", f"{API}/wijkwijzen/<sub>", ADMINS,
                           "Put a wijkwijze on the roster or change their entry", "helpdesk",
                           body=models.WijkwijzeRequest, response="WijkwijzeEntry"),
    "list_wijkwijzen": Route("GET", f"{API}/wijkwijzen", ADMINS, "The roster by name, with each one's load",
                             "helpdesk", query=models.Page, response="WijkwijzenPage"),
    "my_follows": Route("GET", f"{API}/me/follows", MEMBER, "What the caller follows, and how often they hear of it",
                        "notifications", response="Follows"),
    "set_my_follows": Route("PUT", f"{API}/me/follows", MEMBER,
                            "Follow topics, focus areas, organisations, activities and questions (all of them: "
                            "what is left out is no longer followed), and how often: immediately, in a daily or "
                            "weekly digest, or not at all", "notifications", body=models.FollowsUpdate,
                            response="Follows"),
    "my_preferences": Route("GET", f"{API}/me/preferences", MEMBER,
                            "How each kind of message reaches the caller; critical kinds are always sent",
                            "notifications", response="Preferences"),
    "set_my_preferences": Route("PUT", f"{API}/me/preferences", MEMBER,
                                "Choose per kind of message: immediate, daily, weekly or off (critical kinds "
                                "cannot be switched off)", "notifications", body=models.PreferencesUpdate,
                                response="Preferences"),
    "my_notifications": Route("GET", f"{API}/me/notifications", MEMBER,
                              "The caller's delivery log, newest first: each e-mail, its state and attempts",
                              "notifications", query=models.PageQuery, response="DeliveryPage"),
    "unsubscribe_page": Route("GET", f"{API}/unsubscribe", ANYONE,
                              "The page of an unsubscribe link: what it switches off, and a button that does",
                              "notifications", query=models.UnsubscribeQuery, content_type="text/html"),
    "unsubscribe": Route("POST", f"{API}/unsubscribe", ANYONE,
                         "One-click unsubscribe (RFC 8058: the mail program posts "
                         "`List-Unsubscribe=One-Click`; any body is accepted): that kind of message is off",
                         "notifications", query=models.UnsubscribeQuery, content_type="text/html"),
    "register_partner": Route("POST", f"{API}/partners", ADMINS,
                              "Register a partner's webhook endpoint and what it gets; the signing secret is in "
                              "this answer only", "partners", body=models.PartnerRequest, status=201,
                              response="PartnerWithSecret"),
    "list_partners": Route("GET", f"{API}/partners", ADMINS, "Every partner, oldest first", "partners",
                           query=models.Page, response="PartnerPage"),
    "get_partner": Route("GET", f"{API}/partners/<partner_id>", ADMINS, "A partner's endpoint, filters and state",
                         "partners", response="Partner"),
    "change_partner": Route("PATCH", f"{API}/partners/<partner_id>", ADMINS,
                            "Change a partner's endpoint or filters, or switch it off and on", "partners",
                            body=models.PartnerChanges, response="Partner"),
    "rotate_partner_secret": Route("POST", f"{API}/partners/<partner_id>/secret", ADMINS,
                                   "A new signing secret (in this answer only); the old one signs too for "
                                   "WEBHOOK_SECRET_OVERLAP_HOURS", "partners", response="PartnerWithSecret"),
    "partner_deliveries": Route("GET", f"{API}/partners/<partner_id>/deliveries", ADMINS,
                                "The partner's delivery log, newest first: each event, its state and every attempt "
                                "(status code, latency)", "partners", query=models.Page, response="WebhookDeliveryPage"),
    "replay_to_partner": Route("POST", f"{API}/partners/<partner_id>/replay", ADMINS,
                               "Send one event, or every kept event of a time range, to the partner again (same "
                               "webhook-id)", "partners", body=models.ReplayRequest, status=202, response="Replayed"),
}


def allows(route: Route, roles: list[str] | None) -> bool:
    """May a caller with these roles (None: anonymous) call the route?"""
    if route.roles == ANYONE:
        return True
    if roles is None:
        return False
    return route.roles == MEMBER or ADMIN in roles or bool(route.roles & set(roles))
