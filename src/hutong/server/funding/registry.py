"""The funding providers this platform is configured with, by name (built once, from settings)."""

from __future__ import annotations

from fastapi import Request

from hutong.server.funding.provider import FundingProvider
from hutong.server.funding.sandbox import SandboxBank
from hutong.server.problems import Problem
from hutong.settings import Settings

# The provider top-ups and withdrawals use (one for now; a choice per user is a later step).
DEFAULT = "sandbox"


def providers_from(settings: Settings) -> dict[str, FundingProvider]:
    providers: dict[str, FundingProvider] = {}
    if settings.funding_sandbox_url:
        providers["sandbox"] = SandboxBank(
            settings.funding_sandbox_url,
            settings.funding_sandbox_api_key,
            settings.funding_sandbox_webhook_secret,
            timeout=settings.funding_timeout_seconds,
        )
    return providers


def provider(request: Request, name: str = DEFAULT) -> FundingProvider:
    providers: dict[str, FundingProvider] = request.app.state.funding
    found = providers.get(name)
    if found is None:
        raise Problem(503, "funding_unavailable", f"no funding provider {name!r} is configured")
    return found


def callback_url(settings: Settings, name: str) -> str:
    return f"{settings.public_url.rstrip('/')}/api/funding/{name}/callback"
