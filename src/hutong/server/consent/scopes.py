"""The consent scopes a mini program can ask for (WeChat's names); anything else is refused."""

from __future__ import annotations

SCOPES = frozenset(
    {
        "scope.userInfo",
        "scope.userLocation",
        "scope.userFuzzyLocation",
        "scope.userLocationBackground",
        "scope.record",
        "scope.camera",
        "scope.bluetooth",
        "scope.writePhotosAlbum",
        "scope.addPhoneContact",
        "scope.addPhoneCalendar",
        "scope.werun",
        "scope.address",
        "scope.invoiceTitle",
        "scope.invoice",
        "scope.clipboard",
    }
)
