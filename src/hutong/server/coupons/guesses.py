"""Coupon codes cannot be guessed: they carry 86 bits of randomness (rules.new_code), and wrong codes
are counted per redeemer (a merchant's API key, a cashier). Past ``GUESSES`` wrong codes in
``WINDOW`` seconds every redemption by that redeemer is refused, the right code too, until the window
slides on; so a brute force learns nothing even from the answers it still gets."""

from __future__ import annotations

from hutong.server.ratelimit import Limiter
from hutong.server.wechatpay.errors import PayError

GUESSES = 20
WINDOW = 600


class TooManyGuesses(PayError):
    def __init__(self, retry_after: float) -> None:
        super().__init__(429, "FREQUENCY_LIMITED", "券码错误次数过多，请稍后再试 (too many wrong codes)")
        self.retry_after = retry_after


class Guard:
    def __init__(self, limiter: Limiter, redeemer: str) -> None:
        self._limiter = limiter
        self._key = f"coupon-guess:{redeemer}"

    async def check(self) -> None:
        wait = await self._limiter.peek(self._key, GUESSES, WINDOW)
        if wait is not None:
            raise TooManyGuesses(wait)

    async def missed(self) -> None:
        await self._limiter.hit(self._key, GUESSES, WINDOW)
