"""Fast registration (快速注册企业小程序): a provider creates a mini program for an enterprise that has
none, confirmed by the enterprise's legal person.

``fastregisterweapp?action=create`` names the enterprise (name, code, code_type) and its legal person
(``legal_persona_wechat``, ``legal_persona_name``). On Hutong the legal person is an account: its email
stands in for the WeChat ID, and a name recorded on the account must match. They see the request on
their console home and confirm it (WeChat's template message and face check); the confirmation
creates an organization of theirs with one mini program, authorizes it to the provider with every
permission set the provider asks for, and pushes ``notify_third_fasteregister`` (status 0, the new
``appid`` and an ``auth_code`` for api_query_auth). A request left unconfirmed for 24 h expires: the
push then carries status 100003, and ``action=search`` answers it too.

The other kinds follow the same path (a request, the named person's confirmation on their console
home, a push with WeChat's InfoType):

- personal (``/wxa/component/fastregisterpersonalweapp?action=create|query``, 快速注册个人小程序):
  ``idname`` and ``wxuser`` name the person (an account, its email for the WeChat ID); the answer
  carries ``taskid``, ``authorize_url`` and ``status``; confirming makes their mini program and
  pushes ``notify_third_fasteregister`` with ``info{wxuser, idname, component_phone, taskid}``.
- beta (``/wxa/component/fastregisterbetaweapp``, 试用小程序): ``name`` and the ``openid`` of a user in
  the provider's development app; the answer carries ``unique_id`` and ``authorize_url``; confirming
  makes "{name}的体验小程序", authorizes it (the provider also gets ``authorized`` with its
  AuthorizationCode) and pushes ``notify_third_fastregisterbetaapp`` with ``info{unique_id, name}``.
- verify (``/wxa/verifybetaweapp`` with the trial app's authorizer token, 试用小程序快速认证):
  ``verify_info`` names the enterprise and its legal person, who confirms; the trial app becomes
  formal (its organization takes the enterprise's name) and the provider gets
  ``notify_third_fastverifybetaapp``."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import outbox
from hutong.server.accounts import service as accounts
from hutong.server.accounts.models import Organization, User
from hutong.server.apps.models import App
from hutong.server.apps.service import register_app
from hutong.server.audit.service import record
from hutong.server.identity import service as identity
from hutong.server.identity.ids import aware
from hutong.server.problems import Problem
from hutong.server.providers import service
from hutong.server.providers.models import Authorization, FastRegistration, Provider
from hutong.server.wechat.errors import WxError

CONFIRM_WITHIN = timedelta(hours=24)
CODE_TYPES = (1, 2, 3)  # unified social credit code, organization code, business licence number
EXPIRED = 100003
INFO_TYPE = "notify_third_fasteregister"
BETA_INFO_TYPE = "notify_third_fastregisterbetaapp"
VERIFY_INFO_TYPE = "notify_third_fastverifybetaapp"
INFO_TYPES = (INFO_TYPE, BETA_INFO_TYPE, VERIFY_INFO_TYPE)
ENTERPRISE, PERSONAL, BETA, VERIFY = "enterprise", "personal", "beta", "verify"
BETA_SUFFIX = "的体验小程序"
# fastregisterpersonalweapp's task status (WeChat's numbers).
TASK_CREATED, TASK_EXPIRED, TASK_DONE = 0, 1, 12
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
    code_type = _code_type(body)
    wechat = _field(body, "legal_persona_wechat", 320)
    legal_name = _field(body, "legal_persona_name", 200)
    phone = _field(body, "component_phone", 32)
    user = await _legal_person(session, wechat, legal_name)
    await _refuse_if_waiting(
        session, 89249, FastRegistration.kind == ENTERPRISE, FastRegistration.code == code
    )
    registration = FastRegistration(
        provider_id=provider.id,
        name=name,
        code=code,
        code_type=code_type,
        legal_persona_wechat=wechat,
        legal_persona_name=legal_name,
        component_phone=phone,
        legal_user_id=user.id,
        status="pending",
        created_at=service.now(),
    )
    return await _open(session, provider, registration)


def _code_type(body: dict[str, Any]) -> int:
    """The enterprise code's kind (1–3, a number or its digits); 89248 otherwise."""
    code_type = body.get("code_type")
    if isinstance(code_type, str) and code_type.isdigit():
        code_type = int(code_type)
    if code_type not in CODE_TYPES or isinstance(code_type, bool):
        raise WxError(89248)
    return int(code_type)


async def _refuse_if_waiting(session: AsyncSession, errcode: int, *same: ColumnElement[bool]) -> None:
    """``errcode`` when a request matching ``same`` still waits for its legal person (pending and not
    yet expired): one at a time per enterprise, person or app."""
    waiting = await session.scalars(
        select(FastRegistration).where(FastRegistration.status == "pending", *same)
    )
    if any(not _expired(registration) for registration in waiting):
        raise WxError(errcode)


