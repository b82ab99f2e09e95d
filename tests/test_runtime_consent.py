"""Scopes and consent, drawn by the host: authorize, getSetting, openSetting, Me → Authorizations,
through the test-consent mini program in real Chromium (a guest: decisions kept in the host's storage)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.async_api import Browser, FrameLocator, Page, expect

from tests.conftest import LiveServer, wait_until_drawn

pytestmark = pytest.mark.browser


async def tap(view: FrameLocator, name: str) -> int:
    """Press one of the page's buttons; returns how many answers the page had shown before."""
    before = int(await view.locator("#n").text_content() or "0")
    await view.locator(f"#{name}").click()
    return before


async def out(view: FrameLocator, before: int) -> Any:
    """The JSON of the page's next answer after ``before`` (from ``tap``)."""
    await expect(view.locator("#n")).not_to_have_text(str(before), timeout=20000)
    return json.loads(await view.locator("#out").text_content() or "")


async def tap_and_allow(page: Page, view: FrameLocator, name: str, question: str) -> int:
    """Press ``name``, see the host ask ``question`` and allow it; returns what ``tap`` does."""
    before = await tap(view, name)
    await expect(page.locator(".hutong-consent")).to_contain_text(question)
    await page.locator(".hutong-consent .hutong-consent-allow").click()
    return before


async def opened(page: Page, server: LiveServer) -> FrameLocator:
    await page.goto(f"{server.url}/?open=test-consent")
    view = page.frame_locator("iframe.hutong-page").last
    await expect(view.locator("#camera")).to_be_visible()
    return view


async def assert_host_only(page: Page) -> None:
    """The dialog is the host document's own, outside every iframe; no page frame can reach or cover it."""
    where = await page.evaluate(
        """() => {
          const dialog = document.querySelector('.hutong-consent');
          const allow = dialog.querySelector('.hutong-consent-allow');
          const box = allow.getBoundingClientRect();
          const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
          return {
            inHost: dialog.ownerDocument === document,
            inFrame: Boolean(dialog.closest('iframe')),
            hitIsAllow: hit === allow,
          };
        }"""
    )
    assert where == {"inHost": True, "inFrame": False, "hitIsAllow": True}
    frames = [frame for frame in page.frames if frame != page.main_frame]
    assert frames
    for frame in frames:
        # The page frames have opaque origins: the host document is out of their reach.
        assert await frame.evaluate("() => document.querySelector('.hutong-consent') === null")
        reach = await frame.evaluate(
            "() => { try { return String(window.parent.document.querySelector('.hutong-consent')); }"
            " catch (error) { return error.name; } }"
        )
        assert reach == "SecurityError"


