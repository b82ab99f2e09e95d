"""The third-party platform's credential chain and authorizations, as plain functions.

component_verify_ticket (pushed every 10 minutes, valid 12 h) → component_access_token (7,200 s) →
pre_auth_code (600 s, spent by the merchant's approval) → auth_code (3,600 s, one use) →
authorizer_access_token (7,200 s) + authorizer_refresh_token (no expiry; a new authorization replaces
it, a revocation ends it). Every credential is stored as its SHA-256 (the refresh token also sealed,
for api_get_authorizer_list). A new component or authorizer token cuts the earlier ones of the same
provider (or authorization) to at most 5 minutes, by one UPDATE, so concurrent refreshes never leave a
caller holding a dead token: each gets a token that works for at least the grace window."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import outbox, sealing
from hutong.server.accounts import service as accounts
from hutong.server.accounts.models import User
from hutong.server.accounts.passwords import digest, new_secret
from hutong.server.accounts.permissions import Action
from hutong.server.apps.models import App
from hutong.server.apps.service import get_app
from hutong.server.audit.service import record
from hutong.server.identity.ids import aware
from hutong.server.problems import Problem
from hutong.server.providers import crypto, scopes
from hutong.server.providers import payments as provider_payments
from hutong.server.providers.models import (
    Authorization,
    Provider,
    ProviderToken,
    aes_key_purpose,
    refresh_purpose,
    token_purpose,
)
from hutong.server.wechat.errors import WxError

TICKET_INTERVAL = timedelta(minutes=10)
TICKET_LIFETIME = timedelta(hours=12)
COMPONENT_TOKEN_LIFETIME = timedelta(seconds=7200)
PREAUTH_LIFETIME = timedelta(seconds=600)
AUTH_CODE_LIFETIME = timedelta(seconds=3600)
AUTHORIZER_TOKEN_LIFETIME = timedelta(seconds=7200)
GRACE = timedelta(minutes=5)
KEEP_EXPIRED = timedelta(days=1)

EVENT_TOPIC = "providers.event"
TICKET_TOPIC = "providers.ticket"

# The time, for everything here; tests replace it to move the clock.
now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


@dataclass
class Issued:
    token: str
    expires_in: int


# Registration ------------------------------------------------------------------------------------


def _check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Problem(422, "invalid_message_url", "the message URL is an http(s) address")
    return url.strip()


async def register(
    session: AsyncSession,
    actor: User,
    organization_id: int,
    *,
    name: str,
    message_url: str,
    token: str,
    encoding_aes_key: str,
    funcscopes: list[int],
    dev_appid: str | None = None,
    event_url: str | None = None,
) -> tuple[Provider, str]:
    """Register the organization as a provider; answers it and its component AppSecret (shown once)."""
    await accounts.require(session, actor, organization_id, Action.MANAGE_MEMBERS)
    if await session.scalar(select(Provider.id).where(Provider.organization_id == organization_id)):
        raise Problem(409, "already_provider", "this organization is already a provider")
    if not name.strip():
        raise Problem(422, "invalid_name", "a provider needs a name merchants recognise")
    if not 3 <= len(token) <= 32 or not token.isalnum():
        raise Problem(422, "invalid_token", "the message token is 3 to 32 letters and digits")
    if not crypto.valid_aes_key(encoding_aes_key):
        raise Problem(422, "invalid_aes_key", "the EncodingAESKey is 43 characters of base64")
    asked = sorted(set(funcscopes))
    if not asked or not set(asked) <= scopes.KNOWN:
        raise Problem(422, "invalid_funcscopes", f"permission sets are among {sorted(scopes.KNOWN)}")
    dev_app_id = None
    if dev_appid:
        dev = await session.scalar(select(App).where(App.appid == dev_appid))
        if dev is None or dev.organization_id != organization_id:
            raise Problem(422, "invalid_dev_app", "the development app must be one of the organization's")
        dev_app_id = dev.id
    if event_url is not None and event_url.strip():
        event_url = _check_url(event_url)
        if APPID_MARK not in event_url:
            raise Problem(
                422, "invalid_event_url", f"the event URL carries {APPID_MARK} for each app's appid"
            )
    else:
        event_url = None
    secret = new_secret()
    provider = Provider(
        organization_id=organization_id,
        component_appid="hc" + secrets.token_hex(8),
        name=name.strip()[:200],
        secret_hash=digest(secret),
        message_url=_check_url(message_url),
        event_url=event_url,
        token_sealed="",
        aes_key_sealed="",
        funcscopes=asked,
        dev_app_id=dev_app_id,
    )
    session.add(provider)
    await session.flush()
    keyring = sealing.keyring_of(session)
    provider.token_sealed = keyring.seal(token, purpose=token_purpose(provider.id))
    provider.aes_key_sealed = keyring.seal(encoding_aes_key, purpose=aes_key_purpose(provider.id))
    # The first ticket goes out at once; each push schedules the next (events.py).
    await outbox.enqueue(session, TICKET_TOPIC, {"provider_id": provider.id}, key=f"{provider.id}:first")
    await record(session, None, actor, "provider.register", component_appid=provider.component_appid)
    return provider, secret


async def provider_of_org(session: AsyncSession, actor: User, organization_id: int) -> Provider:
    await accounts.require(session, actor, organization_id, Action.READ)
    provider = await session.scalar(select(Provider).where(Provider.organization_id == organization_id))
    if provider is None:
        raise Problem(404, "not_a_provider", "this organization is not registered as a provider")
    return provider


async def by_component_appid(session: AsyncSession, component_appid: str | None) -> Provider | None:
    if not component_appid:
        return None
    return await session.scalar(select(Provider).where(Provider.component_appid == component_appid))


@dataclass
class PushKeys:
    url: str
    token: str
    aes_key: str


APPID_MARK = "$APPID$"


def authorizer_url(provider: Provider, appid: str) -> str:
    """Where an authorized app's messages and events go: the event URL with its appid, or the one
    message URL."""
    if provider.event_url:
        return provider.event_url.replace(APPID_MARK, appid)
    return provider.message_url


def push_keys(session: AsyncSession, provider: Provider) -> PushKeys:
    keyring = sealing.keyring_of(session)
    return PushKeys(
        provider.message_url,
        keyring.unseal_text(provider.token_sealed, purpose=token_purpose(provider.id)),
        keyring.unseal_text(provider.aes_key_sealed, purpose=aes_key_purpose(provider.id)),
    )


# Credentials -------------------------------------------------------------------------------------


async def _mint(
    session: AsyncSession,
    provider: Provider,
    kind: str,
    lifetime: timedelta,
    *,
    prefix: str = "",
    authorization_id: int | None = None,
) -> str:
    value = prefix + secrets.token_urlsafe(48)
    moment = now()
    session.add(
        ProviderToken(
            provider_id=provider.id,
            kind=kind,
            token_hash=digest(value),
            authorization_id=authorization_id,
            expires_at=moment + lifetime,
            created_at=moment,
        )
    )
    await session.flush()
    return value


async def _cut_others(
    session: AsyncSession, provider: Provider, kind: str, authorization_id: int | None
) -> None:
    """Earlier tokens of this kind keep at most GRACE: one conditional UPDATE, safe when two refreshes
    run at once (each one's token stays valid at least GRACE after the other's). Long-dead rows go."""
    moment = now()
    await session.execute(
        delete(ProviderToken)
        .where(ProviderToken.provider_id == provider.id, ProviderToken.expires_at < moment - KEEP_EXPIRED)
        .execution_options(synchronize_session=False)
    )
    cap = moment + GRACE
    query = update(ProviderToken).where(
        ProviderToken.provider_id == provider.id,
        ProviderToken.kind == kind,
        ProviderToken.expires_at > cap,
    )
    if authorization_id is not None:
        query = query.where(ProviderToken.authorization_id == authorization_id)
    await session.execute(query.values(expires_at=cap).execution_options(synchronize_session=False))


async def _row(session: AsyncSession, kind: str, value: str | None) -> ProviderToken | None:
    if not value:
        return None
    return await session.scalar(
        select(ProviderToken).where(ProviderToken.token_hash == digest(value), ProviderToken.kind == kind)
    )


async def mint_ticket(session: AsyncSession, provider: Provider) -> str:
    return await _mint(session, provider, "ticket", TICKET_LIFETIME, prefix="ticket@@@")


async def component_token(
    session: AsyncSession, component_appid: str | None, secret: str | None, ticket: str | None
) -> Issued:
    """api_component_token: 41002/41004 missing, 40013 unknown, 40125 wrong secret, 61005 ticket
    expired, 61006 ticket not this provider's."""
    if not component_appid:
        raise WxError(41002)
    if not secret:
        raise WxError(41004)
    provider = await by_component_appid(session, component_appid)
    if provider is None:
        raise WxError(40013)
    if not secrets.compare_digest(provider.secret_hash, digest(secret)):
        raise WxError(40125)
    row = await _row(session, "ticket", ticket)
    if row is None or row.provider_id != provider.id:
        raise WxError(61006)
    if aware(row.expires_at) <= now():
        raise WxError(61005)
    await _cut_others(session, provider, "component", None)
    token = await _mint(session, provider, "component", COMPONENT_TOKEN_LIFETIME)
    return Issued(token, int(COMPONENT_TOKEN_LIFETIME.total_seconds()))