async def _open(
    session: AsyncSession, provider: Provider, registration: FastRegistration
) -> FastRegistration:
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


def authorize_url(public_url: str, registration: FastRegistration) -> str:
    """Where the person confirms: their console home lists the request (WeChat's authorize_url)."""
    return f"{public_url.rstrip('/')}/console/?fastregister={registration.task_id}#fastregister"


async def create_personal(
    session: AsyncSession, provider: Provider, body: dict[str, Any]
) -> FastRegistration:
    """fastregisterpersonalweapp?action=create {idname, wxuser, component_phone}: 89253 a field
    missing, 86004 no such account, 61070 its name differs, 89249 a task for the person is waiting."""
    idname = _field(body, "idname", 200)
    wxuser = _field(body, "wxuser", 320)
    phone = body.get("component_phone")
    phone = phone.strip()[:32] if isinstance(phone, str) else ""
    user = await _legal_person(session, wxuser, idname)
    await _refuse_if_waiting(
        session, 89249, FastRegistration.kind == PERSONAL, FastRegistration.legal_user_id == user.id
    )
    registration = FastRegistration(
        provider_id=provider.id,
        kind=PERSONAL,
        task_id=secrets.token_hex(16),
        name=idname,
        code="",
        code_type=0,
        legal_persona_wechat=wxuser,
        legal_persona_name=idname,
        component_phone=phone,
        legal_user_id=user.id,
        status="pending",
        created_at=service.now(),
    )
    return await _open(session, provider, registration)


async def query_personal(session: AsyncSession, provider: Provider, body: dict[str, Any]) -> FastRegistration:
    """fastregisterpersonalweapp?action=query {taskid}: 89250 no such task of this provider."""
    task = body.get("taskid")
    registration = (
        await session.scalar(
            select(FastRegistration).where(
                FastRegistration.provider_id == provider.id,
                FastRegistration.kind == PERSONAL,
                FastRegistration.task_id == task,
            )
        )
        if isinstance(task, str) and task
        else None
    )
    if registration is None:
        raise WxError(89250)
    return registration


def task_status(registration: FastRegistration) -> int:
    if registration.status == "confirmed":
        return TASK_DONE
    if registration.status == "expired" or _expired(registration):
        return TASK_EXPIRED
    return TASK_CREATED


async def create_beta(
    session: AsyncSession, provider: Provider, dev_app: App | None, body: dict[str, Any]
) -> FastRegistration:
    """fastregisterbetaweapp {name, openid}: ``openid`` is a user's in the provider's development app
    (WeChat: the user's openid under the provider); 89253 a field missing, 40097 a name not 4–30
    characters, 40003 an unknown openid."""
    name = _field(body, "name", 200)
    openid = _field(body, "openid", 128)
    if not 4 <= len(name) <= 30:
        raise WxError(40097, "invalid args: name is 4 to 30 characters")
    user_id = await identity.user_for_openid(session, dev_app, openid) if dev_app is not None else None
    user = await session.get(User, user_id) if user_id is not None else None
    if user is None:
        raise WxError(40003)
    registration = FastRegistration(
        provider_id=provider.id,
        kind=BETA,
        task_id=secrets.token_urlsafe(36)[:48],
        name=name,
        code="",
        code_type=0,
        legal_persona_wechat="",
        legal_persona_name="",
        component_phone="",
        legal_user_id=user.id,
        status="pending",
        created_at=service.now(),
    )
    return await _open(session, provider, registration)


async def is_beta(session: AsyncSession, app: App) -> bool:
    """A trial app: made by fastregisterbetaweapp and not yet verified (verifybetaweapp)."""
    kinds = set(
        await session.scalars(
            select(FastRegistration.kind).where(
                FastRegistration.app_id == app.id, FastRegistration.status == "confirmed"
            )
        )
    )
    return BETA in kinds and VERIFY not in kinds


