"""Coupons and stores (docs/coupons.md): WeChat Pay's merchant coupons (busifavor) and vouchers (favor)."""
