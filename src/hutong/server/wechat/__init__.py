"""WeChat's ``{errcode, errmsg}`` developer-server APIs: errors.py (``WxError`` and its handler) and
access.py (the ``access_token`` dependency, ``ServerApp``). Domains with WeChat-shaped server APIs
(identity, support, subscription messages, codes) build on these."""
