"""WeChat Pay API v3 on the wire: signatures, AES-GCM, the Authorization header, the platform's payment
keys and signed notifications. Shared by payments, refunds, coupons and bills (ARCHITECTURE.md)."""