async def test_authorize_getsetting_opensetting_and_me(live_server: LiveServer, browser: Browser) -> None:
    context = await browser.new_context(
        permissions=["geolocation"], geolocation={"latitude": 39.9, "longitude": 116.4}
    )
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    view = await opened(page, live_server)
    host_dialog = page.locator(".hutong-consent")

    # Nothing decided yet.
    n = await tap(view, "setting")
    assert await out(view, n) == {
        "errMsg": "getSetting:ok",
        "authSetting": {},
        "subscriptionsSetting": {"mainSwitch": True, "itemSettings": {}},
    }

    # An undecided scope: the host asks; denying fails the call.
    n = await tap(view, "camera")
    await expect(host_dialog).to_contain_text("使用你的摄像头")
    await assert_host_only(page)
    await page.locator(".hutong-consent .hutong-consent-deny").click()
    assert await out(view, n) == {"errMsg": "authorize:fail auth deny"}
    await expect(host_dialog).to_have_count(0)

    # A denied scope fails at once, without asking again; so do the APIs that need it.
    n = await tap(view, "setting")
    assert (await out(view, n))["authSetting"] == {"scope.camera": False}
    n = await tap(view, "camera")
    assert await out(view, n) == {"errMsg": "authorize:fail auth deny"}
    n = await tap(view, "photo")
    assert await out(view, n) == {"errMsg": "chooseImage:fail auth deny"}
    await expect(host_dialog).to_have_count(0)

    # Allowing: the call succeeds, and the next one does not ask.
    n = await tap(view, "record")
    await expect(host_dialog).to_contain_text("使用你的麦克风")
    await page.locator(".hutong-consent .hutong-consent-allow").click()
    assert await out(view, n) == {"errMsg": "authorize:ok"}
    n = await tap(view, "setting")
    assert (await out(view, n))["authSetting"] == {"scope.camera": False, "scope.record": True}
    n = await tap(view, "record")
    assert await out(view, n) == {"errMsg": "authorize:ok"}
    await expect(host_dialog).to_have_count(0)

    # The reason the app declares in app.json `permission` is shown with the question.
    n = await tap(view, "location")
    await expect(host_dialog).to_contain_text("获取你的位置信息")
    await expect(host_dialog).to_contain_text("用于为你推荐附近的茶馆")
    await page.locator(".hutong-consent .hutong-consent-allow").click()
    assert await out(view, n) == ["getLocation:ok", 39.9, 116.4]

    n = await tap(view, "badScope")
    assert await out(view, n) == {"errMsg": "authorize:fail invalid scope"}

    # openSetting: the host's settings page; the user flips the camera on.
    n = await tap(view, "openSetting")
    settings = page.locator(".hutong-settings")
    await expect(settings).to_be_visible()
    camera = settings.get_by_role("switch", name="Camera")
    await expect(camera).not_to_be_checked()
    await expect(settings.get_by_role("switch", name="Microphone")).to_be_checked()
    await camera.click()
    await expect(camera).to_be_checked()
    await expect(camera).to_be_enabled()
    await settings.locator(".hutong-settings-done").click()
    assert await out(view, n) == {
        "errMsg": "openSetting:ok",
        "authSetting": {"scope.camera": True, "scope.record": True, "scope.userLocation": True},
    }
    n = await tap(view, "camera")
    assert await out(view, n) == {"errMsg": "authorize:ok"}

    # The button form of openSetting reports through bindopensetting.
    n = await tap(view, "settingButton")
    await page.locator(".hutong-settings .hutong-settings-done").click()
    assert (await out(view, n))["authSetting"]["scope.camera"] is True

    # A guest's decisions live in the host's own storage: they survive a reload.
    view = await opened(page, live_server)
    n = await tap(view, "setting")
    assert (await out(view, n))["authSetting"] == {
        "scope.camera": True,
        "scope.record": True,
        "scope.userLocation": True,
    }

    # Me → Authorizations: the app is listed; revoking the camera is seen when the app asks next.
    await page.locator("#close-app").click()
    await page.locator("#account").click()
    await page.locator("#open-authorizations").click()
    listed = page.locator('.authorized-app[data-appid="test-consent"]')
    await expect(listed).to_be_visible()
    revoke = listed.get_by_role("switch", name="Camera")
    await expect(revoke).to_be_checked()
    await revoke.click()
    await expect(revoke).not_to_be_checked()
    await expect(revoke).to_be_enabled()
    await page.locator("#info-sheet [data-close]").click()
    # Back to the app, still alive in this tab: it sees the change at once. Tapped once its page is
    # drawn again (a click right after the un-hide can land on the host, conftest.wait_until_drawn).
    await page.locator('#home button[data-appid="test-consent"]').first.click()
    await wait_until_drawn(view.locator("#camera"))
    n = await tap(view, "camera")
    assert await out(view, n) == {"errMsg": "authorize:fail auth deny"}
    n = await tap(view, "setting")
    assert (await out(view, n))["authSetting"]["scope.camera"] is False
    assert errors == []
    await context.close()


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f6e1b80000000049454e44ae426082"
)


async def signed_in(
    page: Page, server: LiveServer, email: str, nickname: str = "", avatar: bytes = b""
) -> str:
    """Sign ``page``'s context up to the host (and give the account a profile); returns the CSRF token."""
    response = await page.request.post(
        f"{server.url}/api/accounts/signup", data={"email": email, "password": "long enough"}
    )
    assert response.ok, await response.text()
    csrf: str = (await response.json())["csrf_token"]
    headers = {"X-CSRF-Token": csrf}
    if nickname:
        put = await page.request.put(
            f"{server.url}/api/me/profile", data={"nickname": nickname}, headers=headers
        )
        assert put.ok, await put.text()
    if avatar:
        put = await page.request.put(
            f"{server.url}/api/me/profile/avatar",
            data=avatar,
            headers={**headers, "Content-Type": "image/png"},
        )
        assert put.ok, await put.text()
    return csrf


