"""Who the user is to each mini program: per-app openids, per-organization unionids, wx.login codes,
session keys, access tokens for developer servers, phone number codes and signed launch data."""
