"""Mini program codes' scene tokens: created by an app's developers (console, API) or its server
(AppSecret), each mapping to a page and query; as many as anyone likes, since a code carries only the
token. The page opened by a code gets the token as ``query.scene``, as WeChat's unlimited codes do."""

from __future__ import annotations

import secrets
import string
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action
from hutong.server.apps.models import App
from hutong.server.apps.service import get_app
from hutong.server.audit.service import record
from hutong.server.discovery.links import SCENE_PATTERN, NotALink, clean_page
from hutong.server.discovery.models import SceneCode
from hutong.server.problems import Problem

_TOKEN_ALPHABET = string.ascii_letters + string.digits
TOKEN_LENGTH = 10
MAX_QUERY_LENGTH = 1024


def new_token() -> str:
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def clean(page: str) -> str:
    try:
        return clean_page(page)
    except NotALink as error:
        raise Problem(422, "invalid_page", str(error)) from None


def _query(query: dict[str, Any]) -> dict[str, str]:
    cleaned = {str(key): str(value) for key, value in query.items()}
    if "scene" in cleaned:
        raise Problem(422, "invalid_query", "`scene` is the code's own token; choose another key")
    if sum(len(key) + len(value) + 2 for key, value in cleaned.items()) > MAX_QUERY_LENGTH:
        raise Problem(422, "invalid_query", f"the query is longer than {MAX_QUERY_LENGTH} characters")
    return cleaned


async def create(
    session: AsyncSession,
    app: App,
    *,
    page: str,
    query: dict[str, Any] | None = None,
    scene: str | None = None,
    creator: User | None = None,
    source: str = "console",
) -> SceneCode:
    """A new code for ``page`` with ``query``. A given ``scene`` already used for the same page and query
    is returned as is (a developer's server may ask again); for another page it is a conflict."""
    page, cleaned = clean(page), _query(query or {})
    if scene is None or scene == "":
        scene = new_token()
        while await _find(session, app, scene) is not None:
            scene = new_token()
    elif not SCENE_PATTERN.match(scene):
        raise Problem(
            422,
            "invalid_scene",
            "a scene is 1 to 32 characters: letters, digits and !#$&'()*+,/:;=?@-._~",
        )
    existing = await _find(session, app, scene)
    if existing is not None:
        if existing.page == page and existing.query == cleaned:
            return existing
        raise Problem(409, "scene_taken", f"the scene {scene!r} already opens another page")
    code = SceneCode(
        app_id=app.id,
        scene=scene,
        page=page,
        query=cleaned,
        creator_id=creator.id if creator else None,
        source=source,
    )
    session.add(code)
    await session.flush()
    await record(session, app.id, creator, "code.create", scene=scene, page=page, source=source)
    return code


async def _find(session: AsyncSession, app: App, scene: str) -> SceneCode | None:
    return await session.scalar(select(SceneCode).where(SceneCode.app_id == app.id, SceneCode.scene == scene))


async def create_for_member(
    session: AsyncSession, user: User, appid: str, *, page: str, query: dict[str, Any], scene: str | None
) -> tuple[App, SceneCode]:
    app = await get_app(session, user, appid, Action.EDIT_APP)
    return app, await create(session, app, page=page, query=query, scene=scene, creator=user)


async def list_codes(session: AsyncSession, user: User, appid: str) -> tuple[App, list[SceneCode]]:
    app = await get_app(session, user, appid, Action.READ)
    rows = await session.scalars(
        select(SceneCode).where(SceneCode.app_id == app.id).order_by(SceneCode.id.desc())
    )
    return app, list(rows)


async def get_code(
    session: AsyncSession, user: User, appid: str, code_id: int, action: Action = Action.READ
) -> tuple[App, SceneCode]:
    app = await get_app(session, user, appid, action)
    code = await session.get(SceneCode, code_id)
    if code is None or code.app_id != app.id:
        raise Problem(404, "code_not_found", "no such code for this mini program")
    return app, code


async def delete_code(session: AsyncSession, user: User, appid: str, code_id: int) -> None:
    app, code = await get_code(session, user, appid, code_id, Action.EDIT_APP)
    await session.delete(code)
    await record(session, app.id, user, "code.delete", scene=code.scene)


async def resolve(session: AsyncSession, appid: str, scene: str) -> tuple[str, dict[str, str]]:
    """The page and query a scanned code opens: the code's query plus ``scene`` itself."""
    app = await session.scalar(select(App).where(App.appid == appid))
    code = await _find(session, app, scene) if app is not None else None
    if app is None or code is None:
        raise Problem(404, "code_not_found", "this code belongs to no mini program")
    return code.page, {**code.query, "scene": scene}