async def test_profile_open_data_avatar_and_nickname(live_server: LiveServer, browser: Browser) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(live_server.url)
    await signed_in(page, live_server, "consent-profile@example.com", "Tea Lover", PNG)
    view = await opened(page, live_server)

    # Before any consent, open-data shows WeChat's anonymous user; so does getUserInfo, always.
    await expect(view.locator("#openName .text")).to_have_text("微信用户")
    n = await tap(view, "userInfo")
    info = await out(view, n)
    assert info["errMsg"] == "getUserInfo:ok"
    assert info["userInfo"]["nickName"] == "微信用户"
    assert json.loads(info["rawData"]) == info["userInfo"]
    n = await tap(view, "infoButton")
    assert (await out(view, n))["userInfo"]["nickName"] == "微信用户"

    # getUserProfile only inside a tap.
    n = await tap(view, "profileLater")
    assert await out(view, n) == {"errMsg": "getUserProfile:fail can only be invoked by user TAP gesture."}

    # The host's sheet shows the account's nickname and the app's reason; denying fails.
    n = await tap(view, "profile")
    sheet = page.locator(".hutong-consent")
    await expect(sheet).to_contain_text("Tea Lover")
    await expect(sheet).to_contain_text("用于完善会员资料")
    await assert_host_only(page)
    await sheet.locator(".hutong-consent-deny").click()
    assert await out(view, n) == {"errMsg": "getUserProfile:fail auth deny"}
    await expect(view.locator("#openName .text")).to_have_text("微信用户")

    # Allowing gives the profile; open-data now draws the account's nickname and avatar.
    n = await tap(view, "profile")
    await page.locator(".hutong-consent .hutong-consent-allow").click()
    profile = await out(view, n)
    user = profile["userInfo"]
    assert user["nickName"] == "Tea Lover"
    assert user["avatarUrl"].startswith("data:image/png;base64,")
    assert {k: user[k] for k in ("gender", "country", "province", "city", "language")} == {
        "gender": 0,
        "country": "",
        "province": "",
        "city": "",
        "language": "zh_CN",
    }
    assert json.loads(profile["rawData"]) == user
    assert "signature" not in profile
    await expect(view.locator("#openName .text")).to_have_text("Tea Lover")
    await expect(view.locator("#openAvatar .avatar")).to_have_attribute(
        "style", re.compile("data:image/png;base64,")
    )

    # chooseAvatar: the host's sheet; the host avatar becomes a temporary file of the app's.
    n = await tap(view, "avatarButton")
    await page.locator(".hutong-avatar-host").click()
    chosen = await out(view, n)
    assert chosen["avatarUrl"].startswith("wxfile://tmp_")
    assert chosen["size"] == len(PNG)
    await expect(view.locator("#avatar")).to_be_visible()
    # …or an image the user picks.
    n = await tap(view, "avatarButton")
    async with page.expect_file_chooser() as chooser:
        await page.locator(".hutong-avatar-album").click()
    await (await chooser.value).set_files(
        {"name": "me.png", "mimeType": "image/png", "buffer": PNG + b"\x00"}
    )
    await expect(view.locator("#out")).to_contain_text(f'"size":{len(PNG) + 1}')

    # input type="nickname": the host offers the account's nickname above the page.
    await view.locator("#nickname input").click()
    suggestion = page.locator(".hutong-nickname-use")
    await expect(suggestion).to_contain_text("Tea Lover")
    await suggestion.click()
    await expect(view.locator("#nickLog")).to_contain_text("input:Tea Lover;")
    await expect(view.locator("#nickLog")).to_contain_text("blur:Tea Lover;review:true;")
    await expect(view.locator("#nickname input")).to_have_value("Tea Lover")
    await expect(suggestion).to_have_count(0)

    # Me → Authorizations (on the platform for a signed-in user): revoking the profile is seen at once.
    await page.locator("#close-app").click()
    await page.locator("#account").click()
    await expect(page.locator("#profile-form input[name=nickname]")).to_have_value("Tea Lover")
    await page.locator("#open-authorizations").click()
    revoke = page.locator('.authorized-app[data-appid="test-consent"]').get_by_role(
        "switch", name="Nickname and avatar"
    )
    await expect(revoke).to_be_checked()
    await revoke.click()
    await expect(revoke).not_to_be_checked()
    await expect(revoke).to_be_enabled()
    await page.locator("#info-sheet [data-close]").click()
    page2 = await context.new_page()
    view = await opened(page2, live_server)
    await expect(view.locator("#openName .text")).to_have_text("微信用户")
    n = await tap(view, "setting")
    assert (await out(view, n))["authSetting"] == {"scope.userInfo": False}
    assert errors == []
    await context.close()


