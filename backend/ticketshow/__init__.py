"""Ticket Show: create_app() builds the Flask app that serves the API, the UI and Celery's app context."""

from __future__ import annotations

from pathlib import Path

from apiflask import APIFlask
from flask import request
from flask.sessions import SessionInterface
from werkzeug.routing import Map

from . import i18n
from .config import Settings, load_secret_key, load_ticket_key, secure_data_dir
from .database import configure_sqlite_engine
from .errors import ERROR_SCHEMA, register_error_handlers
from .extensions import db, jwt, redis_store, remember_token_headers
from .fields import RowIdConverter
from .i18n import _
from .jsonprovider import DecimalJSONProvider
from .openapi import register_openapi

MAX_JSON_BYTES = 1024 * 1024
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class _UrlMap(Map):
    """Slashes are not merged: "//api//shows" is not redirected with an HTML page but answered as what it
    is, an unknown path (a JSON 404 under /api, see spa.py)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("merge_slashes", False)
        super().__init__(*args, **kwargs)


class _NoCookieSessions(SessionInterface):
    """No signed-cookie session: the API authenticates with bearer tokens and nothing reads or writes
    `flask.session`. Flask's default interface builds a signing serializer and parses cookies on every
    request (about 5 % of a /api/health); this one hands out the null session and never sets a cookie."""

    def open_session(self, app, request):
        return self.null_session_class()

    def save_session(self, app, session, response):
        return None


class _App(APIFlask):
    url_map_class = _UrlMap
    session_interface = _NoCookieSessions()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync_views: dict = {}

    def ensure_sync(self, func):
        """Flask asks this for every hook and view of every request, and answers by inspecting the
        function's code flags each time; our functions never change from sync to async, so remember."""
        found = self._sync_views.get(func)
        if found is None:
            found = self._sync_views[func] = super().ensure_sync(func)
        return found


