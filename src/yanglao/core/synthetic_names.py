"""Synthetic names for demo and benchmark data (never real people): Han and Mongolian name pools.

Used by the demo population, the demo's simulated visitors and the benchmarks; kept in the core so that
no capability app has to import the demo to invent a name.
"""

from __future__ import annotations

import random

HAN_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
HAN_GIVEN_M = "国建军明华志德文清福海林永春成金山宝玉峰伟强荣贵发富忠义礼树占"
HAN_GIVEN_F = "秀兰英桂芳玉珍凤淑华云琴梅霞荣丽素美翠花娟莲香"
MONGOL_M = (
    "巴特尔",
    "宝音",
    "那顺",
    "额尔敦",
    "阿拉坦",
    "朝鲁",
    "苏和",
    "孟和",
    "巴雅尔",
    "达赖",
    "图门",
    "乌力吉",
)
MONGOL_F = (
    "其其格",
    "乌云",
    "斯琴",
    "图雅",
    "萨仁",
    "高娃",
    "娜仁",
    "托娅",
    "吉日嘎拉",
    "塔娜",
    "琪琪格",
    "乌兰",
)


def synthetic_name(
    rng: random.Random, male: bool, mongol_share: float, lengths: tuple[int, ...] = (1, 2, 2)
) -> str:
    """A plausible name: Mongolian with probability ``mongol_share``, else a Han surname and a given name
    of one of ``lengths`` characters."""
    if rng.random() < mongol_share:
        return rng.choice(MONGOL_M if male else MONGOL_F)
    given = HAN_GIVEN_M if male else HAN_GIVEN_F
    return rng.choice(HAN_SURNAMES) + "".join(rng.choice(given) for _ in range(rng.choice(lengths)))
