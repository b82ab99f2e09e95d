"""Serve blobs by SHA-256, immutable and cacheable for a year, with ETag and gzip."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from hutong.server.deps import blob_store
from hutong.server.problems import Problem

router = APIRouter(tags=["delivery"])

IMMUTABLE = "public, max-age=31536000, immutable"


@router.get("/blobs/{sha256}")
async def get_blob(sha256: str, request: Request) -> Response:
    etag = f'"{sha256}"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": IMMUTABLE})
    data = blob_store(request).get(sha256)
    if data is None:
        raise Problem(404, "blob_not_found", "no blob has that SHA-256")
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"ETag": etag, "Cache-Control": IMMUTABLE, "X-Content-Type-Options": "nosniff"},
    )