async def test_choose_address_and_invoice_title_from_me(live_server: LiveServer, browser: Browser) -> None:
    """The user keeps an address in Me → Addresses; wx.chooseAddress asks for scope.address, shows the
    user's list on the host's sheet and hands the tapped one to the app in WeChat's field names."""
    context = await browser.new_context()
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(live_server.url)
    csrf = await signed_in(page, live_server, "address-book@example.com")
    added = await page.request.post(
        f"{live_server.url}/api/me/invoice-titles",
        data={"type": 1, "title": "张三"},
        headers={"X-CSRF-Token": csrf},
    )
    assert added.ok, await added.text()
    await page.goto(live_server.url)

    # Me → Addresses: add one, the region from the division list (its county code is kept).
    await page.locator("#account").click()
    await page.locator("#open-addresses").click()
    await page.locator(".address-add").click()
    form = page.locator(".address-form")
    await form.locator("input[name=user_name]").fill("李四")
    await form.locator("input[name=tel_number]").fill("13800138000")
    await form.locator("select[name=province_name]").select_option("广东省")
    await form.locator("select[name=city_name]").select_option("广州市")
    await form.locator("select[name=county_name]").select_option("天河区")
    await form.locator("input[name=street_name]").fill("天河路")
    await form.locator("input[name=detail]").fill("385号")
    await form.locator("input[name=postal_code]").fill("510620")
    await form.locator("button[type=submit]").click()
    await expect(page.locator(".address-book-row")).to_contain_text("李四 13800138000")

    view = await opened(page, live_server)
    n = await tap(view, "address")
    await expect(page.locator(".hutong-consent")).to_contain_text("获取你的通讯地址")
    await page.locator(".hutong-consent .hutong-consent-allow").click()
    sheet = page.locator(".hutong-address")
    await expect(sheet).to_contain_text("广东省广州市天河区天河路385号")
    assert await frames_cannot_see(page, ".hutong-address")
    await sheet.locator(".hutong-choose-item").first.click()
    assert await out(view, n) == {
        "errMsg": "chooseAddress:ok",
        "userName": "李四",
        "postalCode": "510620",
        "provinceName": "广东省",
        "cityName": "广州市",
        "countyName": "天河区",
        "streetName": "天河路",
        "detailInfo": "天河路385号",
        "detailInfoNew": "385号",
        "nationalCode": "440106",
        "telNumber": "13800138000",
    }
    # Dismissing the sheet cancels; the scope is not asked again.
    n = await tap(view, "address")
    await sheet.locator(".hutong-host-sheet-close").click()
    assert await out(view, n) == {"errMsg": "chooseAddress:fail cancel"}

    n = await tap(view, "invoice")
    await page.locator(".hutong-consent .hutong-consent-allow").click()
    await page.locator(".hutong-invoice-title .hutong-choose-item").first.click()
    assert await out(view, n) == {
        "errMsg": "chooseInvoiceTitle:ok",
        "type": "1",
        "title": "张三",
        "taxNumber": "",
        "companyAddress": "",
        "telephone": "",
        "bankName": "",
        "bankAccount": "",
    }
    assert errors == []
    await context.close()


async def frames_cannot_see(page: Page, selector: str) -> bool:
    """No page frame can find the host's sheet: it is the host document's own."""
    frames = [frame for frame in page.frames if frame != page.main_frame]
    seen = [await frame.evaluate(f"() => document.querySelector({selector!r}) !== null") for frame in frames]
    return bool(frames) and not any(seen)


