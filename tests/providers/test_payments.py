"""Payments through an authorizer, on SQLite and PostgreSQL: a provider that is also a WeChat Pay
service provider takes a partner JSAPI order for a merchant who authorized it (sub_mchid, sub_appid
the merchant's app, sub_openid from the provider's component login), once the merchant's owner has
linked their merchant account to the provider's; before the authorization the link is refused, and
revoking the authorization unlinks it (the provider's next partner order for the merchant is refused)."""

from __future__ import annotations

from pathlib import Path

from tests.payments.world import new_merchant, org_ids
from tests.providers.helpers import provider_world


async def test_partner_order_for_an_authorized_merchant(tmp_path: Path, database_url: str) -> None:
    async with provider_world(tmp_path, database_url) as p:
        w = p.w
        org_a, _org_b = await org_ids(w)
        shop = await new_merchant(w, w.dev_a, org_a, [w.a1.appid])
        sp = await new_merchant(w, p.dev_p, p.org_p, [p.dev_appid])
        link = f"/api/merchants/{shop.mchid}/service-provider"

        # Not authorized yet: the provider's account is a stranger's.
        refused = await w.client.put(link, json={"sp_mchid": sp.mchid}, headers=w.dev_a)
        assert refused.status_code == 404, refused.text
        component = await p.component_token()
        await p.authorize(component, w.a1, scopes=[18, 20])
        linked = await w.client.put(link, json={"sp_mchid": sp.mchid}, headers=w.dev_a)
        assert linked.status_code == 200 and linked.json()["service_provider"] == sp.mchid
        # The provider cannot make itself anyone's service provider.
        assert (await w.client.put(link, json={"sp_mchid": None}, headers=p.dev_p)).status_code == 404

        # The provider logs the merchant's user in (set 20) and orders in partner mode.
        code = await w.code(w.a1.appid)
        login = (
            await w.client.get(
                "/sns/component/jscode2session",
                params={
                    "appid": w.a1.appid,
                    "js_code": code,
                    "grant_type": "authorization_code",
                    "component_appid": p.component_appid,
                    "component_access_token": component,
                },
            )
        ).json()
        order = {
            "sp_appid": p.dev_appid,
            "sp_mchid": sp.mchid,
            "sub_appid": w.a1.appid,
            "sub_mchid": shop.mchid,
            "description": "芋泥波波",
            "out_trade_no": "PV20261206000001",
            "notify_url": "https://partners.example.com/pay/notify",
            "amount": {"total": 1500, "currency": "CNY"},
            "payer": {"sub_openid": login["openid"]},
        }
        made = await sp.call("POST", "/v3/pay/partner/transactions/jsapi", order)
        assert made.status_code == 200, made.text
        assert made.json()["prepay_id"]
        query = await sp.call(
            "GET",
            f"/v3/pay/partner/transactions/out-trade-no/PV20261206000001?sp_mchid={sp.mchid}&sub_mchid={shop.mchid}",
        )
        assert query.json()["sub_appid"] == w.a1.appid and query.json()["trade_state"] == "NOTPAY"

        # Revoking the authorization unlinks the merchant's account from the provider's.
        revoked = await w.client.delete(
            f"/api/manage/apps/{w.a1.appid}/providers/{p.component_appid}", headers=w.dev_a
        )
        assert revoked.status_code in (200, 204), revoked.text
        partner = (await w.client.get(f"/api/merchants/{shop.mchid}/partner", headers=w.dev_a)).json()
        assert partner["service_provider"] is None
        again = await sp.call("POST", "/v3/pay/partner/transactions/jsapi", {**order, "out_trade_no": "PV2"})
        assert again.status_code >= 400, again.text
        # Nor can the merchant link it again while the app does not authorize the provider.
        assert (await w.client.put(link, json={"sp_mchid": sp.mchid}, headers=w.dev_a)).status_code == 404
