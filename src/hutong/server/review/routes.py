"""HTTP routes for platform operators: the review queue, decisions, takedowns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from hutong.server.accounts.auth import current_user
from hutong.server.accounts.models import User
from hutong.server.deps import database
from hutong.server.review import service
from hutong.server.review.models import Review

router = APIRouter(prefix="/api", tags=["review"])
CurrentUser = Annotated[User, Depends(current_user)]


class QueueItemOut(BaseModel):
    review_id: int
    appid: str
    app_name: str
    release_id: int
    version: str
    description: str
    notes: str
    submitted_at: datetime


class DecisionIn(BaseModel):
    reason: str = Field(default="", max_length=4000)


class ReviewOut(BaseModel):
    id: int
    release_id: int
    status: str
    reason: str


def review_out(review: Review) -> ReviewOut:
    return ReviewOut(id=review.id, release_id=review.release_id, status=review.status, reason=review.reason)


@router.get("/review/queue", response_model=list[QueueItemOut])
async def queue(request: Request, user: CurrentUser) -> list[QueueItemOut]:
    async with database(request).session() as session:
        items = await service.queue(session, user)
    return [
        QueueItemOut(
            review_id=item.review.id,
            appid=item.app.appid,
            app_name=item.app.name,
            release_id=item.release.id,
            version=item.release.version,
            description=item.release.description,
            notes=item.review.notes,
            submitted_at=item.review.created_at,
        )
        for item in items
    ]


@router.post("/review/{review_id}/approve", response_model=ReviewOut)
async def approve(review_id: int, body: DecisionIn, request: Request, user: CurrentUser) -> ReviewOut:
    async with database(request).session() as session:
        return review_out(await service.decide(session, user, review_id, approve=True, reason=body.reason))


@router.post("/review/{review_id}/reject", response_model=ReviewOut)
async def reject(review_id: int, body: DecisionIn, request: Request, user: CurrentUser) -> ReviewOut:
    """Reject with a reason the developer sees."""
    async with database(request).session() as session:
        return review_out(await service.decide(session, user, review_id, approve=False, reason=body.reason))


class TakeDownIn(BaseModel):
    reason: str = Field(min_length=1, max_length=4000)


class AppStatusOut(BaseModel):
    appid: str
    status: str
    status_reason: str


@router.post("/admin/apps/{appid}/takedown", response_model=AppStatusOut)
async def take_down(appid: str, body: TakeDownIn, request: Request, user: CurrentUser) -> AppStatusOut:
    async with database(request).session() as session:
        app = await service.take_down(session, user, appid, body.reason)
        return AppStatusOut(appid=app.appid, status=app.status, status_reason=app.status_reason)


@router.post("/admin/apps/{appid}/restore", response_model=AppStatusOut)
async def restore(appid: str, request: Request, user: CurrentUser) -> AppStatusOut:
    async with database(request).session() as session:
        app = await service.restore(session, user, appid)
        return AppStatusOut(appid=app.appid, status=app.status, status_reason=app.status_reason)
