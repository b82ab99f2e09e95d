"""Host-only endpoints for subscription messages: the dialog wx.requestSubscribeMessage shows (what to
ask, then the user's answers), the switches (wx.getSetting, wx.openSetting, Me → Authorizations) and
the inbox (Messages → Service notifications). A signed-in browser session only, CSRF on writes,
cross-site requests (a mini program's opaque origin) refused: a mini program can neither answer the
dialog for the user nor read anyone's messages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, Field

from hutong.server.consent.routes import host_only
from hutong.server.deps import database, settings
from hutong.server.problems import Problem
from hutong.server.subscribe import grants, inbox, webpush
from hutong.server.subscribe.models import Notification
from hutong.server.support.routes import AppOut, HostUser

router = APIRouter(prefix="/api/me", tags=["subscribe"], dependencies=[Depends(host_only)])
AppId = Annotated[str, Path(max_length=64)]
TmplId = Annotated[str, Field(max_length=64)]


class AskIn(BaseModel):
    tmplIds: list[object] = Field(max_length=32)  # WeChat's name; checked for type by the service


class AskItemOut(BaseModel):
    id: str
    title: str
    type: int = Field(description="2 one-time, 3 long-term")
    status: str = Field(description="ask (the dialog asks), accept, reject (kept), ban or filter")
    keywords: list[str]


class AskOut(BaseModel):
    app: AppOut
    items: list[AskItemOut]


class DecideIn(BaseModel):
    tmplIds: list[object] = Field(max_length=32)
    choices: dict[TmplId, Literal["accept", "reject"]] = Field(max_length=grants.MAX_IDS)
    keep: bool = False


class DecideOut(BaseModel):
    results: dict[str, str]


class KeptOut(BaseModel):
    id: str
    title: str
    type: int
    setting: str


class SubscriptionsOut(BaseModel):
    mainSwitch: bool
    itemSettings: dict[str, str]
    items: list[KeptOut]


class SubscriptionsIn(BaseModel):
    mainSwitch: bool | None = None
    itemSettings: dict[TmplId, Literal["accept", "reject", ""]] = Field(default_factory=dict, max_length=64)


class NotificationOut(BaseModel):
    id: int
    title: str
    page: str
    state: str
    data: list[dict[str, str]]
    read: bool
    created_at: datetime


class GroupOut(BaseModel):
    app: AppOut
    unread: int
    last: NotificationOut


class ThreadOut(BaseModel):
    app: AppOut
    messages: list[NotificationOut]


def _refused(error: grants.AskRefused) -> Problem:
    return Problem(422, "subscribe_refused", error.errmsg, errCode=error.errcode)


def _notification(message: Notification) -> NotificationOut:
    return NotificationOut(
        id=message.id,
        title=message.title,
        page=message.page,
        state=message.state,
        data=message.data,
        read=message.read,
        created_at=message.created_at,
    )


@router.post("/subscribe/{appid}/ask", response_model=AskOut)
async def ask(appid: AppId, body: AskIn, request: Request, user: HostUser) -> AskOut:
    """What the dialog shows for these template ids (or WeChat's errCode in a 422 problem)."""
    async with database(request).session() as session:
        try:
            app, items = await grants.prepare(session, user.id, appid, body.tmplIds)
        except grants.AskRefused as error:
            raise _refused(error) from None
    return AskOut(
        app=AppOut(appid=app.appid, name=app.name, icon=app.icon),
        items=[AskItemOut(**vars(item)) for item in items],
    )


@router.post("/subscribe/{appid}/decide", response_model=DecideOut)
async def decide(appid: AppId, body: DecideIn, request: Request, user: HostUser) -> DecideOut:
    """The user's answers in the dialog; answers each id's result for the app."""
    async with database(request).session() as session:
        try:
            results = await grants.decide(session, user.id, appid, body.tmplIds, body.choices, body.keep)
        except grants.AskRefused as error:
            raise _refused(error) from None
    return DecideOut(results=results)


async def _subscriptions(request: Request, user_id: int, appid: str) -> SubscriptionsOut:
    async with database(request).session() as session:
        switch, kept = await grants.settings_of(session, user_id, appid)
    return SubscriptionsOut(
        mainSwitch=switch,
        itemSettings={item.id: item.setting for item in kept},
        items=[KeptOut(**vars(item)) for item in kept],
    )


@router.get("/subscribe", response_model=list[AppOut])
async def subscribed_apps(request: Request, user: HostUser) -> list[AppOut]:
    """The mini programs with message switches to show in Me → Authorizations."""
    async with database(request).session() as session:
        apps = await grants.apps_with_settings(session, user.id)
    return [AppOut(appid=app.appid, name=app.name, icon=app.icon) for app in apps]


@router.get("/subscribe/{appid}", response_model=SubscriptionsOut)
async def get_subscriptions(appid: AppId, request: Request, user: HostUser) -> SubscriptionsOut:
    """wx.getSetting({withSubscriptions: true})'s subscriptionsSetting, with titles for the switches."""
    return await _subscriptions(request, user.id, appid)


@router.patch("/subscribe/{appid}", response_model=SubscriptionsOut)
async def change_subscriptions(
    appid: AppId, body: SubscriptionsIn, request: Request, user: HostUser
) -> SubscriptionsOut:
    """The main switch and kept choices (empty forgets one: it is asked again)."""
    async with database(request).session() as session:
        await grants.change_settings(session, user.id, appid, body.mainSwitch, body.itemSettings)
    return await _subscriptions(request, user.id, appid)


@router.get("/notifications", response_model=list[GroupOut])
async def notification_groups(request: Request, user: HostUser) -> list[GroupOut]:
    async with database(request).session() as session:
        found = await inbox.groups(session, user.id)
    return [
        GroupOut(
            app=AppOut(appid=g.app.appid, name=g.app.name, icon=g.app.icon),
            unread=g.unread,
            last=_notification(g.last),
        )
        for g in found
    ]


@router.get("/notifications/{appid}", response_model=ThreadOut)
async def notifications_of_app(
    appid: AppId, request: Request, user: HostUser, before: Annotated[int | None, Query()] = None
) -> ThreadOut:
    """One mini program's messages to the user, newest first; reading them marks them read."""
    async with database(request).session() as session:
        app, found = await inbox.messages(session, user.id, appid, before)
    return ThreadOut(
        app=AppOut(appid=app.appid, name=app.name, icon=app.icon),
        messages=[_notification(message) for message in found],
    )


class PushKeysIn(BaseModel):
    p256dh: str = Field(max_length=128)
    auth: str = Field(max_length=64)


class PushSubscriptionIn(BaseModel):
    """A browser's PushSubscription, as its toJSON() gives it."""

    endpoint: str = Field(max_length=webpush.ENDPOINT_MAX)
    keys: PushKeysIn


class PushKeyOut(BaseModel):
    applicationServerKey: str


@router.get("/push/key", response_model=PushKeyOut)
async def push_key(request: Request, _user: HostUser) -> PushKeyOut:
    """The platform's VAPID public key, for pushManager.subscribe."""
    return PushKeyOut(
        applicationServerKey=webpush.application_server_key(settings(request).data_dir / "vapid.pem")
    )


@router.put("/push", status_code=204)
async def add_push(body: PushSubscriptionIn, request: Request, user: HostUser) -> Response:
    """This browser gets the user's subscription messages from now on."""
    async with database(request).session() as session:
        try:
            await webpush.register(session, user.id, body.endpoint, body.keys.p256dh, body.keys.auth)
        except webpush.InvalidSubscription as error:
            raise Problem(422, "invalid_push_subscription", str(error)) from None
    return Response(status_code=204)


class PushEndpointIn(BaseModel):
    endpoint: str = Field(max_length=webpush.ENDPOINT_MAX)


@router.delete("/push", status_code=204)
async def remove_push(body: PushEndpointIn, request: Request, user: HostUser) -> Response:
    async with database(request).session() as session:
        await webpush.unregister(session, user.id, body.endpoint)
    return Response(status_code=204)
