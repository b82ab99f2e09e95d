"""HTTP routes for an organization's signing keys: register, list, revoke (developer_keys.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from hutong.server.accounts.auth import current_user
from hutong.server.accounts.models import User
from hutong.server.apps import developer_keys
from hutong.server.apps.models import DeveloperKey
from hutong.server.deps import database

router = APIRouter(prefix="/api/orgs/{org_id}/signing-keys", tags=["signing keys"])
CurrentUser = Annotated[User, Depends(current_user)]


class KeyIn(BaseModel):
    name: str = Field(min_length=1, max_length=100, description="Whose key, or which machine holds it.")
    public_key: str = Field(
        min_length=64, max_length=64, description="The Ed25519 public key, 64 hex digits."
    )


class KeyOut(BaseModel):
    id: int
    name: str
    public_key: str
    fingerprint: str
    created_at: datetime
    revoked_at: datetime | None


def key_out(key: DeveloperKey) -> KeyOut:
    return KeyOut(
        id=key.id,
        name=key.name,
        public_key=key.public_key,
        fingerprint=key.fingerprint,
        created_at=key.created_at,
        revoked_at=key.revoked_at,
    )


@router.post("", response_model=KeyOut, status_code=201)
async def add_key(org_id: int, body: KeyIn, request: Request, user: CurrentUser) -> KeyOut:
    """Register a developer's public key: uploads signed with it are accepted (owners only)."""
    async with database(request).session() as session:
        return key_out(await developer_keys.add_key(session, user, org_id, body.name, body.public_key))


@router.get("", response_model=list[KeyOut])
async def list_keys(org_id: int, request: Request, user: CurrentUser) -> list[KeyOut]:
    async with database(request).session() as session:
        return [key_out(key) for key in await developer_keys.list_keys(session, user, org_id)]


@router.delete("/{key_id}", status_code=204)
async def revoke_key(org_id: int, key_id: int, request: Request, user: CurrentUser) -> Response:
    """Revoke a key: uploads signed with it are refused from now on (owners only)."""
    async with database(request).session() as session:
        await developer_keys.revoke_key(session, user, org_id, key_id)
    return Response(status_code=204)
