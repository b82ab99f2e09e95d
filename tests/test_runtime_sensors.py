"""The battery and motion sensors in Chromium: getBatteryInfo(Sync) read the browser's Battery Status
API, onBatteryInfoChange hears its levelchange. Motion sensors: the host hears the browser's
devicemotion and deviceorientation events (dispatched here as a phone's sensors would fire them; this
machine has none) and the app's listeners get WeChat's readings; off and stop end them."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, open_app

TOP = "iframe.hutong-page:not([hidden])"

FIRE = """([ax, ay, rot, alpha]) => {
  window.dispatchEvent(new DeviceMotionEvent('devicemotion', {
    accelerationIncludingGravity: {x: ax, y: ay, z: 0},
    rotationRate: {alpha: rot, beta: 0, gamma: 0},
    interval: 16,
  }));
  const angles = {alpha, beta: 10, gamma: 5};
  window.dispatchEvent(new DeviceOrientationEvent('deviceorientation', angles));
  window.dispatchEvent(new DeviceOrientationEvent('deviceorientationabsolute', {...angles, absolute: true}));
}"""


async def test_sensors_start_listen_off_and_stop(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-sensors")
    page = app.page
    try:
        view = page.frame_locator(TOP)
        level, charging = await page.evaluate(
            "navigator.getBattery().then((b) => [Math.round(b.level * 100), b.charging])"
        )
        info = f"{level} {str(charging).lower()}"
        await expect(view.locator("#battery")).to_have_text(f"{info} getBatteryInfo:ok {info}")
        await page.evaluate(
            """navigator.getBattery().then((b) => {
              Object.defineProperty(b, 'level', {value: 0.42});
              Object.defineProperty(b, 'charging', {value: false});
              b.dispatchEvent(new Event('levelchange'));
            })"""
        )
        await expect(view.locator("#battery-change")).to_have_text("42 false")
        # Before a start nothing is heard.
        await page.evaluate(FIRE, [0, 9.80665, 90, 30])
        await view.locator("#start").click()
        await expect(view.locator("#result")).to_have_text(
            "startAccelerometer:ok startGyroscope:ok startCompass:ok startDeviceMotionListening:ok"
        )
        assert await view.locator("#heard").inner_text() == "0"
        await page.evaluate(FIRE, [0, 9.80665, 90, 30])
        await expect(view.locator("#acc")).to_have_text("0,1,0")
        await expect(view.locator("#gyro")).to_have_text("0,0,1.57")
        await expect(view.locator("#compass")).to_have_text("330 unknow")
        await expect(view.locator("#motion")).to_have_text("30,10,5")

        # off: the accelerometer's listener hears no more; stop: the gyroscope sends no more.
        await view.locator("#off-acc").click()
        await expect(view.locator("#result")).to_have_text("off")
        await view.locator("#stop").click()
        await expect(view.locator("#result")).to_have_text("stopGyroscope:ok")
        await page.wait_for_timeout(250)  # past the compass's normal rate
        await page.evaluate(FIRE, [9.80665, 0, 180, 60])
        await expect(view.locator("#motion")).to_have_text("60,10,5")
        await expect(view.locator("#compass")).to_have_text("300 unknow")
        assert await view.locator("#acc").inner_text() == "0,1,0"
        assert await view.locator("#heard").inner_text() == "1"
        assert await view.locator("#gyro").inner_text() == "0,0,1.57"
        assert app.errors == []
    finally:
        await page.close()
