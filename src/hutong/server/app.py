"""The ASGI application factory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute

import hutong
from hutong.console import providers as console_providers
from hutong.console.analytics import router as console_analytics_router
from hutong.console.codes import router as console_codes_router
from hutong.console.coupons import router as console_coupons_router
from hutong.console.merchant_money import router as console_merchant_money_router
from hutong.console.payments import router as console_payments_router
from hutong.console.routes import router as console_router
from hutong.console.sharing import router as console_sharing_router
from hutong.console.subscribe import router as console_subscribe_router
from hutong.console.support import router as console_support_router
from hutong.server import events as events_pkg
from hutong.server import outbox
from hutong.server.accounts.routes import router as accounts_router
from hutong.server.addresses.routes import router as addresses_router
from hutong.server.apps.key_routes import router as signing_keys_router
from hutong.server.apps.release_routes import router as versions_router
from hutong.server.apps.routes import router as apps_router
from hutong.server.bodylimit import BodyLimitMiddleware
from hutong.server.chats.hub import make_hub
from hutong.server.chats.routes import live_router as chats_live_router
from hutong.server.chats.routes import router as chats_router
from hutong.server.consent.routes import router as consent_router
from hutong.server.coupons import checkout as coupons_checkout
from hutong.server.coupons.card_routes import me_router as coupon_cards_me_router
from hutong.server.coupons.card_routes import router as coupon_cards_router
from hutong.server.coupons.manage_routes import me_router as coupons_me_router
from hutong.server.coupons.manage_routes import router as coupons_manage_router
from hutong.server.coupons.platform import callbacks_router as coupons_platform_callbacks_router
from hutong.server.coupons.platform import router as coupons_platform_router
from hutong.server.coupons.routes import router as coupons_router
from hutong.server.db import Database
from hutong.server.delivery.routes import router as delivery_router
from hutong.server.delivery.runtime_assets import runtime_assets, shell_script_source
from hutong.server.delivery.runtime_files import RuntimeFilesMiddleware
from hutong.server.delivery.shell_page import shell_with_launch
from hutong.server.delivery.signing import PlatformKeys
from hutong.server.discovery.catalogue import Catalogue
from hutong.server.discovery.code_routes import router as codes_router
from hutong.server.discovery.routes import router as discovery_router
from hutong.server.egress.routes import router as egress_router
from hutong.server.events.datacube import router as datacube_router
from hutong.server.events.funnels import router as funnels_router
from hutong.server.events.manage_routes import router as analytics_manage_router
from hutong.server.events.portrait import Regions
from hutong.server.events.routes import router as events_router
from hutong.server.events.sink import EventSink
from hutong.server.funding.registry import providers_from
from hutong.server.funding.routes import router as funding_router
from hutong.server.health import router as health_router
from hutong.server.identity.routes import router as identity_router
from hutong.server.identity.server_routes import router as developer_server_router
from hutong.server.payments.codepay_routes import router as payments_codepay_router
from hutong.server.payments.manage_routes import router as payments_manage_router
from hutong.server.payments.refund_routes import router as payments_refund_router
from hutong.server.payments.routes import router as payments_router
from hutong.server.payments.settlement_routes import router as payments_settlement_router
from hutong.server.privacy.routes import router as privacy_router
from hutong.server.problems import document_problems, install_problem_handlers
from hutong.server.providers import code_routes as provider_code_routes
from hutong.server.providers import component_routes as provider_component_routes
from hutong.server.providers import consent_routes as provider_consent_routes
from hutong.server.providers import manage_routes as provider_manage_routes
from hutong.server.ratelimit import RateLimitMiddleware, make_limiter
from hutong.server.review.routes import router as review_router
from hutong.server.sealing import Keyring, background_rewrap
from hutong.server.sharing.routes import manage_router as sharing_manage_router
from hutong.server.sharing.routes import page_router as sharing_page_router
from hutong.server.sharing.routes import router as sharing_router
from hutong.server.storage import BlobStore
from hutong.server.subscribe.routes import router as subscribe_router
from hutong.server.subscribe.server_routes import router as subscribe_server_router
from hutong.server.support.routes import router as support_router
from hutong.server.support.server_routes import router as support_server_router
from hutong.server.wallet.counter_routes import router as wallet_counter_router
from hutong.server.wallet.routes import router as wallet_router
from hutong.server.wechat.errors import install_wx_errors
from hutong.server.wechatpay import api as wechatpay_api
from hutong.settings import Settings, get_settings

# The host page's own policy (docs/security.md): scripts only from the platform and its one inline
# script, by hash (shell/feed.js; no other inline script, no eval: a hole in the shell cannot be widened
# into running code), no plugins, no <base>; and only the
# platform's own pages (the review console's live preview) may frame it, so no other site can dress
# the host's consent dialogs up for a click. Requests, images and media stay open: the host performs
# the apps' network calls and shows their images after its own checks.
SHELL_CSP = (
    f"frame-ancestors 'self'; script-src 'self' {shell_script_source()}; object-src 'none'; base-uri 'none'"
)
CONSOLE_STATIC = Path(__file__).parent.parent / "console" / "static"


# The ECT client hint: the network type a launch carried inline in the page reports (shell_page.py).
SHELL_HEADERS = {"Cache-Control": "no-cache", "Content-Security-Policy": SHELL_CSP, "Accept-CH": "ECT"}


def shell_response(html: str) -> HTMLResponse:
    """The host page with its policy; `hutong dev` serves its page through this too, so that what
    works in development works in production."""
    return HTMLResponse(html, headers=SHELL_HEADERS)


def map_meta(settings: Settings) -> str:
    """The operator's map tiles for the host page (host/miniprogram.js passes them to each page frame):
    nothing when none are configured, and <map> draws a plain grid."""
    if not settings.map_tile_url:
        return ""
    url = escape(settings.map_tile_url, quote=True)
    credit = escape(settings.map_tile_attribution, quote=True)
    return f'<meta name="hutong-map-tiles" content="{url}" data-attribution="{credit}">'


# The routers' order is the order their paths are matched in.
_ROUTERS = (
    health_router,
    accounts_router,
    apps_router,
    versions_router,
    signing_keys_router,
    review_router,
    delivery_router,
    discovery_router,
    events_router,
    datacube_router,
    analytics_manage_router,
    funnels_router,
    egress_router,
    privacy_router,
    identity_router,
    developer_server_router,
    consent_router,
    addresses_router,
    support_router,
    support_server_router,
    chats_router,
    chats_live_router,
    sharing_router,
    sharing_manage_router,
    sharing_page_router,
    funding_router,
    wallet_router,
    wallet_counter_router,
    subscribe_router,
    subscribe_server_router,
    codes_router,
    payments_router,
    payments_refund_router,
    payments_codepay_router,
    payments_settlement_router,
    payments_manage_router,
    coupons_router,
    coupons_manage_router,
    coupons_me_router,
    coupon_cards_router,
    coupon_cards_me_router,
    coupons_platform_router,
    coupons_platform_callbacks_router,
    provider_component_routes.router,
    provider_code_routes.router,
    provider_consent_routes.router,
    provider_consent_routes.api,
    provider_manage_routes.router,
    console_providers.router,  # before the console's /review/{review_id}
    console_codes_router,
    console_sharing_router,
    console_analytics_router,
    console_subscribe_router,
    console_payments_router,
    console_merchant_money_router,
    console_coupons_router,
    console_support_router,
    console_router,
)


def platform_routes() -> tuple[BaseRoute, ...]:
    """Every router's routes, in order: the routers' own route objects, shared by each app this
    process creates. FastAPI's ``include_router`` would build every route anew (each endpoint's
    signature analysed, its response models compiled): 0.2–0.4 s of CPU per app for 420 routes, paid
    by every test that starts a platform and by every process at its first. The routers have no
    prefix, tags or dependencies of their own to add, the app none either, and no dependency
    overrides are used, so the routes are what including would make (tests/platform/test_app_factory.py
    compares the OpenAPI of both)."""
    return tuple(route for router in _ROUTERS for route in router.routes)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    limiter = make_limiter(settings.redis_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # During a master key rotation (more than one key configured), re-wrap in the background.
        rewrap = asyncio.create_task(background_rewrap(app.state.database)) if len(keyring.keys) > 1 else None
        if settings.outbox_worker:
            outbox.load_handlers()
            worker = outbox.Worker(app.state.database, settings, poll_seconds=settings.outbox_poll_seconds)
            app.state.outbox = worker
            worker.start()
        app.state.events.start()
        yield
        await app.state.events.stop()
        if rewrap is not None:
            rewrap.cancel()
        if settings.outbox_worker:
            await app.state.outbox.stop()
        await wechatpay_api.close(app)
        await app.state.chat_hub.close()
        await app.state.database.dispose()
        await limiter.close()

    app = FastAPI(title="Hutong", version=hutong.__version__, lifespan=lifespan)
    app.state.settings = settings
    # The master keys that seal secrets at rest (server/sealing.py); every session carries them.
    app.state.keyring = keyring = Keyring.from_settings(settings)
    app.state.database = Database(
        settings.effective_database_url, keyring, busy_timeout=settings.sqlite_busy_timeout_seconds
    )
    app.state.blobs = BlobStore(settings.blob_dir)
    app.state.sources = BlobStore(settings.source_dir)
    # Images said in chats: a store of their own, served only to the chat's members (chats/routes.py).
    app.state.chat_media = BlobStore(settings.data_dir / "chat-media")
    # Chat events to connected clients: through Redis when configured, in-process otherwise.
    app.state.chat_hub = make_hub(settings.redis_url, settings.effective_database_url)
    # The platform's signing keys (the first generated into the data dir on first start; `hutong keys
    # rotate` adds newer ones); their public halves are at /.well-known/hutong/platform-keys.json.
    app.state.platform_key = PlatformKeys(settings.platform_keys_dir, settings.signing_key_path)
    app.state.limiter = limiter
    # Analytics: this process's event buffer (server/events/sink.py) and the appids it has seen.
    app.state.events = EventSink(app.state.database, settings)
    app.state.analytics_app_ids = {}
    app.state.regions = Regions.load(settings.analytics_regions_file)
    events_pkg.ZONE[0] = ZoneInfo(settings.analytics_timezone)
    # This process's search index; it rebuilds itself when the apps table changes (catalogue.py).
    app.state.catalogue = Catalogue()
    # Where top-ups come from and withdrawals go (docs/payments.md, "Funding providers").
    app.state.funding = providers_from(settings)
    install_problem_handlers(app)
    document_problems(app)
    install_wx_errors(app)
    coupons_checkout.install()
    wechatpay_api.install(app, app.state.database, settings.redis_url)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(RateLimitMiddleware, limiter=limiter, per_minute=settings.rate_limit_per_minute)
    # The multipart envelope around the largest project zip fits in 1 MB more.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.upload_max_bytes + 1024 * 1024)
    # Outermost: the runtime's files are answered from memory before any other middleware runs.
    app.state.runtime_assets = runtime_assets()
    # The host page as this platform serves it (`hutong dev` and `hutong check` add to it).
    shell = app.state.runtime_assets.shell_html
    app.state.shell_html = shell.replace("</head>", f"{map_meta(settings)}\n</head>", 1)
    app.add_middleware(RuntimeFilesMiddleware, assets=app.state.runtime_assets)
    app.router.routes.extend(platform_routes())
    app.mount("/console/static", StaticFiles(directory=CONSOLE_STATIC), name="console-static")

    def shell_page() -> HTMLResponse:
        return shell_response(app.state.shell_html)

    # The host's service worker (shell/sw.js: Web Push of subscription messages, and what a launch
    # needs offline) must be served from the root to control the whole host; never cached, so a new
    # worker is picked up at once. It carries the runtime's version (runtime_assets.py).
    @app.get("/sw.js", include_in_schema=False)
    async def service_worker() -> Response:
        return Response(
            app.state.runtime_assets.service_worker,
            media_type="text/javascript",
            headers={"Cache-Control": "no-cache", "Content-Security-Policy": SHELL_CSP},
        )

    @app.get("/", include_in_schema=False)
    async def shell_index(request: Request) -> Response:
        # `/?open=<appid>`: the page carries that launch, so it starts with the shell (shell_page.py).
        if request.query_params.get("open"):
            return shell_with_launch(request, app.state.shell_html, SHELL_HEADERS)
        return shell_page()

    # Links (/miniapp/<appid>[;version=v]/<page>?<query>) and scanned codes (/s/<appid>/<scene>) open
    # in the host, which reads its own address and launches the mini program.
    @app.get("/miniapp/{rest:path}", include_in_schema=False)
    async def shell_link(rest: str) -> HTMLResponse:
        return shell_page()

    # A friend's add-me link and a group's invitation open in the host too (shell/chats.js).
    @app.get("/add/{code}", include_in_schema=False)
    async def shell_add_friend(code: str) -> HTMLResponse:
        return shell_page()

    @app.get("/join/{code}", include_in_schema=False)
    async def shell_join_group(code: str) -> HTMLResponse:
        return shell_page()

    # A poster's coupon code opens the host's claim sheet (shell/claim.js).
    @app.get("/coupon/{token}", include_in_schema=False)
    async def shell_coupon(token: str) -> HTMLResponse:
        return shell_page()

    @app.get("/s/{appid}/{scene:path}", include_in_schema=False)
    async def shell_code(appid: str, scene: str) -> HTMLResponse:
        return shell_page()

    return app
