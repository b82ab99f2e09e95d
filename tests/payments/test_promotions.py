"""The refund split of an order paid with a voucher (payments/promotions.py), for any order and any
sequence of partial refunds: each refund's voucher part is within the refund, neither side ever gets
back more than it paid, the refund that completes the order gives each side exactly the rest, and a
single partial refund follows WeChat's rule (payer: refund × payer_total ÷ total, half up)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hutong.server.payments.promotions import discount_part


@st.composite
def orders(draw: st.DrawFn) -> tuple[int, int, list[int]]:
    total = draw(st.integers(2, 1_000_000))
    discount = draw(st.integers(0, total - 1))  # the payer pays at least 1 fen
    refunds: list[int] = []
    left = total
    for _ in range(draw(st.integers(1, 50))):
        if not left:
            break
        refund = draw(st.integers(1, left))
        refunds.append(refund)
        left -= refund
    return total, discount, refunds


@given(orders())
def test_refunds_never_pay_either_side_more_than_it_paid(order: tuple[int, int, list[int]]) -> None:
    total, discount, refunds = order
    refunded = discount_refunded = 0
    for refund in refunds:
        part = discount_part(total, discount, refunded, discount_refunded, refund)
        assert 0 <= part <= refund
        refunded += refund
        discount_refunded += part
        assert discount_refunded <= discount and refunded - discount_refunded <= total - discount
    if refunded == total:
        assert discount_refunded == discount


def test_wechat_examples() -> None:
    # 10.00 with a 3.00 voucher: the full refund gives the payer 7.00; half of it, 3.50 (5.00 × 0.7).
    assert discount_part(1_000, 300, 0, 0, 1_000) == 300
    assert discount_part(1_000, 300, 0, 0, 500) == 150
    # 18.80 with 3.00 off, 9.40 back: 9.40 × 15.80 ÷ 18.80 = 7.90 to the payer; 1 fen: 0.84 → 1.
    assert discount_part(1_880, 300, 0, 0, 940) == 150
    assert discount_part(1_880, 300, 0, 0, 1) == 0
    assert discount_part(1_880, 0, 0, 0, 940) == 0
