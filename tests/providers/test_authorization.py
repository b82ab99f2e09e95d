"""The third-party token chain and authorization, on SQLite and PostgreSQL: tickets pushed encrypted
(decrypted with wechatpy's WeChatCrypto), component token, pre_auth_code, the authorization page and
its redirect, api_query_auth with the granted subset, refresh (stable refresh token, grace window,
concurrent refreshes), events; and the hostile side: another merchant's app, permission sets not
granted, revoked authorizations, spent and foreign codes."""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from datetime import timedelta
from pathlib import Path

from hutong.server.providers import service
from tests.providers.helpers import ProviderWorld, provider_world


async def _authorized(p: ProviderWorld, scopes: list[int] | None = None) -> tuple[str, dict[str, object]]:
    token = await p.component_token()
    code = await p.authorize(token, p.w.a1, scopes=scopes)
    info = await p.query_auth(token, code)
    return token, info["authorization_info"]


async def test_token_chain_and_authorization(tmp_path: Path, database_url: str) -> None:
    async with provider_world(tmp_path, database_url) as p:
        # The ticket arrives encrypted at the message URL; wechatpy's crypto opens it.
        assert await p.deliver() == 1
        first = p.pushes()[0]
        assert first["InfoType"] == "component_verify_ticket" and first["AppId"] == p.component_appid
        assert str(first["ComponentVerifyTicket"]).startswith("ticket@@@")

        # api_start_push_ticket pushes one more now (with the secret only).
        start = {"component_appid": p.component_appid, "component_secret": p.secret}
        assert (await p.client.post("/cgi-bin/component/api_start_push_ticket", json=start)).json()[
            "errcode"
        ] == 0
        refused = {**start, "component_secret": "wrong"}
        assert (await p.client.post("/cgi-bin/component/api_start_push_ticket", json=refused)).json()[
            "errcode"
        ] == 40125
        assert await p.deliver() == 1
        second = p.pushes()[1]
        assert second["InfoType"] == "component_verify_ticket"
        assert second["ComponentVerifyTicket"] != first["ComponentVerifyTicket"]

        body = {"component_appid": p.component_appid, "component_appsecret": p.secret}
        wrong = {**body, "component_verify_ticket": "ticket@@@forged"}
        assert (await p.client.post("/cgi-bin/component/api_component_token", json=wrong)).json()[
            "errcode"
        ] == 61006
        bad_secret = {
            **body,
            "component_appsecret": "nope",
            "component_verify_ticket": first["ComponentVerifyTicket"],
        }
        assert (await p.client.post("/cgi-bin/component/api_component_token", json=bad_secret)).json()[
            "errcode"
        ] == 40125

        token = await p.component_token()
        pre = await p.component(
            "/cgi-bin/component/api_create_preauthcode", token, {"component_appid": p.component_appid}
        )
        assert pre["expires_in"] == 600 and pre["pre_auth_code"].startswith("preauthcode@@@")
        assert (await p.component("/cgi-bin/component/api_create_preauthcode", "forged", {}))[
            "errcode"
        ] == 40001

        # The merchant grants two of the three sets asked for.
        code = await p.authorize(token, p.w.a1, scopes=[18, 20])
        info = (await p.query_auth(token, code))["authorization_info"]
        assert info["authorizer_appid"] == p.w.a1.appid and info["expires_in"] == 7200
        assert info["func_info"] == [{"funcscope_category": {"id": 18}}, {"funcscope_category": {"id": 20}}]
        # The code works once.
        assert (await p.query_auth(token, code))["errcode"] == 61009

        # The authorized event, with an auth_code of its own that also works.
        await p.deliver()
        authorized = [x for x in p.pushes() if x.get("InfoType") == "authorized"]
        assert authorized and authorized[0]["AuthorizerAppid"] == p.w.a1.appid
        again = await p.query_auth(token, str(authorized[0]["AuthorizationCode"]))
        assert again["authorization_info"]["authorizer_refresh_token"] == info["authorizer_refresh_token"]

        # Refresh: a new access token, the same refresh token; the previous token keeps its grace.
        refresh = {
            "component_appid": p.component_appid,
            "authorizer_appid": p.w.a1.appid,
            "authorizer_refresh_token": info["authorizer_refresh_token"],
        }
        refreshed = await p.component("/cgi-bin/component/api_authorizer_token", token, refresh)
        assert refreshed["authorizer_refresh_token"] == info["authorizer_refresh_token"]
        old = again["authorization_info"]["authorizer_access_token"]
        new = refreshed["authorizer_access_token"]
        assert (await p.authorizer("/wxa/queryquota", old))["errcode"] == 0  # in its grace window
        assert (await p.authorizer("/wxa/queryquota", new))["errcode"] == 0
        clock = service.now
        try:
            service.now = lambda: clock() + timedelta(minutes=6)
            assert (await p.authorizer("/wxa/queryquota", old))["errcode"] == 42001
            assert (await p.authorizer("/wxa/queryquota", new))["errcode"] == 0
        finally:
            service.now = clock
        wrong_refresh = {**refresh, "authorizer_refresh_token": "refreshtoken@@@guess"}
        assert (await p.component("/cgi-bin/component/api_authorizer_token", token, wrong_refresh))[
            "errcode"
        ] == 61023

        # Ten refreshes at once: every caller holds a working token afterwards.
        results = await asyncio.gather(
            *(p.component("/cgi-bin/component/api_authorizer_token", token, refresh) for _ in range(10))
        )
        tokens = [r["authorizer_access_token"] for r in results]
        assert len(set(tokens)) == 10
        for each in tokens:
            assert (await p.authorizer("/wxa/queryquota", each))["errcode"] == 0

        # The list gives the refresh token back (WeChat's recovery).
        listed = await p.component(
            "/cgi-bin/component/api_get_authorizer_list", token, {"component_appid": p.component_appid}
        )
        assert (
            listed["total_count"] == 1
            and listed["list"][0]["refresh_token"] == info["authorizer_refresh_token"]
        )


