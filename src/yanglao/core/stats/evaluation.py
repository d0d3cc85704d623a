"""The township evaluation (考核): its measures, as data.

Every measure is a percentage computed per township (or per village of a township) from the same
figures as the dashboard; :func:`yanglao.core.stats.rank.rank_units` turns them into a score and a rank.
A measure whose source does not exist yet (no visits recorded, no discovery findings) is left out and
the weights of the others are renormalised.
"""

from __future__ import annotations

from yanglao.core.stats.rank import Measure

MEASURES: tuple[Measure, ...] = (
    Measure("visit_rate", "探访率", 30, True, "本月探访关爱对象中至少探访一次的比例"),
    Measure("overdue_rate", "逾期未探访率", 10, False, "统计日逾期未探访的探访对象占比"),
    Measure(
        "assessment_coverage_65",
        "65周岁及以上能力评估覆盖率",
        30,
        True,
        "65周岁及以上户籍老年人中有有效能力评估等级的比例",
    ),
    Measure(
        "missed_rate",
        "漏保率",
        30,
        False,
        "服务找人待处理的“符合条件未享受”线索涉及人数占60周岁及以上户籍老年人的比例",
    ),
)