async def provider_for_token(session: AsyncSession, token: str | None) -> Provider | int:
    """The provider whose component_access_token this is, or 41001 missing, 40001 unknown, 42001 expired."""
    if not token:
        return 41001
    row = await _row(session, "component", token)
    if row is None:
        return 40001
    if aware(row.expires_at) <= now():
        return 42001
    provider = await session.get(Provider, row.provider_id)
    return provider if provider is not None else 40001


async def create_preauth(session: AsyncSession, provider: Provider) -> Issued:
    code = await _mint(session, provider, "preauth", PREAUTH_LIFETIME, prefix="preauthcode@@@")
    return Issued(code, int(PREAUTH_LIFETIME.total_seconds()))


async def check_preauth(session: AsyncSession, component_appid: str, pre_auth_code: str) -> Provider:
    """The provider asking, if the code is its own, unspent and in time (for the consent page)."""
    provider = await by_component_appid(session, component_appid)
    row = await _row(session, "preauth", pre_auth_code)
    if provider is None or row is None or row.provider_id != provider.id:
        raise Problem(404, "invalid_pre_auth_code", "this authorization link is not valid")
    if row.used_at is not None:
        raise Problem(410, "pre_auth_code_used", "this authorization link was already used")
    if aware(row.expires_at) <= now():
        raise Problem(
            410,
            "pre_auth_code_expired",
            "this authorization link has expired; ask the provider for a new one",
        )
    return provider