def create_app(settings: Settings | None = None, *, serving_only: bool = False) -> APIFlask:
    """The app. `serving_only` (gunicorn's web workers, the Celery worker and beat) leaves out the migration
    commands: Alembic costs each process about 10 MB, and none of them migrates (`flask prepare` does,
    before they start)."""
    settings = settings or Settings.from_env()
    secure_data_dir(settings.data_dir)  # 0700, and files this process writes are 0600

    app = _App(
        __name__,
        title="Ticket Show API",
        version="1.0.0",
        spec_path="/api/openapi.json",
        docs_path=None,
        static_folder=None,
    )
    app.json = DecimalJSONProvider(app)
    app.url_map.converters["int"] = RowIdConverter  # before any route is added
    app.config.update(
        SETTINGS=settings,
        SECRET_KEY=load_secret_key(settings.data_dir),
        JWT_SECRET_KEY=None,  # falls back to SECRET_KEY
        JWT_TOKEN_LOCATION=["headers"],
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{settings.database_path}",
        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 10}},
        REDIS_URL=settings.redis_url,
        CACHE_TTL_SECONDS=settings.cache_ttl_seconds,
        APP_TIMEZONE=settings.app_timezone,
        ACCESS_TOKEN_MINUTES=settings.access_token_minutes,
        BOOKING_MAX_QUANTITY=settings.booking_max_quantity,
        CANCELLATION_CUTOFF_MINUTES=settings.cancellation_cutoff_minutes,
        HOLD_MINUTES=settings.hold_minutes,
        HOLD_RENEWALS=settings.hold_renewals,
        CHECKIN_OPENS_MINUTES=settings.checkin_opens_minutes,
        CHECKIN_CLOSES_MINUTES=settings.checkin_closes_minutes,
        TICKET_SIGNING_KEY=load_ticket_key(settings.data_dir),
        OFFER_MINUTES=settings.offer_minutes,
        WAITING_ROOM_BUYERS=settings.waiting_room_buyers,
        WAITING_ROOM_IDLE_MINUTES=settings.waiting_room_idle_minutes,
        LOGIN_WINDOW_SECONDS=settings.login_window_seconds,
        LOGIN_ADDRESS_MAX_FAILURES=settings.login_address_max_failures,
        CHANGEOVER_MINUTES=settings.changeover_minutes,
        HEALTH_WRITE_PROBE_SECONDS=settings.health_write_probe_seconds,
        ADMIN_EMAIL=settings.admin_email,
        MEDIA_DIR=settings.media_dir,
        UI_DIST=settings.ui_dist or Path(__file__).resolve().parents[2] / "frontend" / "dist",
        # Uploads may be 5 MB (plus multipart framing); JSON bodies are held to 1 MB in _limit_json_bodies.
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES + 64 * 1024,
        VALIDATION_ERROR_SCHEMA=ERROR_SCHEMA,
        HTTP_ERROR_SCHEMA=ERROR_SCHEMA,
        SECURITY_SCHEMES={"BearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        SERVERS=[{"url": "/", "description": "this server"}],
        JSON_SORT_KEYS=False,
    )
    register_openapi(app)
    if settings.testing:
        app.config["TESTING"] = True

    from apiflask.schema_adapters.marshmallow import parser as request_parser

    from . import jsonbody

    jsonbody.register(request_parser)  # strict JSON bodies: a 4xx for anything a client can send

    db.init_app(app)
    # The session is removed at the end of every app context; most requests (health, cached lists, the
    # seat map) never open one, and removing a session that was never made still costs a registry
    # lookup, a new Session object and its close.
    app.teardown_appcontext_funcs.remove(db._teardown_session)
    app.teardown_appcontext(_remove_session_if_used)
    if not serving_only:
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    jwt.init_app(app)
    remember_token_headers()
    redis_store.init_app(app)
    from .observability import register_request_hooks

    if settings.trusted_proxies:  # the client's address and scheme as the proxy saw them (X-Forwarded-*)
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    register_request_hooks(app)  # first, so its after_request hook runs last and sees the final answer
    with app.app_context():
        configure_sqlite_engine(db.engine)

    from .audit.routes import bp as audit_bp
    from .auth import jwt_callbacks  # noqa: F401  (registers the JWT hooks)
    from .auth.routes import bp as auth_bp
    from .booking.routes import bp as booking_bp
    from .catalog.routes import bp as catalog_bp
    from .celery_app import celery_init_app
    from .cli import register_cli
    from .compression import register_compression
    from .dashboard.routes import bp as dashboard_bp
    from .exports.routes import bp as exports_bp
    from .health import bp as health_bp
    from .jobs.routes import bp as jobs_bp
    from .notifications.presence import record_after_request
    from .notifications.routes import bp as notifications_bp
    from .observability import bp as metrics_bp
    from .operations import bp as operations_bp
    from .popularity.routes import bp as popularity_bp
    from .pricing.routes import bp as pricing_bp
    from .public_config import bp as public_config_bp
    from .reports.routes import bp as reports_bp
    from .seating.routes import bp as seating_bp
    from .spa import register_spa
    from .staff.routes import bp as staff_bp
    from .tickets.routes import bp as tickets_bp
    from .waitingroom.routes import bp as waitingroom_bp
    from .waitlist.routes import bp as waitlist_bp

    for blueprint in (
        health_bp,
        public_config_bp,
        metrics_bp,
        operations_bp,
        dashboard_bp,
        auth_bp,
        catalog_bp,
        booking_bp,
        jobs_bp,
        exports_bp,
        notifications_bp,
        reports_bp,
        pricing_bp,
        popularity_bp,
        staff_bp,
        audit_bp,
        seating_bp,
        tickets_bp,
        waitlist_bp,
        waitingroom_bp,
    ):
        app.register_blueprint(blueprint)
    from .booking import sales as booking_sales
    from .catalog import sales

    sales.install(booking_sales)  # catalog sits below booking: it asks about sales through this
    celery_init_app(app)
    app.after_request(record_after_request)  # last seen, for the daily reminder
    register_error_handlers(app)
    i18n.init_app(app)  # messages, mail and PDFs in English, Hindi or Tamil
    register_compression(app)
    register_spa(app)
    from .security import register_security

    register_security(app)  # CSP and friends on every answer; /api/docs from local, pinned files
    from . import policy

    policy.declare_framework_routes(app)
    register_cli(app)

    @app.before_request
    def _limit_json_bodies():
        current = request._get_current_object()
        if current.method in _BODY_METHODS and current.path.startswith("/api/"):
            if current.environ.get("CONTENT_TYPE") == "application/json":  # the usual: no header to parse
                current.max_content_length = MAX_JSON_BYTES
                return
            if current.mimetype != "multipart/form-data":
                current.max_content_length = MAX_JSON_BYTES
            _require_json_content_type()

    return app


def _remove_session_if_used(_error) -> None:
    if db.session.registry.has():
        db.session.remove()


def _require_json_content_type() -> None:
    from .errors import DomainError

    if request.mimetype == "multipart/form-data":
        return
    has_body = (request.content_length or 0) > 0 or request.headers.get("Transfer-Encoding") == "chunked"
    if has_body and not request.is_json:
        raise DomainError(
            _("Send the body as JSON with Content-Type: application/json."),
            code="unsupported_content_type",
            details={"content_type": request.mimetype},
        )
