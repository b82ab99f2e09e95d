"""Subscription messages (WeChat's 订阅消息): the public template library, an app's templates, the
users' grants, sends from the developer's server, the host inbox and Web Push (docs/notifications.md)."""
