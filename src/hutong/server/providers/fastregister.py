"""Fast registration (快速注册企业小程序): a provider creates a mini program for an enterprise that has
none, confirmed by the enterprise's legal person.

``fastregisterweapp?action=create`` names the enterprise (name, code, code_type) and its legal person
(``legal_persona_wechat``, ``legal_persona_name``). On Hutong the legal person is an account: its email
stands in for the WeChat ID, and a name recorded on the account must match. They see the request on
their console home and confirm it (WeChat's template message and face check); the confirmation
creates an organization of theirs with one mini program, authorizes it to the provider with every
permission set the provider asks for, and pushes ``notify_third_fasteregister`` (status 0, the new
``appid`` and an ``auth_code`` for api_query_auth). A request left unconfirmed for 24 h expires: the
push then carries status 100003, and ``action=search`` answers it too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import outbox
from hutong.server.accounts import service as accounts
from hutong.server.accounts.models import User
from hutong.server.apps.models import App
from hutong.server.apps.service import register_app
from hutong.server.audit.service import record
from hutong.server.identity.ids import aware
from hutong.server.problems import Problem
from hutong.server.providers import service
from hutong.server.providers.models import Authorization, FastRegistration, Provider
from hutong.server.wechat.errors import WxError

CONFIRM_WITHIN = timedelta(hours=24)
CODE_TYPES = (1, 2, 3)  # unified social credit code, organization code, business licence number
EXPIRED = 100003
INFO_TYPE = "notify_third_fasteregister"
FIELDS = ("name", "code", "code_type", "legal_persona_wechat", "legal_persona_name", "component_phone")


def _field(body: dict[str, Any], name: str, limit: int) -> str:
    value = body.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise WxError(89253, f"lack of some params: {name}")
    return value.strip()[:limit]


def _expired(registration: FastRegistration) -> bool:
    return registration.status == "pending" and aware(registration.created_at) + CONFIRM_WITHIN <= (
        service.now()
    )


async def _legal_person(session: AsyncSession, wechat: str, name: str) -> User:
    user = await session.scalar(select(User).where(func.lower(User.email) == wechat.lower()))
    if user is None:
        raise WxError(86004)
    if user.name.strip() and user.name.strip() != name:
        raise WxError(61070)
    return user


async def create(session: AsyncSession, provider: Provider, body: dict[str, Any]) -> FastRegistration:
    """action=create: 89253 a field missing, 89248 a code_type not 1–3, 86004 no such account, 61070
    its name differs, 89249 a request for the same enterprise is still waiting (within 24 h)."""
    name = _field(body, "name", 200)
    code = _field(body, "code", 64)
    code_type = body.get("code_type")
    if isinstance(code_type, str) and code_type.isdigit():
        code_type = int(code_type)
    if code_type not in CODE_TYPES or isinstance(code_type, bool):
        raise WxError(89248)
    wechat = _field(body, "legal_persona_wechat", 320)
    legal_name = _field(body, "legal_persona_name", 200)
    phone = _field(body, "component_phone", 32)
    user = await _legal_person(session, wechat, legal_name)
    waiting = await session.scalars(
        select(FastRegistration).where(FastRegistration.code == code, FastRegistration.status == "pending")
    )
    if any(not _expired(registration) for registration in waiting):
        raise WxError(89249)
    registration = FastRegistration(
        provider_id=provider.id,
        name=name,
        code=code,
        code_type=int(code_type),
        legal_persona_wechat=wechat,
        legal_persona_name=legal_name,
        component_phone=phone,
        legal_user_id=user.id,
        status="pending",
        created_at=service.now(),
    )
    session.add(registration)
    await session.flush()
    # The expiry push waits in the outbox; a confirmation before then makes it a no-op.
    await outbox.enqueue(
        session,
        service.EVENT_TOPIC,
        {
            "provider_id": provider.id,
            "info_type": INFO_TYPE,
            "registration_id": registration.id,
            "expiry": True,
        },
        key=f"fastregister:{registration.id}:expiry",
        run_at=aware(registration.created_at) + CONFIRM_WITHIN,
    )
    return registration


async def search(session: AsyncSession, provider: Provider, body: dict[str, Any]) -> int:
    """action=search by name and legal person: the errcode of the newest such request (0 created,
    89251 waiting for the legal person, 100003 expired, 89250 none)."""
    name = _field(body, "name", 200)
    wechat = _field(body, "legal_persona_wechat", 320)
    legal_name = _field(body, "legal_persona_name", 200)
    registration = await session.scalar(
        select(FastRegistration)
        .where(
            FastRegistration.provider_id == provider.id,
            FastRegistration.name == name,
            func.lower(FastRegistration.legal_persona_wechat) == wechat.lower(),
            FastRegistration.legal_persona_name == legal_name,
        )
        .order_by(FastRegistration.id.desc())
        .limit(1)
    )
    if registration is None:
        return 89250
    if registration.status == "confirmed":
        return 0
    if registration.status == "expired" or _expired(registration):
        return EXPIRED
    return 89251


@dataclass
class Waiting:
    registration: FastRegistration
    provider: Provider


async def waiting_for(session: AsyncSession, user: User) -> list[Waiting]:
    """The requests the user, as a legal person, has yet to confirm (for their console)."""
    rows = await session.execute(
        select(FastRegistration, Provider)
        .join(Provider, Provider.id == FastRegistration.provider_id)
        .where(FastRegistration.legal_user_id == user.id, FastRegistration.status == "pending")
        .order_by(FastRegistration.id)
    )
    return [Waiting(registration, provider) for registration, provider in rows if not _expired(registration)]


async def confirm(session: AsyncSession, user: User, registration_id: int) -> App:
    """The legal person confirms: the organization, the app and the authorization are made, and the
    provider told, all in the caller's transaction. Another user's request is 404."""
    registration = await session.get(FastRegistration, registration_id, with_for_update=True)
    if registration is None or registration.legal_user_id != user.id:
        raise Problem(404, "registration_not_found", "no such registration request for you")
    if registration.status != "pending" or _expired(registration):
        raise Problem(409, "registration_closed", "this registration request is no longer waiting")
    provider = await session.get(Provider, registration.provider_id)
    if provider is None:
        raise Problem(404, "registration_not_found", "the provider is gone")
    org = await accounts.create_organization(session, user, registration.name)
    app, _secret = await register_app(session, user, org.id, name=registration.name)
    await service.grant(session, provider, app, user, list(provider.funcscopes), announce=False)
    registration.status = "confirmed"
    registration.app_id = app.id
    registration.decided_at = service.now()
    await service.enqueue_event(session, provider, INFO_TYPE, registration_id=registration.id)
    await record(
        session,
        app.id,
        user,
        "provider.fastregister",
        component_appid=provider.component_appid,
        code=registration.code,
    )
    return app


async def push_fields(
    session: AsyncSession, provider: Provider, registration_id: int, *, expiry: bool
) -> dict[str, object] | None:
    """The notify_third_fasteregister push for the request as it stands now, with a fresh auth_code
    when the app was made; None when there is nothing to say (the expiry job of a confirmed one)."""
    registration = await session.get(FastRegistration, registration_id)
    if registration is None or (expiry and registration.status != "pending"):
        return None
    fields: dict[str, object] = {
        "AppId": provider.component_appid,
        "CreateTime": int(service.now().timestamp()),
        "InfoType": INFO_TYPE,
    }
    if registration.status == "pending":
        if not _expired(registration):
            return None
        registration.status = "expired"
        registration.decided_at = service.now()
    if registration.status == "expired":
        fields.update(appid="", status=EXPIRED, auth_code="", msg="the legal person did not confirm")
    else:
        app = await session.get(App, registration.app_id) if registration.app_id else None
        authorization = (
            await session.scalar(
                select(Authorization).where(
                    Authorization.provider_id == provider.id,
                    Authorization.app_id == app.id,
                    Authorization.status == "authorized",
                )
            )
            if app is not None
            else None
        )
        if app is None or authorization is None:
            return None
        code, _expiry = await service.new_auth_code(session, provider, authorization)
        fields.update(appid=app.appid, status=0, auth_code=code, msg="OK")
    fields["info"] = {
        "name": registration.name,
        "code": registration.code,
        "code_type": registration.code_type,
        "legal_persona_wechat": registration.legal_persona_wechat,
        "legal_persona_name": registration.legal_persona_name,
        "component_phone": registration.component_phone,
    }
    return fields
