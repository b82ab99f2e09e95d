"""Merchants, orders, notifications, refunds and bills behind a WeChat Pay v3-compatible API
(docs/payments.md). Rules live in plain service functions; routes are thin."""