async def test_authorizer_token_reaches_the_merchant_within_the_granted_sets(
    tmp_path: Path, database_url: str
) -> None:
    async with provider_world(tmp_path, database_url) as p:
        _token, info = await _authorized(p, scopes=[18, 20])
        access = str(info["authorizer_access_token"])
        # code2session for the authorized app (set 20), through the component path.
        component = await p.component_token()
        code = await p.w.code(p.w.a1.appid)
        login = (
            await p.component(
                "/sns/component/jscode2session",
                component,
                None,
            )
            if False
            else (
                await p.client.get(
                    "/sns/component/jscode2session",
                    params={
                        "appid": p.w.a1.appid,
                        "js_code": code,
                        "grant_type": "authorization_code",
                        "component_appid": p.component_appid,
                        "component_access_token": component,
                    },
                )
            ).json()
        )
        assert login["openid"].startswith("o") and "session_key" in login
        # The same openid the merchant's own server gets: it is the merchant's app.
        own = await p.w.login(p.w.a1)
        assert own["openid"] == login["openid"]

        # Set 18 opens the subscription-message APIs, as for the merchant.
        categories = await p.authorizer("/wxaapi/newtmpl/getcategory", access)
        assert categories["errcode"] == 0
        # Set 19 (customer service) was not granted.
        sent = await p.authorizer(
            "/cgi-bin/message/custom/send",
            access,
            {"touser": own["openid"], "msgtype": "text", "text": {"content": "hi"}},
        )
        assert sent["errcode"] == 61007
        # A path no set opens is closed to providers.
        assert (
            await p.authorizer(
                "/wxa/checksession", access, openid="x", signature="y", sig_method="hmac_sha256"
            )
        )["errcode"] == 87009

        # Another merchant's app: no authorization, nothing reachable.
        other_code = await p.w.code(p.w.b1.appid)
        refused = (
            await p.client.get(
                "/sns/component/jscode2session",
                params={
                    "appid": p.w.b1.appid,
                    "js_code": other_code,
                    "grant_type": "authorization_code",
                    "component_access_token": component,
                },
            )
        ).json()
        assert refused["errcode"] == 61003
        stolen = {
            "component_appid": p.component_appid,
            "authorizer_appid": p.w.b1.appid,
            "authorizer_refresh_token": info["authorizer_refresh_token"],
        }
        assert (await p.component("/cgi-bin/component/api_authorizer_token", component, stolen))[
            "errcode"
        ] == 61003


