"""The web application: every domain's routes, the session, CSRF, templates and the dependencies handlers get."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.static_files import create_static_files_router

from services.admin.routes import admin_router
from services.cases import routes as cases
from services.certificates import routes as certificates
from services.certification import routes as certification
from services.contests import contest_results_of
from services.contests import routes as contests
from services.incentives import routes as incentives
from services.matching import routes as matching
from services.mentoring import routes as mentoring
from services.monitoring import routes as monitoring
from services.programmes import IndicatorCounter
from services.programmes import routes as programmes
from services.public import routes as public_pages
from services.registry import routes as registry
from services.reports import ContestLines, indicator_values, questionnaire_report
from services.reports import routes as reports
from services.reports.my_exports import my_exports_page
from services.school import issuing_routes as school_certificates
from services.school import routes as school
from services.workspace.routes import workspace_router
from shared import clock
from shared.auth import SessionConfig, public, unguarded_routes
from shared.db import DB, close_pool
from shared.jobs import connect, process_queue, set_queue
from shared.proxies import ForwardedHeaders
from shared.security import SecurityHeaders
from shared.sessions import SESSION_COOKIE, STORE_NAME, SessionStore, store_seconds
from shared.settings import ROOT, Settings, get_settings
from shared.templating import template_config
from shared.uploads import UploadKind, UploadLimit, apply_upload_limits, upload_limit
from shared.web import EXCEPTION_HANDLERS, healthz, provide_redis, provide_settings, readyz, tenant_middleware
from tenants import contingent_routes, import_routes, region_settings, second_factor
from tenants.access import load_principal
from tenants.guards import provide_actor, provide_principal
from tenants.roles import role_label
from tenants.routes import api_router, page_router

REQUEST_MAX_BODY = 12 * 1024 * 1024
API_DESCRIPTION = (
    "JSON API платформы «Наставник». Вход: POST /api/v1/auth/login (ставит cookie сессии, как у страниц). "
    "Запросы, меняющие данные, отправляются в JSON. Загрузка файла (POST /api/v1/imports, multipart/form-data) "
    "требует заголовка X-CSRFToken со значением csrf_token из ответа на вход или из GET /api/v1/me; без него — 403. "
    'Ошибки: {"detail": текст, "errors": {поле: сообщение}}; файл больше допустимого — 413 с именем поля.'
)


def route_handlers() -> list[Any]:
    static = create_static_files_router(
        path="/static",
        directories=[ROOT / "shared" / "static"],
        guards=[public],
        opt={"tenant": False},
        include_in_schema=False,
    )
    return [
        healthz,
        readyz,
        static,
        page_router,
        api_router,
        second_factor.page_router,
        region_settings.page_router,
        region_settings.api_router,
        contingent_routes.page_router,
        contingent_routes.api_router,
        import_routes.page_router,
        import_routes.api_router,
        workspace_router,
        admin_router,
        registry.page_router,
        registry.api_router,
        programmes.page_router,
        programmes.api_router,
        mentoring.page_router,
        mentoring.api_router,
        matching.page_router,
        matching.api_router,
        my_exports_page,
        reports.page_router,
        questionnaire_report.page_router,
        reports.api_router,
        monitoring.page_router,
        monitoring.api_router,
        school.page_router,
        school.api_router,
        certificates.page_router,
        certificates.api_router,
        school_certificates.page_router,
        school_certificates.api_router,
        certification.page_router,
        certification.api_router,
        contests.page_router,
        contests.api_router,
        public_pages.page_router,
        cases.page_router,
        cases.api_router,
        incentives.page_router,
        incentives.api_router,
    ]


def provide_indicator_counter() -> IndicatorCounter:
    """Programme pages show live indicators that the read model counts; programmes itself cannot import it."""
    return indicator_values


def provide_contest_lines() -> ContestLines:
    """The attestation evidence lists the person's contest results; the read model sits below the contests."""

    async def lines(person_id: UUID) -> list[str]:
        found = await contest_results_of([person_id], clock.today())
        return [f"{r.line}; итоги опубликованы {r.published_on}." for r in found]

    return lines


