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
    "list_activities": Route("GET", f"{API}/activities", ANYONE, "Upcoming activities, soonest first",
                             "activities", query=models.Page, public_read=True, response="ActivitiesPage"),
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
}


def allows(route: Route, roles: list[str] | None) -> bool:
    """May a caller with these roles (None: anonymous) call the route?"""
    if route.roles == ANYONE:
        return True
    if roles is None:
        return False
    return route.roles == MEMBER or ADMIN in roles or bool(route.roles & set(roles))