async def verify_beta(
    session: AsyncSession, provider: Provider, app: App, body: dict[str, Any]
) -> FastRegistration:
    """verifybetaweapp {verify_info{enterprise_name, code, code_type, legal_persona_wechat,
    legal_persona_name, legal_persona_idcard, component_phone}}: 89253 a field missing, 89248 a bad
    code_type, 86004/61070 the legal person, 89251 a verification is waiting for the legal person, 40097
    not a trial app (already formal, or never one)."""
    info = body.get("verify_info")
    if not isinstance(info, dict):
        raise WxError(89253, "lack of some params: verify_info")
    name = _field(info, "enterprise_name", 200)
    code = _field(info, "code", 64)
    code_type = _code_type(info)
    wechat = _field(info, "legal_persona_wechat", 320)
    legal_name = _field(info, "legal_persona_name", 200)
    _field(info, "legal_persona_idcard", 32)  # required by WeChat; Hutong keeps no identity numbers
    phone = _field(info, "component_phone", 32)
    if not await is_beta(session, app):
        raise WxError(40097, "invalid args: not a trial mini program")
    user = await _legal_person(session, wechat, legal_name)
    await _refuse_if_waiting(
        session, 89251, FastRegistration.kind == VERIFY, FastRegistration.app_id == app.id
    )
    registration = FastRegistration(
        provider_id=provider.id,
        kind=VERIFY,
        name=name,
        code=code,
        code_type=code_type,
        legal_persona_wechat=wechat,
        legal_persona_name=legal_name,
        component_phone=phone,
        legal_user_id=user.id,
        app_id=app.id,
        status="pending",
        created_at=service.now(),
    )
    return await _open(session, provider, registration)


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
            FastRegistration.kind == ENTERPRISE,
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
    if registration.kind == VERIFY:
        app = await session.get(App, registration.app_id) if registration.app_id else None
        if app is None or not await is_beta(session, app):
            raise Problem(409, "registration_closed", "this mini program is no longer a trial")
        # Formal now: its organization is the enterprise's.
        org = await session.get(Organization, app.organization_id)
        if org is not None:
            org.name = registration.name
        info_type = VERIFY_INFO_TYPE
    else:
        app_name = {
            PERSONAL: registration.name + "的小程序",
            BETA: registration.name + BETA_SUFFIX,
        }.get(registration.kind, registration.name)
        org = await accounts.create_organization(session, user, registration.name)
        app, _secret = await register_app(session, user, org.id, name=app_name)
        # A trial app's authorization is announced as WeChat does (authorized, with its code); the
        # other kinds carry the auth_code in their own push.
        await service.grant(
            session, provider, app, user, list(provider.funcscopes), announce=registration.kind == BETA
        )
        registration.app_id = app.id
        info_type = BETA_INFO_TYPE if registration.kind == BETA else INFO_TYPE
    registration.status = "confirmed"
    registration.decided_at = service.now()
    await service.enqueue_event(session, provider, info_type, registration_id=registration.id)
    await record(
        session,
        app.id,
        user,
        "provider.fastregister",
        component_appid=provider.component_appid,
        kind=registration.kind,
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
    info_type = {BETA: BETA_INFO_TYPE, VERIFY: VERIFY_INFO_TYPE}.get(registration.kind, INFO_TYPE)
    fields: dict[str, object] = {
        "AppId": provider.component_appid,
        "CreateTime": int(service.now().timestamp()),
        "InfoType": info_type,
    }
    if registration.status == "pending":
        if not _expired(registration):
            return None
        registration.status = "expired"
        registration.decided_at = service.now()
    if registration.kind != ENTERPRISE:
        return _other_fields(fields, registration, await _app_and_code(session, provider, registration))
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
    fields["info"] = _enterprise_info(registration)
    return fields


async def _app_and_code(
    session: AsyncSession, provider: Provider, registration: FastRegistration
) -> tuple[App, str] | None:
    """The confirmed request's app and a fresh auth_code of its live authorization, if any."""
    if registration.status != "confirmed" or registration.app_id is None:
        return None
    app = await session.get(App, registration.app_id)
    authorization = await session.scalar(
        select(Authorization).where(
            Authorization.provider_id == provider.id,
            Authorization.app_id == registration.app_id,
            Authorization.status == "authorized",
        )
    )
    if app is None or authorization is None:
        return None
    code, _expiry = await service.new_auth_code(session, provider, authorization)
    return app, code


def _other_fields(
    fields: dict[str, object], registration: FastRegistration, made: tuple[App, str] | None
) -> dict[str, object] | None:
    """The personal, beta and verify pushes; a lapsed one is not pushed (query answers it)."""
    if made is None:
        return None
    app, code = made
    fields.update(appid=app.appid, status=0, msg="OK")
    if registration.kind == PERSONAL:
        fields["auth_code"] = code
        fields["info"] = {
            "wxuser": registration.legal_persona_wechat,
            "idname": registration.legal_persona_name,
            "component_phone": registration.component_phone,
            "taskid": registration.task_id or "",
        }
    elif registration.kind == BETA:
        fields["info"] = {"unique_id": registration.task_id or "", "name": registration.name}
    else:
        fields["info"] = _enterprise_info(registration)
    return fields


def _enterprise_info(registration: FastRegistration) -> dict[str, object]:
    return {
        "name": registration.name,
        "code": registration.code,
        "code_type": registration.code_type,
        "legal_persona_wechat": registration.legal_persona_wechat,
        "legal_persona_name": registration.legal_persona_name,
        "component_phone": registration.component_phone,
    }
