from __future__ import annotations

import datetime as dt
import xml.dom.minidom

from yanglao.core.stats import svg, text


def test_numbers_as_bulletins_write_them() -> None:
    assert text.people(64511) == "6.45万人"
    assert text.people(4088) == "4088人"
    assert text.count(897, "张") == "897张"
    assert text.yuan(4995600.0) == "499.56万元"
    assert text.share(4088, 64511) == "6.3%"


def test_whole_of_a_region() -> None:
    assert text.whole_of("扎赉特旗") == "全旗"
    assert text.whole_of("新乡县") == "全县"
    assert text.whole_of("巴彦乌兰苏木") == "全苏木"
    assert text.whole_of("龙腾社区") == "全社区"


def test_period_text() -> None:
    assert text.period_text(dt.date(2023, 4, 30)) == "2023年4月末"
    assert text.period_text(dt.date(2026, 11, 23)) == "2026年11月23日"


def test_svg_charts_are_well_formed_and_escape_labels() -> None:
    bar = svg.bar_chart(["<甲>", "乙&丙"], [3, 0], title="图")
    doc = xml.dom.minidom.parseString(bar)
    assert "&lt;甲&gt;" in bar
    assert doc.documentElement.tagName == "svg"
    line = svg.line_chart(["01", "02"], [("a", [1, 2]), ("b", [3, 4])], zero=False)
    xml.dom.minidom.parseString(line)
