"""The public template library the platform ships with: categories and titles modelled on WeChat's
own (order, delivery, payment, refund, coupon, appointment, test result, permit, lesson, travel),
enough for the example mini programs. Migration 0009 inserts it; operators add and approve more.

A title's ``type`` is WeChat's: 2 one-time, 3 long-term. Long-term titles live only in categories
whose ``long_term`` the operator allows (public services: government, medical, education, transport).
A keyword is (kid, name, rule, example[, enum values]); its key in ``data`` is rule + kid ("thing1")."""

from __future__ import annotations

from typing import Any

# id, name, words that put an app (its category text) in it, long-term allowed
CATEGORIES: list[tuple[int, str, list[str], bool]] = [
    (307, "餐饮 Food", ["美食", "餐饮", "food"], False),
    (311, "购物 Shopping", ["购物", "电商", "shopping"], False),
    (320, "生活服务 Services", ["生活服务", "服务", "services"], False),
    (410, "政务 Government", ["政务", "government"], True),
    (420, "医疗 Health", ["医疗", "health", "medical"], True),
    (430, "教育 Education", ["教育", "education"], True),
    (440, "交通 Transport", ["交通", "出行", "transport"], True),
    (450, "工具 Tools", ["工具", "tools"], False),
]

Keyword = tuple[Any, ...]

