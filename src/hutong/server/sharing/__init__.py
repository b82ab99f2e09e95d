"""Sharing from mini programs (docs/sharing.md): shares with ids, mini program cards sent into chats,
share tickets and per-app openGIds, link previews, and what each share brought (attribution)."""
