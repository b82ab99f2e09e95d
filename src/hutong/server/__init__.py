"""The platform server: an ASGI app with one package per domain."""
