"""Contacts and chats between host users (docs/sharing.md): friends added by code or link, one-to-one
and group chats, messages in per-chat sequence, delivered live over WebSocket through the hub."""