def limits(settings: Settings) -> Callable[[str], UploadLimit]:
    """The `upload_limit` filter: `"scan"|upload_limit` on a page announces what the route enforces."""
    return lambda kind: upload_limit(settings, UploadKind(kind))


def template_folders() -> list[Any]:
    return [ROOT / "tenants" / "templates", *sorted(p for p in (ROOT / "services").glob("*/templates") if p.is_dir())]


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        owns_pool = DB.pool is None  # a second app in one process (tests) shares the first one's pool
        if owns_pool:
            await DB.start_connection_pool(min_size=1, max_size=settings.db_pool_max)
        try:
            yield
        finally:
            if owns_pool:
                await close_pool()

    async def open_redis(app: Litestar) -> None:
        # No ping: the app starts while Redis is down, answers 503 meanwhile, and recovers when it is back.
        app.state.redis = connect(settings.redis_url)
        app.stores.register(STORE_NAME, SessionStore(app.state.redis, namespace="session"), allow_override=True)
        if process_queue() is None:  # jobs queued outside a request (the tests' helpers) go through it too
            set_queue(app.state.redis)

    async def close_redis(app: Litestar) -> None:
        if process_queue() is app.state.redis:
            set_queue(None)
        await app.state.redis.aclose()

    session_config = SessionConfig(
        key=SESSION_COOKIE,
        max_age=store_seconds(settings),  # the idle and absolute lifetimes are checked per request (shared.sessions)
        renew_on_access=True,
        secure=settings.secure_cookies,
        samesite="lax",
        store=STORE_NAME,
        exclude=["^/static/", "^/healthz", "^/readyz"],
    )
    templates = template_config(template_folders(), {"role_label": role_label, "upload_limit": limits(settings)})
    app = Litestar(
        route_handlers=route_handlers(),
        plugins=[FlashPlugin(config=FlashConfig(template_config=templates))],
        lifespan=[lifespan],
        on_startup=[open_redis],
        on_shutdown=[close_redis],
        middleware=[session_config.middleware, tenant_middleware(load_principal)],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name="nastavnik_csrf",
            cookie_secure=settings.secure_cookies,
            exclude=["^/api/", "^/static/", "^/healthz", "^/readyz", "^/schema"],
        ),
        template_config=templates,
        openapi_config=OpenAPIConfig(
            title="Наставник API",
            version="1.0.0",
            description=API_DESCRIPTION,
            openapi_router=Router(path="/schema", route_handlers=[], guards=[public], opt={"tenant": False}),
            render_plugins=[JsonRenderPlugin()],
        ),
        exception_handlers={**EXCEPTION_HANDLERS, **second_factor.EXCEPTION_HANDLERS},
        dependencies={
            "settings": Provide(provide_settings, sync_to_thread=False),
            "redis": Provide(provide_redis, sync_to_thread=False),
            "principal": Provide(provide_principal, sync_to_thread=False),
            "actor": Provide(provide_actor, sync_to_thread=False),
            "count_indicators": Provide(provide_indicator_counter, sync_to_thread=False),
            "contest_lines": Provide(provide_contest_lines, sync_to_thread=False),
        },
        state=State({"settings": settings}),
        debug=False,
        request_max_body_size=REQUEST_MAX_BODY,
    )
    apply_upload_limits(app, settings)
    # Outermost, around Litestar's own exception handling: the client address is decided before any middleware
    # reads it, and the security headers reach every response, a 404 of no route included.
    app.asgi_handler = ForwardedHeaders(
        SecurityHeaders(app.asgi_handler, hsts=settings.secure_cookies), settings.trusted_proxies
    )
    missing = unguarded_routes(app)
    if missing:
        raise RuntimeError("Routes without a guard: " + ", ".join(missing))
    return app
