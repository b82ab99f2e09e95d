"""The CLI's side of the platform API: sign in for a token, upload a project, fetch the trial link."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

# Not part of a mini program: version control, editor state, installed npm sources (miniprogram_npm
# is what the app uses and is kept).
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", ".idea", ".vscode", "node_modules", "__pycache__"})


class PlatformError(Exception):
    """The server refused: carries the problem document's code and detail."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(f"{detail} ({code}, HTTP {status})")
        self.code = code


def _check(response: httpx.Response) -> Any:
    if response.is_success:
        return response.json() if response.content else None
    try:
        body = response.json()
        raise PlatformError(
            response.status_code, body.get("code", "error"), body.get("detail", response.text)
        )
    except (ValueError, json.JSONDecodeError):
        raise PlatformError(response.status_code, "error", response.text[:200]) from None


def zip_project(directory: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.rglob("*")):
            relative = path.relative_to(directory)
            if (
                any(part in SKIPPED_DIRS for part in relative.parts)
                or not path.is_file()
                or path.is_symlink()
            ):
                continue
            archive.write(path, relative.as_posix())
    return buffer.getvalue()


class _Progress(io.BytesIO):
    """Reports how much of the body httpx has read, for a progress bar."""

    def __init__(self, data: bytes, on_read: Callable[[int], None]) -> None:
        super().__init__(data)
        self._on_read = on_read

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self._on_read(len(chunk))
        return chunk


class PlatformClient:
    def __init__(self, server: str, token: str | None = None, timeout: float = 120) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(base_url=server.rstrip("/"), headers=headers, timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def create_token(self, email: str, password: str, name: str) -> dict[str, Any]:
        result: dict[str, Any] = _check(
            self.http.post("/api/tokens", json={"email": email, "password": password, "name": name})
        )
        return result

    def upload(
        self, appid: str, project_zip: bytes, version: str, description: str, on_read: Callable[[int], None]
    ) -> dict[str, Any]:
        body = _Progress(project_zip, on_read)
        result: dict[str, Any] = _check(
            self.http.post(
                f"/api/manage/apps/{appid}/versions",
                data={"version": version, "description": description},
                files={"project": ("project.zip", body, "application/zip")},
            )
        )
        return result

    def trial_link(self, appid: str) -> str:
        url: str = _check(self.http.get(f"/api/manage/apps/{appid}/trial-link"))["url"]
        return url
