"""The gateway's routes: authenticate, validate, call a service with a deadline, answer."""
from __future__ import annotations

import time
import uuid

import eventlet
from nameko.dependency_providers import Config
from nameko.timer import timer
from werkzeug.wrappers import Response
from wijkwijzer import taxonomy
from wijkwijzer.config import RPC_TIMEOUT
from wijkwijzer.config import get as config_value
from wijkwijzer.logs import CorrelationId
from wijkwijzer.mongo import MongoDatabase
from wijkwijzer.ops import Operations
from wijkwijzer.ping import Health
from wijkwijzer.responses import shown

from . import auth, limits, models, openapi
from .http import json_body, json_response, query, route
from .problems import from_exception
from .routes import API
from .rpc import call, service_proxy

SERVICES = ("publications", "events", "helpdesk", "notifications")


class GatewayService:
    name = "gateway"

    publications = service_proxy("publications")
    events = service_proxy("events")
    helpdesk = service_proxy("helpdesk")
    notifications = service_proxy("notifications")
    correlation_id = CorrelationId()
    config = Config()
    authenticator = auth.Authenticator()
    db = MongoDatabase(limits.INDEXES)   # the gateway's only state: rate-limit counters
    health = Health(limits.COLLECTION)   # its own database and workers, for the ops port's /readyz
    ops = Operations()   # /healthz, /readyz and /metrics on OPS_ADDRESS, not on the public port
    write_limits = limits.WriteLimiter()

    # -- helpers (not entrypoints) --------------------------------------------------------------

    def _timeout(self) -> float:
        return float(config_value(self.config, RPC_TIMEOUT))

    @timer(interval=60)
    def forget_old_rate_limit_windows(self):
        self.write_limits.sweep(time.time())

    # -- health ---------------------------------------------------------------------------------

    @route("healthz")
    def healthz(self, request):
        return shown(models.Health, {"status": "ok"})

    @route("readyz")
    def readyz(self, request):
        """Ready when every service answers its ping within READY_TIMEOUT seconds and reports
        itself healthy (its database read in time, no worker stuck: wijkwijzer.ping)."""
        timeout = float(self.config.get("READY_TIMEOUT", 2))

        def ping(service: str) -> tuple[str, str]:
            try:
                report = call(getattr(self, service).ping, timeout=timeout)
            except Exception as exc:  # noqa: BLE001 (each failure is reported by name)
                return service, from_exception(exc).detail or "failed"
            if report.get("status") != "ok":
                return service, "; ".join(report.get("problems") or ["not ready"])
            return service, "ok"

        pool = eventlet.GreenPool(len(SERVICES))
        services = dict(pool.imap(ping, SERVICES))
        ready = all(state == "ok" for state in services.values())
        return (200 if ready else 503), shown(models.Readiness,
                                              {"status": "ready" if ready else "not ready", "services": services})

    # -- documentation --------------------------------------------------------------------------

    @route("openapi")
    def openapi(self, request):
        return openapi.document()

    @route("docs")
    def docs(self, request):
        return Response(openapi.asset("docs.html"), content_type="text/html; charset=utf-8")

    @route("docs_script")
    def docs_script(self, request):
        return Response(openapi.asset("docs.js"), content_type="text/javascript; charset=utf-8")

    @route("docs_style")
    def docs_style(self, request):
        return Response(openapi.asset("docs.css"), content_type="text/css; charset=utf-8")

    # -- reference data -------------------------------------------------------------------------

    @route("get_taxonomy")
    def get_taxonomy(self, request):
        return taxonomy.load().model_dump(mode="json")

    # -- publications ---------------------------------------------------------------------------

    @route("create_publication")
    def create_publication(self, request):
        author = request.caller
        draft = json_body(request, models.PublicationDraft)
        created = call(self.publications.create_draft, draft.model_dump(), author.model_dump(),
                       request.headers.get("Idempotency-Key"), timeout=self._timeout())
        return json_response(created, 201, {"Location": f"{API}/publications/{created['id']}"})

    @route("get_publication")
    def get_publication(self, request, id_or_slug):
        viewer = request.caller
        return call(self.publications.get, id_or_slug, viewer and viewer.model_dump(),
                    timeout=self._timeout())

    @route("submit_publication")
    def submit_publication(self, request, publication_id):
        author = request.caller
        return call(self.publications.submit, publication_id, author.model_dump(), timeout=self._timeout())

    @route("list_publications")
    def list_publications(self, request):
        params = query(request, models.PublicationSearch).model_dump(exclude_none=True)
        viewer = request.caller
        return call(self.publications.search, params, viewer and viewer.model_dump(), timeout=self._timeout())

    @route("update_publication")
    def update_publication(self, request, id_or_slug):
        changes = json_body(request, models.PublicationChanges).model_dump(mode="json", exclude_unset=True)
        based_on = changes.pop("version", None)
        return call(self.publications.edit, id_or_slug, changes, request.caller.model_dump(), based_on,
                    timeout=self._timeout())

    @route("review_publication")
    def review_publication(self, request, publication_id):
        review = json_body(request, models.ReviewDecision)
        return call(self.publications.review, publication_id, review.decision, review.note,
                    request.caller.model_dump(), timeout=self._timeout())

    @route("withdraw_publication")
    def withdraw_publication(self, request, publication_id):
        withdrawal = json_body(request, models.Withdrawal, optional=True)
        return call(self.publications.withdraw, publication_id, withdrawal.note, request.caller.model_dump(),
                    timeout=self._timeout())

    @route("flag_publication")
    def flag_publication(self, request, publication_id):
        report = json_body(request, models.FlagReport)
        # anonymous readers get one open flag per address; the service stores only a hash of it
        reporter = request.caller.model_dump() if request.caller else {"address": request.remote_addr}
        flag = call(self.publications.flag, publication_id, report.reason, reporter, timeout=self._timeout())
        return 201, flag

    @route("publication_history")
    def publication_history(self, request, publication_id):
        return call(self.publications.history, publication_id, request.caller.model_dump(),
                    timeout=self._timeout())

    @route("review_queue")
    def review_queue(self, request):
        wanted = query(request, models.ReviewQueueQuery)
        return call(self.publications.review_queue, wanted.reason, wanted.organisation, wanted.limit,
                    wanted.cursor, timeout=self._timeout())

    @route("my_publications")
    def my_publications(self, request):
        wanted = query(request, models.AuthoredQuery)
        return call(self.publications.authored_by, request.caller.model_dump(), wanted.status, wanted.limit,
                    wanted.cursor, timeout=self._timeout())

    # -- activities -----------------------------------------------------------------------------

    @route("list_activities")
    def list_activities(self, request):
        wanted = query(request, models.ActivityQuery)
        return call(self.events.upcoming, wanted.limit, wanted.cursor, wanted.filters(), timeout=self._timeout())

    @route("schedule_activity")
    def schedule_activity(self, request):
        fields = json_body(request, models.ActivityDraft).model_dump(mode="json", exclude_unset=True)
        # without the client's Idempotency-Key, one of this request's own: the call delivered again
        # (its first process died) finds the activity it made instead of making a second
        key = request.headers.get("Idempotency-Key") or f"request-{uuid.uuid4().hex}"
        created = call(self.events.schedule, fields, request.caller.model_dump(), key, timeout=self._timeout())
        return json_response(created, 201, {"Location": f"{API}/activities/{created['id']}"})

    @route("get_activity")
    def get_activity(self, request, activity_id):
        return call(self.events.get, activity_id, timeout=self._timeout())

    @route("activity_ics")
    def activity_ics(self, request, activity_id):
        text = call(self.events.activity_ics, activity_id, timeout=self._timeout())
        return Response(text, content_type="text/calendar; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="activiteit-{activity_id}.ics"'})

    @route("calendar_feed")
    def calendar_feed(self, request):
        wanted = query(request, models.CalendarQuery)
        return call(self.events.calendar_ics, wanted.filters(), timeout=self._timeout())

    @route("my_activities")
    def my_activities(self, request):
        wanted = query(request, models.PageQuery)
        return call(self.events.organised_by, request.caller.model_dump(), wanted.limit, wanted.cursor,
                    timeout=self._timeout())

    @route("update_activity")
    def update_activity(self, request, activity_id):
        changes = json_body(request, models.ActivityChanges).model_dump(mode="json", exclude_unset=True)
        based_on = changes.pop("version", None)
        return call(self.events.update, activity_id, changes, request.caller.model_dump(), based_on,
                    timeout=self._timeout())

    @route("cancel_activity")
    def cancel_activity(self, request, activity_id):
        cancellation = json_body(request, models.Cancellation)
        return call(self.events.cancel, activity_id, cancellation.reason, request.caller.model_dump(),
                    timeout=self._timeout())

    # -- registrations --------------------------------------------------------------------------

    @route("register")
    def register(self, request, activity_id):
        fields = json_body(request, models.RegistrationRequest, optional=True).model_dump(exclude_none=True)
        member = request.caller and request.caller.model_dump()
        # the client's Idempotency-Key, else a random id of this request: the service tells the same
        # registration asked again (a client retrying after a 504, a call delivered again after its
        # process died) from a second one for the address, and answers it with a new token. Only
        # whoever sent the key knows it, so nobody else can ask for someone's registration this way.
        attempt = request.headers.get("Idempotency-Key") or f"request-{uuid.uuid4().hex}"
        created = call(self.events.register, activity_id, fields, member, attempt, timeout=self._timeout())
        return json_response(created, 201,
                             {"Location": f"{API}/activities/{activity_id}/registrations/{created['id']}"})

    @route("list_registrations")
    def list_registrations(self, request, activity_id):
        wanted = query(request, models.RegistrationsQuery)
        organiser = request.caller.model_dump()
        if request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv":
            text = call(self.events.registrations_csv, activity_id, organiser, wanted.status or None,
                        timeout=self._timeout())
            return Response(text, content_type="text/csv; charset=utf-8", headers={
                "Content-Disposition": f'attachment; filename="inschrijvingen-{activity_id}.csv"'})
        return call(self.events.registrations, activity_id, organiser, wanted.status or None, wanted.limit,
                    wanted.cursor, timeout=self._timeout())

    def _registrant(self, request) -> tuple[str | None, dict | None]:
        """The token of the query, or the signed-in member: one of them is needed."""
        token = query(request, models.TokenQuery).token
        if token is None and request.caller is None:
            raise auth.unauthorised("sign in as the registrant, or give the token of the registration (?token=)")
        return token, request.caller and request.caller.model_dump()

    @route("get_registration")
    def get_registration(self, request, activity_id, registration_id):
        token, member = self._registrant(request)
        return call(self.events.registration, activity_id, registration_id, token, member, timeout=self._timeout())

    @route("cancel_registration")
    def cancel_registration(self, request, activity_id, registration_id):
        token, member = self._registrant(request)
        return call(self.events.cancel_registration, activity_id, registration_id, token, member,
                    timeout=self._timeout())

    @route("mark_attended")
    def mark_attended(self, request, activity_id, registration_id):
        return call(self.events.mark_attended, activity_id, registration_id, request.caller.model_dump(),
                    timeout=self._timeout())

    # -- helpdesk -------------------------------------------------------------------------------

    @route("ask_question")
    def ask_question(self, request):
        fields = json_body(request, models.QuestionRequest).model_dump(exclude_none=True)
        asker = request.caller and request.caller.model_dump()
        # a random id of this request: the service tells the call delivered again (its first process
        # died) from a second question
        created = call(self.helpdesk.ask, fields, asker, uuid.uuid4().hex, timeout=self._timeout())
        return json_response(created, 201, {"Location": f"{API}/questions/{created['id']}"})

    @route("related_publications")
    def related_publications(self, request):
        return call(self.helpdesk.related, query(request, models.RelatedQuery).q, timeout=self._timeout())

    @route("list_questions")
    def list_questions(self, request):
        wanted = query(request, models.QuestionsQuery)
        return call(self.helpdesk.list_questions, request.caller.model_dump(),
                    wanted.model_dump(include={"assigned_to", "status"}), wanted.limit, wanted.cursor,
                    timeout=self._timeout())

    def _asker(self, request) -> tuple[dict | None, str | None]:
        """The signed-in caller, or the token of the query: one of them is needed."""
        token = query(request, models.QuestionTokenQuery).token
        if token is None and request.caller is None:
            raise auth.unauthorised("sign in, or give the token you got with the question (?token=)")
        return request.caller and request.caller.model_dump(), token

    @route("get_question")
    def get_question(self, request, question_id):
        return call(self.helpdesk.get_question, question_id, *self._asker(request), timeout=self._timeout())

    @route("post_message")
    def post_message(self, request, question_id):
        caller, token = self._asker(request)
        message = json_body(request, models.MessageRequest).model_dump()
        return 201, call(self.helpdesk.post_message, question_id, message, caller, token, timeout=self._timeout())

    @route("answer_question")
    def answer_question(self, request, question_id):
        answer = json_body(request, models.MessageRequest).model_dump()
        return call(self.helpdesk.answer, question_id, answer, request.caller.model_dump(), timeout=self._timeout())

    @route("decline_question")
    def decline_question(self, request, question_id):
        reason = json_body(request, models.DeclineRequest).model_dump()
        return call(self.helpdesk.decline, question_id, reason, request.caller.model_dump(), timeout=self._timeout())

    @route("close_question")
    def close_question(self, request, question_id):
        return call(self.helpdesk.close, question_id, *self._asker(request), timeout=self._timeout())

    @route("reopen_question")
    def reopen_question(self, request, question_id):
        return call(self.helpdesk.reopen, question_id, *self._asker(request), timeout=self._timeout())

    @route("put_wijkwijze")
    def put_wijkwijze(self, request, sub):
        entry = json_body(request, models.WijkwijzeRequest).model_dump(mode="json")
        return call(self.helpdesk.put_wijkwijze, sub, entry, timeout=self._timeout())

    @route("list_wijkwijzen")
    def list_wijkwijzen(self, request):
        wanted = query(request, models.Page)
        return call(self.helpdesk.list_wijkwijzen, wanted.limit, wanted.cursor, timeout=self._timeout())

    # -- notifications --------------------------------------------------------------------------

    @route("my_follows")
    def my_follows(self, request):
        return call(self.notifications.follows, request.caller.model_dump(), timeout=self._timeout())

    @route("set_my_follows")
    def set_my_follows(self, request):
        follows = json_body(request, models.FollowsUpdate).model_dump()
        return call(self.notifications.set_follows, request.caller.model_dump(), follows, timeout=self._timeout())

    @route("my_preferences")
    def my_preferences(self, request):
        return call(self.notifications.preferences, request.caller.model_dump(), timeout=self._timeout())

    @route("set_my_preferences")
    def set_my_preferences(self, request):
        kinds = json_body(request, models.PreferencesUpdate).kinds
        return call(self.notifications.set_preferences, request.caller.model_dump(), {"kinds": kinds},
                    timeout=self._timeout())

    @route("my_notifications")
    def my_notifications(self, request):
        wanted = query(request, models.PageQuery)
        return call(self.notifications.my_notifications, request.caller.model_dump(), wanted.limit, wanted.cursor,
                    timeout=self._timeout())

    @route("unsubscribe_page")
    def unsubscribe_page(self, request):
        token = query(request, models.UnsubscribeQuery).token
        return call(self.notifications.unsubscribe_page, token, False, timeout=self._timeout())

    @route("unsubscribe")
    def unsubscribe(self, request):
        """RFC 8058: mail programs post `List-Unsubscribe=One-Click` as a form; the link's page posts
        the same. The body says nothing the token does not, so it is not read."""
        token = query(request, models.UnsubscribeQuery).token
        return call(self.notifications.unsubscribe_page, token, True, timeout=self._timeout())

    # -- partners -------------------------------------------------------------------------------

    @route("register_partner")
    def register_partner(self, request):
        fields = json_body(request, models.PartnerRequest).model_dump(mode="json")
        created = call(self.notifications.register_partner, fields, timeout=self._timeout())
        return json_response(created, 201, {"Location": f"{API}/partners/{created['id']}"})

    @route("list_partners")
    def list_partners(self, request):
        wanted = query(request, models.Page)
        return call(self.notifications.partners, wanted.limit, wanted.cursor, timeout=self._timeout())

    @route("get_partner")
    def get_partner(self, request, partner_id):
        return call(self.notifications.partner, partner_id, timeout=self._timeout())

    @route("change_partner")
    def change_partner(self, request, partner_id):
        changes = json_body(request, models.PartnerChanges).model_dump(mode="json", exclude_unset=True)
        return call(self.notifications.change_partner, partner_id, changes, timeout=self._timeout())

    @route("rotate_partner_secret")
    def rotate_partner_secret(self, request, partner_id):
        return call(self.notifications.rotate_partner_secret, partner_id, timeout=self._timeout())

    @route("partner_deliveries")
    def partner_deliveries(self, request, partner_id):
        wanted = query(request, models.Page)
        return call(self.notifications.partner_deliveries, partner_id, wanted.limit, wanted.cursor,
                    timeout=self._timeout())

    @route("replay_to_partner")
    def replay_to_partner(self, request, partner_id):
        fields = json_body(request, models.ReplayRequest).model_dump(mode="json", by_alias=True, exclude_none=True)
        return 202, call(self.notifications.replay_to_partner, partner_id, fields, timeout=self._timeout())