async def test_revocation_and_reauthorization(tmp_path: Path, database_url: str) -> None:
    async with provider_world(tmp_path, database_url) as p:
        component, info = await _authorized(p)
        await p.deliver()  # the authorized event goes out before the revocation
        access = str(info["authorizer_access_token"])
        assert (await p.authorizer("/wxa/queryquota", access))["errcode"] == 0
        # Only the merchant's owners may revoke; strangers see nothing.
        stranger = await p.client.delete(
            f"/api/manage/apps/{p.w.a1.appid}/providers/{p.component_appid}", headers=p.dev_p
        )
        assert stranger.status_code == 404
        revoked = await p.client.delete(
            f"/api/manage/apps/{p.w.a1.appid}/providers/{p.component_appid}", headers=p.w.dev_a
        )
        assert revoked.status_code == 204
        assert (await p.authorizer("/wxa/queryquota", access))["errcode"] == 40001
        refresh = {
            "component_appid": p.component_appid,
            "authorizer_appid": p.w.a1.appid,
            "authorizer_refresh_token": info["authorizer_refresh_token"],
        }
        assert (await p.component("/cgi-bin/component/api_authorizer_token", component, refresh))[
            "errcode"
        ] == 61003
        await p.deliver()
        unauthorized = [x for x in p.pushes() if x.get("InfoType") == "unauthorized"]
        assert unauthorized and unauthorized[0]["AuthorizerAppid"] == p.w.a1.appid

        # Authorizing again makes a new refresh token; the old one stays dead.
        code = await p.authorize(component, p.w.a1)
        fresh = (await p.query_auth(component, code))["authorization_info"]
        assert fresh["authorizer_refresh_token"] != info["authorizer_refresh_token"]
        assert (await p.component("/cgi-bin/component/api_authorizer_token", component, refresh))[
            "errcode"
        ] == 61023
        # A second approval while authorized is an update.
        await p.authorize(component, p.w.a1, scopes=[18])
        await p.deliver()
        kinds = [x.get("InfoType") for x in p.pushes()]
        assert kinds.count("authorized") == 2 and kinds.count("updateauthorized") == 1


async def test_authorization_page_refuses_strangers_and_spent_links(
    tmp_path: Path, database_url: str
) -> None:
    async with provider_world(tmp_path, database_url) as p:
        token = await p.component_token()
        pre = await p.component(
            "/cgi-bin/component/api_create_preauthcode", token, {"component_appid": p.component_appid}
        )
        # Merchant B's owner cannot authorize merchant A's app.
        browser, csrf = await p.merchant_browser("b@example.com")
        redirect = p.inbox.url
        async with aclosing(browser):
            form = {
                "csrf_token": csrf,
                "component_appid": p.component_appid,
                "pre_auth_code": pre["pre_auth_code"],
                "redirect_uri": redirect,
                "appid": p.w.a1.appid,
                "funcscope": ["18"],
            }
            answer = await browser.post("/cgi-bin/componentloginpage", data=form)
            assert answer.status_code == 200 and "Cannot authorize" in answer.text
            # A redirect off the provider's domain is refused.
            elsewhere = await browser.get(
                "/cgi-bin/componentloginpage",
                params={
                    "component_appid": p.component_appid,
                    "pre_auth_code": pre["pre_auth_code"],
                    "redirect_uri": "https://evil.example/x",
                },
            )
            assert "not on the provider" in elsewhere.text
            # Sets the provider did not ask for cannot be granted.
            form.update(appid=p.w.b1.appid, funcscope=["17"])
            assert "Cannot authorize" in (await browser.post("/cgi-bin/componentloginpage", data=form)).text
            form.update(funcscope=["18"])
            assert (await browser.post("/cgi-bin/componentloginpage", data=form)).status_code == 303
            # The link is spent.
            assert "already used" in (await browser.post("/cgi-bin/componentloginpage", data=form)).text
        # Without a session, the page sends the browser to sign in first.
        p.client.cookies.clear()
        page = await p.client.get(
            "/cgi-bin/componentloginpage", params={"component_appid": p.component_appid}
        )
        assert page.status_code == 303 and page.headers["location"].startswith("/console/signin?next=")
