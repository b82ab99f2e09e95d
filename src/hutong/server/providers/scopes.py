"""Permission sets (WeChat's funcscope categories) and which developer-server APIs each one opens to a
provider holding an authorizer_access_token. A path not listed here is refused to authorizer tokens
(61007): a new WeChat-shaped API is closed to providers until someone decides its set."""

from __future__ import annotations

ACCOUNT = 17
DEVELOPMENT = 18  # development management and data analysis (code, review, release, messages, codes)
CUSTOMER_SERVICE = 19
LOGIN = 20
ANALYTICS = 21
OPEN_ACCOUNT = 25

NAMES = {
    ACCOUNT: "Account management",
    DEVELOPMENT: "Development management and data analysis",
    CUSTOMER_SERVICE: "Customer service messages",
    LOGIN: "Mini program login and user sessions",
    ANALYTICS: "Data analysis",
    OPEN_ACCOUNT: "Open platform account management",
}
KNOWN = frozenset(NAMES)

# Exact paths, then prefixes; each answers the sets any one of which opens it.
PATHS: dict[str, frozenset[int]] = {
    "/wxa/checksession": frozenset({LOGIN}),
    "/wxa/resetusersessionkey": frozenset({LOGIN}),
    "/wxa/business/getuserphonenumber": frozenset({LOGIN}),
    "/cgi-bin/message/subscribe/send": frozenset({DEVELOPMENT}),
    "/wxa/getwxacodeunlimit": frozenset({DEVELOPMENT}),
    "/cgi-bin/message/custom/send": frozenset({CUSTOMER_SERVICE}),
    "/cgi-bin/media/upload": frozenset({CUSTOMER_SERVICE}),
}
PREFIXES: tuple[tuple[str, frozenset[int]], ...] = (
    ("/wxaapi/newtmpl/", frozenset({DEVELOPMENT})),
    ("/datacube/", frozenset({DEVELOPMENT, ANALYTICS})),
    ("/wxa/business/performance/", frozenset({DEVELOPMENT, ANALYTICS})),
)


def sets_for(path: str) -> frozenset[int]:
    """The permission sets that open ``path`` (empty: closed to providers)."""
    found = PATHS.get(path)
    if found is not None:
        return found
    for prefix, sets in PREFIXES:
        if path.startswith(prefix):
            return sets
    return frozenset()


def func_info(granted: list[int]) -> list[dict[str, dict[str, int]]]:
    """WeChat's shape of the granted sets."""
    return [{"funcscope_category": {"id": scope}} for scope in sorted(granted)]