def check_redirect(provider: Provider, redirect_uri: str) -> str:
    """The redirect must be on the provider's own host (its message URL's): WeChat's 授权发起页域名."""
    target = urlsplit(redirect_uri)
    own = urlsplit(provider.message_url)
    if target.scheme not in ("http", "https") or target.hostname != own.hostname or target.port != own.port:
        raise Problem(422, "invalid_redirect_uri", "the redirect address is not on the provider's domain")
    return redirect_uri


@dataclass
class Approved:
    authorization: Authorization
    auth_code: str
    expires_in: int
    updated: bool


async def authorize(
    session: AsyncSession,
    actor: User,
    component_appid: str,
    pre_auth_code: str,
    appid: str,
    granted: list[int],
) -> Approved:
    """The merchant's owner approves: the pre_auth_code is spent (by one conditional UPDATE), the
    authorization made or replaced (a new refresh token voids the old one), an auth_code made, and
    the authorized or updateauthorized event queued for the provider."""
    provider = await check_preauth(session, component_appid, pre_auth_code)
    app = await session.scalar(select(App).where(App.appid == appid))
    if app is None or app.organization_id is None:
        raise Problem(404, "app_not_found", f"no mini program {appid!r}")
    await accounts.require(session, actor, app.organization_id, Action.AUTHORIZE_PROVIDERS)
    if app.organization_id == provider.organization_id and app.id == provider.dev_app_id:
        raise Problem(409, "own_dev_app", "the provider's development app cannot authorize it")
    chosen = sorted(set(granted))
    if not chosen or not set(chosen) <= set(provider.funcscopes):
        raise Problem(422, "invalid_funcscopes", "grant at least one of the permission sets asked for")
    spent = await session.execute(
        update(ProviderToken)
        .where(
            ProviderToken.token_hash == digest(pre_auth_code),
            ProviderToken.kind == "preauth",
            ProviderToken.used_at.is_(None),
        )
        .values(used_at=now())
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise Problem(410, "pre_auth_code_expired", "this authorization link was already used")
    existing, code, updated = await grant(session, provider, app, actor, chosen)
    return Approved(existing, code, int(AUTH_CODE_LIFETIME.total_seconds()), updated)


async def grant(
    session: AsyncSession,
    provider: Provider,
    app: App,
    actor: User,
    chosen: list[int],
    *,
    announce: bool = True,
) -> tuple[Authorization, str, bool]:
    """Make (or replace) the app's authorization of the provider with the sets ``chosen``: a new refresh
    token voids the old one, an auth_code is made, and authorized/updateauthorized queued (unless
    ``announce`` is false: fast registration tells the provider with its own event). Answers the
    authorization, the auth_code and whether it replaced a live one."""
    refresh = "refreshtoken@@@" + secrets.token_urlsafe(48)
    existing = await session.scalar(
        select(Authorization).where(Authorization.provider_id == provider.id, Authorization.app_id == app.id)
    )
    updated = existing is not None and existing.status == "authorized"
    if existing is None:
        existing = Authorization(provider_id=provider.id, app_id=app.id, refresh_token_sealed="")
        session.add(existing)
    else:
        # A new authorization: every token of the old one ends now.
        await session.execute(
            delete(ProviderToken)
            .where(ProviderToken.authorization_id == existing.id)
            .execution_options(synchronize_session=False)
        )
    existing.func_info = chosen
    existing.status = "authorized"
    existing.authorized_by = actor.id
    existing.refresh_token_hash = digest(refresh)
    existing.updated_at = now()
    await session.flush()
    existing.refresh_token_sealed = sealing.keyring_of(session).seal(
        refresh, purpose=refresh_purpose(existing.id)
    )
    code = await _mint(
        session,
        provider,
        "authcode",
        AUTH_CODE_LIFETIME,
        prefix="queryauthcode@@@",
        authorization_id=existing.id,
    )
    kind = "updateauthorized" if updated else "authorized"
    if announce:
        await enqueue_event(session, provider, kind, authorization_id=existing.id)
    await record(
        session, app.id, actor, f"provider.{kind}", component_appid=provider.component_appid, func_info=chosen
    )
    return existing, code, updated


async def new_auth_code(
    session: AsyncSession, provider: Provider, authorization: Authorization
) -> tuple[str, int]:
    """A fresh auth_code for an event push: each try carries its own, nothing secret sits in the job."""
    code = await _mint(
        session,
        provider,
        "authcode",
        AUTH_CODE_LIFETIME,
        prefix="queryauthcode@@@",
        authorization_id=authorization.id,
    )
    return code, int((now() + AUTH_CODE_LIFETIME).timestamp())


async def _issue_authorizer(
    session: AsyncSession, provider: Provider, authorization: Authorization
) -> Issued:
    await _cut_others(session, provider, "authorizer", authorization.id)
    token = await _mint(
        session, provider, "authorizer", AUTHORIZER_TOKEN_LIFETIME, authorization_id=authorization.id
    )
    return Issued(token, int(AUTHORIZER_TOKEN_LIFETIME.total_seconds()))


def _refresh_of(session: AsyncSession, authorization: Authorization) -> str:
    return sealing.keyring_of(session).unseal_text(
        authorization.refresh_token_sealed, purpose=refresh_purpose(authorization.id)
    )


async def query_auth(
    session: AsyncSession, provider: Provider, authorization_code: str | None
) -> dict[str, object]:
    """api_query_auth: the auth_code (one use) for the authorization's tokens and granted sets."""
    row = await _row(session, "authcode", authorization_code)
    if row is None or row.provider_id != provider.id or row.authorization_id is None:
        raise WxError(61009)
    if row.used_at is not None:
        raise WxError(61009)
    if aware(row.expires_at) <= now():
        raise WxError(61010)
    spent = await session.execute(
        update(ProviderToken)
        .where(ProviderToken.id == row.id, ProviderToken.used_at.is_(None))
        .values(used_at=now())
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise WxError(61009)
    authorization = await session.get(Authorization, row.authorization_id)
    if authorization is None or authorization.status != "authorized":
        raise WxError(61003)
    app = await session.get(App, authorization.app_id)
    assert app is not None
    issued = await _issue_authorizer(session, provider, authorization)
    return {
        "authorization_info": {
            "authorizer_appid": app.appid,
            "authorizer_access_token": issued.token,
            "expires_in": issued.expires_in,
            "authorizer_refresh_token": _refresh_of(session, authorization),
            "func_info": scopes.func_info(authorization.func_info),
        }
    }


async def authorization_for(
    session: AsyncSession, provider: Provider, authorizer_appid: str | None
) -> tuple[Authorization, App]:
    """The merchant app's live authorization of this provider (61003 if there is none)."""
    app = await session.scalar(select(App).where(App.appid == (authorizer_appid or "")))
    if app is None:
        raise WxError(61003)
    authorization = await session.scalar(
        select(Authorization).where(
            Authorization.provider_id == provider.id,
            Authorization.app_id == app.id,
            Authorization.status == "authorized",
        )
    )
    if authorization is None:
        raise WxError(61003)
    return authorization, app


async def refresh_authorizer(
    session: AsyncSession, provider: Provider, authorizer_appid: str | None, refresh_token: str | None
) -> dict[str, object]:
    """api_authorizer_token: a new authorizer_access_token; the refresh token stays the same (61023
    if it is not the authorization's current one)."""
    authorization, _app = await authorization_for(session, provider, authorizer_appid)
    if not refresh_token or not secrets.compare_digest(
        authorization.refresh_token_hash, digest(refresh_token)
    ):
        raise WxError(61023)
    issued = await _issue_authorizer(session, provider, authorization)
    return {
        "authorizer_access_token": issued.token,
        "expires_in": issued.expires_in,
        "authorizer_refresh_token": refresh_token,
    }


@dataclass
class AuthorizerCall:
    """A call made with an authorizer_access_token: for whom, by whom, with which sets."""

    app: App
    provider: Provider
    authorization: Authorization


async def authorizer_for_token(session: AsyncSession, token: str) -> AuthorizerCall | int:
    """40001 unknown (or revoked: its tokens are deleted), 42001 expired."""
    row = await _row(session, "authorizer", token)
    if row is None or row.authorization_id is None:
        return 40001
    if aware(row.expires_at) <= now():
        return 42001
    authorization = await session.get(Authorization, row.authorization_id)
    if authorization is None or authorization.status != "authorized":
        return 40001
    app = await session.get(App, authorization.app_id)
    provider = await session.get(Provider, authorization.provider_id)
    if app is None or provider is None:
        return 40001
    return AuthorizerCall(app, provider, authorization)


async def revoke(session: AsyncSession, actor: User, appid: str, component_appid: str) -> Authorization:
    """The merchant's owner ends a provider's authorization: its tokens stop at once, the refresh token
    stops working, and the provider hears ``unauthorized``."""
    app = await get_app(session, actor, appid, Action.AUTHORIZE_PROVIDERS)
    provider = await by_component_appid(session, component_appid)
    authorization = None
    if provider is not None:
        authorization = await session.scalar(
            select(Authorization).where(
                Authorization.provider_id == provider.id,
                Authorization.app_id == app.id,
                Authorization.status == "authorized",
            )
        )
    if provider is None or authorization is None:
        raise Problem(404, "not_authorized", "this provider holds no authorization of the app")
    authorization.status = "revoked"
    authorization.updated_at = now()
    authorization.refresh_token_hash = digest(secrets.token_hex(32))  # the old refresh token is gone
    await session.execute(
        delete(ProviderToken)
        .where(ProviderToken.authorization_id == authorization.id)
        .execution_options(synchronize_session=False)
    )
    await enqueue_event(session, provider, "unauthorized", authorization_id=authorization.id)
    await record(session, app.id, actor, "provider.unauthorized", component_appid=provider.component_appid)
    # The merchant's payment accounts stop being the provider's sub-merchants (partner mode).
    for merchant in await provider_payments.unlink_on_revoke(session, provider, app.id):
        await record(
            session,
            app.id,
            actor,
            "merchant.service_provider",
            mchid=merchant.mchid,
            sp_mchid=None,
            component_appid=provider.component_appid,
        )
    return authorization


async def authorizations_of_app(
    session: AsyncSession, actor: User, appid: str
) -> list[tuple[Authorization, Provider]]:
    app = await get_app(session, actor, appid, Action.READ)
    rows = await session.execute(
        select(Authorization, Provider)
        .join(Provider, Provider.id == Authorization.provider_id)
        .where(Authorization.app_id == app.id)
        .order_by(Authorization.id)
    )
    return [(authorization, provider) for authorization, provider in rows]


async def authorizer_list(
    session: AsyncSession, provider: Provider, offset: int, count: int
) -> dict[str, object]:
    """api_get_authorizer_list: every live authorization with its refresh token (WeChat's recovery)."""
    live = (Authorization.provider_id == provider.id) & (Authorization.status == "authorized")
    total = await session.scalar(select(func.count()).select_from(Authorization).where(live)) or 0
    rows = await session.execute(
        select(Authorization, App)
        .join(App, App.id == Authorization.app_id)
        .where(live)
        .order_by(Authorization.id)
        .offset(max(offset, 0))
        .limit(min(max(count, 1), 500))
    )
    listed = [
        {
            "authorizer_appid": app.appid,
            "refresh_token": _refresh_of(session, authorization),
            "auth_time": int(aware(authorization.updated_at or authorization.created_at).timestamp()),
        }
        for authorization, app in rows
    ]
    return {"total_count": int(total), "list": listed}


async def enqueue_event(
    session: AsyncSession,
    provider: Provider,
    info_type: str,
    *,
    authorization_id: int | None = None,
    **extra: object,
) -> int:
    """A push to the provider's message URL (events.py delivers it encrypted)."""
    payload: dict[str, object] = {
        "provider_id": provider.id,
        "info_type": info_type,
        "authorization_id": authorization_id,
        "created": int(now().timestamp()),
        **extra,
    }
    return await outbox.enqueue(session, EVENT_TOPIC, payload)


@dataclass
class Merchant:
    """One authorized merchant app, for the provider's console."""

    authorization: Authorization
    app: App
    trial_version: str | None
    current_version: str | None


async def merchants_of(session: AsyncSession, provider: Provider) -> list[Merchant]:
    from hutong.server.apps.models import Release

    rows = await session.execute(
        select(Authorization, App)
        .join(App, App.id == Authorization.app_id)
        .where(Authorization.provider_id == provider.id)
        .order_by(Authorization.id)
    )
    found = []
    for authorization, app in rows:
        trial = await session.get(Release, app.trial_release_id) if app.trial_release_id else None
        current = await session.get(Release, app.current_release_id) if app.current_release_id else None
        found.append(
            Merchant(
                authorization, app, trial.version if trial else None, current.version if current else None
            )
        )
    return found
