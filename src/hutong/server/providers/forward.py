"""An authorized app's messages and events, sent to its providers as WeChat sends them to a third
party's 消息与事件接收 URL: the users' customer-service messages and user_enter_tempsession (to
providers granted set 19) and the subscription events subscribe_msg_popup_event, _change_event and
_sent_event (set 18, which opens the subscription message APIs). Each goes to the provider's event URL
for the app (``$APPID$`` filled in) or, without one, its message URL, encrypted like every push
(events.py), in addition to the merchant's own message push if it configured one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.apps.models import App
from hutong.server.identity import service as identity
from hutong.server.providers import scopes, service
from hutong.server.providers.models import Authorization, Provider

APP_EVENT = "app_event"
# The XML element that holds a subscription event's List items (WeChat's XML push).
SUBSCRIBE_WRAPPERS = {
    "subscribe_msg_popup_event": "SubscribeMsgPopupEvent",
    "subscribe_msg_change_event": "SubscribeMsgChangeEvent",
    "subscribe_msg_sent_event": "SubscribeMsgSentEvent",
}


async def app_event(
    session: AsyncSession, appid: str, user_id: int, event: dict[str, Any], scope: int
) -> int:
    """Queue ``event`` (from this user of ``appid``) for every provider the app authorized with
    ``scope``, in the caller's transaction; answers how many."""
    app = await session.scalar(select(App).where(App.appid == appid))
    if app is None:
        return 0
    rows = await session.execute(
        select(Authorization, Provider)
        .join(Provider, Provider.id == Authorization.provider_id)
        .where(Authorization.app_id == app.id, Authorization.status == "authorized")
    )
    targets = [provider for authorization, provider in rows if scope in (authorization.func_info or [])]
    if not targets:
        return 0
    openid = await identity.openid_for(session, app, user_id)
    for provider in targets:
        await service.enqueue_event(
            session, provider, APP_EVENT, appid=appid, event={**event, "FromUserName": openid}
        )
    return len(targets)


async def support_event(session: AsyncSession, appid: str, user_id: int, event: dict[str, Any]) -> int:
    return await app_event(session, appid, user_id, event, scopes.CUSTOMER_SERVICE)


async def subscribe_event(session: AsyncSession, appid: str, user_id: int, event: dict[str, Any]) -> int:
    return await app_event(session, appid, user_id, event, scopes.DEVELOPMENT)


def xml_fields(event: dict[str, Any]) -> dict[str, object]:
    """The event's fields as WeChat's XML push carries them: a subscription event's ``List`` items
    inside its wrapper element, one ``<List>`` per item."""
    fields: dict[str, object] = {key: value for key, value in event.items() if key != "List"}
    if "List" in event:
        wrapper = SUBSCRIBE_WRAPPERS.get(str(event.get("Event")), "List")
        fields[wrapper] = {"List": list(event["List"])}
    return fields
