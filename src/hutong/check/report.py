"""What `hutong check` found, per page, and how it is printed."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

ANY_DOMAIN_NOTE = (
    "BYPASS: --allow-any-domain, the domain allow-list was not enforced "
    "(a released app reaches only the origins on its lists)"
)


@dataclass
class PageReport:
    route: str
    status: str = "ok"  # ok | blank | error | timeout
    first_content_ms: float | None = None
    errors: list[str] = field(default_factory=list)  # uncaught errors in app code, with file:line
    console_errors: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)  # "component:map", "api:wx.startWifi"
    refused: list[str] = field(default_factory=list)  # "request:https://api.example.com", not on the lists
    # Remote resources this machine could not reach at all (no DNS, no route): noted, not failures.
    unreachable: list[str] = field(default_factory=list)
    # What WeChat tolerates and draws its own way (an unknown tag): noted, not failures.
    warnings: list[str] = field(default_factory=list)
    screenshot: str | None = None

    @property
    def passed(self) -> bool:
        return (
            self.status == "ok"
            and not self.errors
            and not self.console_errors
            and not self.unsupported
            and not self.refused
        )


@dataclass
class CheckReport:
    project: str
    compile_error: str | None = None
    compile_ms: float | None = None
    warnings: list[str] = field(default_factory=list)
    # What the run allowed beyond the app's own (empty) domain lists: --allow-domain origins, and
    # whether --allow-any-domain lifted the allow-list altogether (then requests never count as refused).
    allowed_domains: list[str] = field(default_factory=list)
    allow_any_domain: bool = False
    pages: list[PageReport] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.compile_error is None and bool(self.pages) and all(page.passed for page in self.pages)

    def to_json(self) -> str:
        body = asdict(self)
        body["passed"] = self.passed
        if self.allow_any_domain:
            body["bypass"] = ANY_DOMAIN_NOTE
        for page, original in zip(body["pages"], self.pages, strict=True):
            page["passed"] = original.passed
        return json.dumps(body, ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        lines = [f"hutong check {self.project}"]
        if self.compile_error is not None:
            lines.append(f"  compile FAILED: {self.compile_error}")
            return "\n".join(lines)
        lines.append(f"  compiled in {self.compile_ms:.0f} ms")
        if self.allow_any_domain:
            lines.append(f"  {ANY_DOMAIN_NOTE}")
        if self.allowed_domains:
            lines.append(f"  allowed domains: {', '.join(self.allowed_domains)}")
        for warning in self.warnings:
            lines.append(f"  warning: {warning}")
        for page in self.pages:
            timing = f"{page.first_content_ms:.0f} ms" if page.first_content_ms is not None else "-"
            mark = "ok  " if page.passed else "FAIL"
            lines.append(f"  {mark} {page.route}  [{page.status}, first content {timing}]")
            lines.extend(f"       error: {error}" for error in page.errors)
            lines.extend(f"       console: {message}" for message in page.console_errors)
            lines.extend(f"       unsupported: {name}" for name in page.unsupported)
            lines.extend(f"       refused (not on the domain lists): {name}" for name in page.refused)
            lines.extend(f"       unreachable from here (not counted): {url}" for url in page.unreachable)
            lines.extend(f"       warning (not counted): {text}" for text in page.warnings)
        passed = sum(page.passed for page in self.pages)
        lines.append(f"  {passed} of {len(self.pages)} pages clean")
        return "\n".join(lines)
