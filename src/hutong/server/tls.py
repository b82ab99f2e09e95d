"""One TLS context per process for the platform's outgoing HTTPS (the egress proxy, the funding
providers): building one loads the CA bundle, milliseconds of CPU that a context made per request
paid on every webhook, Web Push, top-up and bank callback. A context is safe to share between
connections and threads."""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def client_context() -> ssl.SSLContext:
    """The CA bundle httpx trusts by default (certifi), never redirected by SSL_CERT_FILE or the like."""
    return httpx.create_ssl_context(trust_env=False)