# tid, category id, type, title, keywords
TITLES: list[tuple[int, int, int, str, list[Keyword]]] = [
    (
        1001,
        307,
        2,
        "订单状态通知",
        [
            (1, "订单号", "character_string", "T20261206001"),
            (2, "商品名称", "thing", "珍珠奶茶 大杯"),
            (3, "订单金额", "amount", "¥18.00"),
            (4, "下单时间", "time", "2026年12月6日 12:30"),
            (5, "订单状态", "phrase", "制作中"),
            (6, "温馨提示", "thing", "请到柜台取餐"),
        ],
    ),
    (
        1002,
        307,
        2,
        "取餐提醒",
        [
            (1, "取餐号", "character_string", "A018"),
            (2, "商品名称", "thing", "珍珠奶茶 大杯"),
            (3, "门店", "thing", "胡同店"),
            (4, "取餐时间", "time", "12:45"),
        ],
    ),
    (
        1003,
        307,
        2,
        "支付成功通知",
        [
            (1, "支付金额", "amount", "¥18.00"),
            (2, "商品名称", "thing", "珍珠奶茶 大杯"),
            (3, "支付时间", "time", "2026-12-06 12:30"),
            (4, "订单号", "character_string", "T20261206001"),
            (5, "支付方式", "enum", "微信支付", ["微信支付", "余额支付", "银行卡"]),
        ],
    ),
    (
        1004,
        307,
        2,
        "退款通知",
        [
            (1, "退款金额", "amount", "18.00元"),
            (2, "退款原因", "thing", "商品售罄"),
            (3, "退款时间", "time", "2026年12月6日 13:00"),
            (4, "订单号", "character_string", "T20261206001"),
        ],
    ),
    (
        1005,
        307,
        2,
        "优惠券到期提醒",
        [
            (1, "优惠券名称", "thing", "满20减5"),
            (2, "到期时间", "date", "2026年12月31日"),
            (3, "优惠金额", "amount", "¥5"),
            (4, "温馨提示", "thing", "快来使用吧"),
        ],
    ),
    (
        1101,
        311,
        2,
        "订单发货通知",
        [
            (1, "订单号", "character_string", "S20261206001"),
            (2, "商品名称", "thing", "零食大礼包"),
            (3, "快递公司", "thing", "顺丰速运"),
            (4, "快递单号", "character_string", "SF1234567890"),
            (5, "发货时间", "time", "2026-12-06 15:00"),
        ],
    ),
    (
        1102,
        311,
        2,
        "优惠券到期提醒",
        [
            (1, "优惠券名称", "thing", "零食节满50减10"),
            (2, "到期时间", "date", "2026-12-31"),
            (3, "使用门店", "thing", "全部门店"),
        ],
    ),
    (
        1103,
        311,
        2,
        "退款通知",
        [
            (1, "退款金额", "amount", "¥10.00"),
            (2, "订单号", "character_string", "S20261206001"),
            (3, "退款时间", "time", "2026-12-06 16:00"),
        ],
    ),
    (
        1201,
        320,
        2,
        "服务预约成功通知",
        [
            (1, "服务项目", "thing", "居民搬家 小面包车"),
            (2, "预约时间", "time", "2026年12月8日 09:00"),
            (3, "服务地址", "thing", "东城区南锣鼓巷8号"),
            (4, "联系电话", "phone_number", "+86 138-0000-0000"),
            (5, "车牌号", "car_number", "京A12345"),
        ],
    ),
    (
        1202,
        320,
        2,
        "订单配送通知",
        [
            (1, "订单号", "character_string", "M20261206001"),
            (2, "配送员", "name", "张师傅"),
            (3, "联系电话", "phone_number", "13800000000"),
            (4, "预计送达", "time", "14:00~15:00"),
            (5, "配送状态", "phrase", "配送中"),
        ],
    ),
    (
        1203,
        320,
        2,
        "报价通知",
        [
            (1, "服务项目", "thing", "居民搬家"),
            (2, "报价金额", "amount", "¥480"),
            (3, "有效期至", "date", "2026/12/10"),
        ],
    ),
    (
        2001,
        410,
        3,
        "办理进度通知",
        [
            (1, "事项名称", "thing", "居住证办理"),
            (2, "办理进度", "phrase", "审核中"),
            (3, "受理编号", "character_string", "BJ-2026-000123"),
            (4, "更新时间", "time", "2026年12月6日 10:00"),
            (5, "审批结果", "enum", "通过", ["通过", "不通过", "待补充材料"]),
        ],
    ),
    (
        2002,
        410,
        2,
        "预约成功通知",
        [
            (1, "预约事项", "thing", "护照办理"),
            (2, "预约时间", "time", "2026-12-09 10:30"),
            (3, "办理地点", "thing", "市民服务中心三楼"),
            (4, "预约号", "character_string", "A0032"),
        ],
    ),
    (
        3001,
        420,
        2,
        "预约成功通知",
        [
            (1, "就诊人", "name", "李明"),
            (2, "医生", "name", "王医生"),
            (3, "科室", "thing", "全科"),
            (4, "就诊时间", "time", "2026年12月6日 19:00"),
            (5, "预约号", "character_string", "C1733480000"),
        ],
    ),
    (
        3002,
        420,
        3,
        "就诊提醒",
        [
            (1, "就诊人", "name", "李明"),
            (2, "医生", "name", "王医生"),
            (3, "就诊时间", "time", "2026年12月6日 19:00"),
            (4, "温馨提示", "thing", "请提前15分钟进入诊室"),
        ],
    ),
    (
        3003,
        420,
        3,
        "检查报告通知",
        [
            (1, "检查项目", "thing", "血常规"),
            (2, "报告时间", "time", "2026-12-06 16:20"),
            (3, "就诊人", "name", "李明"),
            (4, "结果状态", "phrase", "已出报告"),
        ],
    ),
    (
        3004,
        420,
        2,
        "支付成功通知",
        [
            (1, "支付金额", "amount", "¥50.00"),
            (2, "服务项目", "thing", "在线问诊"),
            (3, "支付时间", "time", "2026-12-06 18:30"),
        ],
    ),
    (
        4001,
        430,
        3,
        "上课提醒",
        [
            (1, "课程名称", "thing", "Python 入门 第3课"),
            (2, "上课时间", "time", "2026年12月7日 20:00"),
            (3, "讲师", "name", "Ms Zhou"),
            (4, "温馨提示", "thing", "课程即将开始"),
        ],
    ),
    (
        4002,
        430,
        2,
        "学习进度通知",
        [
            (1, "课程名称", "thing", "Python 入门"),
            (2, "完成课时", "number", "3"),
            (3, "成绩等级", "letter", "A"),
            (4, "进度变化", "symbol", "↑"),
        ],
    ),
    (
        5001,
        440,
        3,
        "出行提醒",
        [
            (1, "车牌号", "car_number", "京B88888"),
            (2, "出发时间", "time", "2026-12-06 08:00"),
            (3, "出发地", "thing", "北京南站"),
            (4, "目的地", "thing", "天津站"),
        ],
    ),
]