async def test_location_updates_after_consent_until_stopped(
    live_server: LiveServer, browser: Browser
) -> None:
    """startLocationUpdate asks scope.userLocation, then onLocationChange hears each new position the
    device reports, until stopLocationUpdate; startLocationUpdateBackground asks its own scope."""
    context = await browser.new_context(
        permissions=["geolocation"], geolocation={"latitude": 39.9, "longitude": 116.4}
    )
    page = await context.new_page()
    view = await opened(page, live_server)
    host_dialog = page.locator(".hutong-consent")

    n = await tap_and_allow(page, view, "watch", "获取你的位置信息")
    assert await out(view, n) == {"errMsg": "startLocationUpdate:ok"}

    async def fixes() -> list[list[float]]:
        heard: list[list[float]] = await out(view, await tap(view, "fixes"))
        return heard

    async def heard_last(latitude: float, longitude: float) -> None:
        for _ in range(50):
            heard = await fixes()
            if heard and heard[-1] == [latitude, longitude]:
                return
            await page.wait_for_timeout(100)
        raise AssertionError(f"never heard {latitude}, {longitude}: {heard}")

    await heard_last(39.9, 116.4)
    await context.set_geolocation({"latitude": 31.2, "longitude": 121.5})
    await heard_last(31.2, 121.5)

    n = await tap(view, "unwatch")
    assert await out(view, n) == {"errMsg": "stopLocationUpdate:ok"}
    count = len(await fixes())
    await context.set_geolocation({"latitude": 22.5, "longitude": 114.1})
    await page.wait_for_timeout(500)
    assert len(await fixes()) == count

    # The background kind is a scope of its own: asked again, and refused here.
    n = await tap(view, "watchBackground")
    await expect(host_dialog).to_contain_text("在后台获取你的位置信息")
    await page.locator(".hutong-consent .hutong-consent-deny").click()
    assert await out(view, n) == {"errMsg": "startLocationUpdateBackground:fail auth deny"}
    await context.close()


async def test_calendar_events_and_contacts_are_saved_as_files_after_consent(
    live_server: LiveServer, browser: Browser
) -> None:
    """addPhoneCalendar / addPhoneRepeatCalendar / addPhoneContact: the scope is asked once, then the
    host's sheet shows what would be added; Add saves an iCalendar event or a vCard, cancel fails."""
    page = await browser.new_page()
    view = await opened(page, live_server)

    n = await tap_and_allow(page, view, "calendar", "添加到你的手机日历")
    sheet = page.locator(".hutong-host-sheet-layer")
    await expect(sheet).to_contain_text("Tea tasting; bring friends")
    async with page.expect_download() as download:
        await sheet.locator(".hutong-phone-add").click()
    assert await out(view, n) == {"errMsg": "addPhoneCalendar:ok"}
    event = (await (await download.value).path()).read_bytes().decode().split("\r\n")
    assert (await download.value).suggested_filename == "event.ics"
    for line in (
        "BEGIN:VEVENT",
        "DTSTART:20261130T005320Z",  # 1796000000
        "DTEND:20261130T015320Z",
        "SUMMARY:Tea tasting\\; bring friends",
        "LOCATION:Hutong\\, Beijing",
        "TRIGGER:-PT600S",
    ):
        assert line in event, (line, event)

    # The scope is decided now: the sheet alone; an all-day weekly event with no alarm.
    n = await tap(view, "repeatCalendar")
    async with page.expect_download() as download:
        await sheet.locator(".hutong-phone-add").click()
    assert await out(view, n) == {"errMsg": "addPhoneRepeatCalendar:ok"}
    event = (await (await download.value).path()).read_bytes().decode().split("\r\n")
    assert "RRULE:FREQ=WEEKLY;UNTIL=20270115T080000Z" in event
    assert any(line.startswith("DTSTART;VALUE=DATE:202611") for line in event)
    assert "BEGIN:VALARM" not in event

    # A contact: its own scope, and cancelling the sheet fails the call.
    n = await tap_and_allow(page, view, "contact", "添加到你的手机通讯录")
    await expect(sheet).to_contain_text("Li Mei")
    await page.keyboard.press("Escape")
    assert await out(view, n) == {"errMsg": "addPhoneContact:fail cancel"}
    n = await tap(view, "contact")
    async with page.expect_download() as download:
        await sheet.locator(".hutong-phone-add").click()
    assert await out(view, n) == {"errMsg": "addPhoneContact:ok"}
    card = (await (await download.value).path()).read_bytes().decode().split("\r\n")
    for line in ("N:Li;Mei;;;", "TEL;TYPE=CELL:13800000000", "ORG:Hutong Tea\\, Ltd", "X-WECHAT:limei"):
        assert line in card, (line, card)
    await page.close()
