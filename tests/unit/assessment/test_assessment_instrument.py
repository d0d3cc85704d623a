from __future__ import annotations

import pytest

from yanglao.core.assessment import icd10, instrument
from yanglao.core.assessment._data import DataError, Node, parse_yaml

# The spec's Annex B table: code, item, max.
SPEC_ITEMS = [
    ("B.1.1", "进食", 4),
    ("B.1.2", "修饰", 4),
    ("B.1.3", "洗澡", 4),
    ("B.1.4", "穿/脱上衣", 4),
    ("B.1.5", "穿/脱裤子和鞋袜", 4),
    ("B.1.6", "小便控制", 4),
    ("B.1.7", "大便控制", 4),
    ("B.1.8", "如厕", 4),
    ("B.2.1", "床上体位转移", 4),
    ("B.2.2", "床椅转移", 4),
    ("B.2.3", "平地行走", 4),
    ("B.2.4", "上下楼梯", 3),
    ("B.3.1", "时间定向", 4),
    ("B.3.2", "空间定向", 4),
    ("B.3.3", "人物定向", 4),
    ("B.3.4", "记忆", 4),
    ("B.3.5", "理解能力", 4),
    ("B.3.6", "表达能力", 4),
    ("B.3.7", "攻击行为", 1),
    ("B.3.8", "抑郁症状", 1),
    ("B.3.9", "意识水平", 2),
    ("B.4.1", "视力", 2),
    ("B.4.2", "听力", 2),
    ("B.4.3", "执行日常事务", 4),
    ("B.4.4", "使用交通工具外出", 3),
    ("B.4.5", "社会交往能力", 4),
]
HELP_SCALE_ITEMS = ["B.1.2", "B.1.3", "B.1.4", "B.1.5", "B.1.8", "B.2.1", "B.2.2"]


def test_annex_b_has_the_26_items_of_the_spec():
    inst = instrument()
    assert [(i.code, i.name, i.max_score) for i in inst.items] == SPEC_ITEMS


def test_indicator_names_and_maxima():
    inst = instrument()
    assert [(i.code, i.name, i.max_score) for i in inst.indicators] == [
        ("B.1", "自理能力", 32),
        ("B.2", "基础运动能力", 15),
        ("B.3", "精神状态", 28),
        ("B.4", "感知觉与社会参与", 15),
    ]
    assert inst.total_max == 90


def test_every_option_is_a_whole_number_with_full_wording():
    for item in instrument().items:
        assert [o.score for o in item.options] == list(range(item.max_score, -1, -1))
        assert item.definition.endswith("。")
        for option in item.options:
            assert option.text.endswith("。"), (item.code, option.score)
            assert len(option.text) >= 5, (item.code, option.score)
        assert len({o.text for o in item.options}) == len(item.options), item.code


def test_the_five_step_help_scale_is_shared_word_for_word():
    inst = instrument()
    first = inst.item(HELP_SCALE_ITEMS[0]).options
    assert first[0].text == "能独立完成，不需要他人协助。"
    assert first[-1].text == "完全依赖他人协助，且自身不能给予配合。"
    for code in HELP_SCALE_ITEMS:
        assert inst.item(code).options == first


@pytest.mark.parametrize(
    ("code", "score", "words"),
    [
        ("B.1.1", 2, ["少量接触式协助", "每月1次及以上", "呛咳"]),
        ("B.1.1", 0, ["吞咽困难", "留置营养管"]),
        ("B.1.6", 3, ["每周少于1次"]),
        ("B.1.6", 2, ["每周1次以上", "每天少于1次"]),
        ("B.1.6", 0, ["留置导尿管"]),
        ("B.1.7", 0, ["严重便秘", "协助"]),
        ("B.2.3", 4, ["50米", "摔倒"]),
        ("B.2.3", 3, ["监护", "拐杖", "助行器"]),
        ("B.2.4", 3, ["10～15级台阶"]),
        ("B.3.9", 0, ["昏睡", "昏迷"]),
        ("B.4.4", 2, ["出租车"]),
        ("B.4.5", 0, ["不能与人交往"]),
    ],
)
def test_option_wording_keeps_the_spec_thresholds(code, score, words):
    text = instrument().item(code).option(score).text
    for word in words:
        assert word in text


def test_annex_a_sections_and_the_fields_scoring_relies_on():
    inst = instrument()
    assert [s.code for s in inst.annex_a] == ["A.1", "A.2", "A.3", "A.4", "A.5"]
    reasons = inst.field("A.1.3")
    assert [c.label for c in reasons.choices] == ["首次评估", "常规评估", "即时评估", "复评", "其他"]
    events = inst.field("A.2.14")
    assert [(f.key, f.label) for f in events.fields] == [
        ("fall", "跌倒"),
        ("lost", "走失"),
        ("choking", "噎食"),
        ("self_harm", "自杀、自伤"),
        ("other", "其他"),
    ]
    for sub in events.fields:
        assert [c.label for c in sub.choices] == ["无", "1次", "2次", "3次及以上"]
    assert inst.field("A.5.11").label == "昏迷"
    assert inst.field("A.4.1").kind == "icd10"
    assert [f.key for f in inst.field("A.4.2").fields] == ["drug_name", "route", "dose", "frequency"]
    assert inst.section("A.3").field("informant_name").required


def test_annex_c_report_has_scores_levels_grounds_and_two_assessors():
    inst = instrument()
    sources = [f.source for s in inst.report for f in s.fields if f.kind == "result"]
    assert sources == [
        "indicators.B.1",
        "indicators.B.2",
        "indicators.B.3",
        "indicators.B.4",
        "total",
        "initial_level",
        "grounds",
        "final_level",
    ]
    signatures = [f.key for s in inst.report for f in s.fields if f.kind == "signature"]
    assert signatures == ["assessor_1", "assessor_2", "informant"]
    assert {"place", "assessed_on"} <= {f.key for f in inst.section("C.6").fields}
    assert [(g.number, g.key) for g in inst.grounds] == [
        (1, "coma"),
        (2, "mental_disorder"),
        (3, "risk_events"),
    ]
    assert [(lv.min_total, lv.max_total) for lv in inst.levels] == [
        (90, 90),
        (66, 89),
        (46, 65),
        (30, 45),
        (0, 29),
    ]


def test_icd10_chapter_v_is_complete_and_named():
    data = icd10.icd10()
    codes = [c.code for c in data.chapter_v]
    assert codes[0] == "F00"
    assert codes[-1] == "F99"
    assert len(codes) == 78
    assert "F08" not in codes
    assert "F09" in codes
    assert data.name("F03.x00") == "未特指的痴呆"
    assert all(c.name for c in data.chapter_v)


def test_icd10_common_diagnoses():
    data = icd10.icd10()
    for code in ["I10", "E11", "I63", "I64", "J44", "I25", "G20"]:
        assert data.name(code), code
    groups = {g.key: g for g in data.picklist}
    assert groups["dementia"].covers("F02")
    assert not groups["dementia"].covers("F04")
    assert groups["other_mental_disorder"].covers("F04.1")
    assert groups["hypertension"].covers("I10")
    assert not groups["fracture"].covers("S72")


@pytest.mark.parametrize("code", ["F01", "F03.x00", "I10.x00x002", "E11.9"])
def test_well_formed_codes(code):
    assert icd10.is_well_formed(code)


@pytest.mark.parametrize("code", ["f01", "F1", "F001", "痴呆", "F01.", "F01 ", "01F", ""])
def test_malformed_codes(code):
    assert not icd10.is_well_formed(code)


def test_dementia_and_mental_disorder_ranges():
    assert [icd10.is_dementia(c) for c in ["F00", "F03.9", "F04", "G30"]] == [True, True, False, False]
    assert [icd10.is_other_mental_disorder(c) for c in ["F03", "F04", "F99", "G30"]] == [
        False,
        True,
        True,
        False,
    ]


def test_the_data_loader_refuses_duplicate_keys():
    with pytest.raises(DataError, match=r"x\.yaml:3: .*重复的键“a”"):
        parse_yaml("a: 1\nb: 2\na: 3\n", "x.yaml")


def test_the_data_loader_refuses_unknown_and_missing_keys():
    node = Node({"code": "B.1", "nmae": "x"}, "annex_b.indicators[0]")
    assert node.text("code") == "B.1"
    with pytest.raises(DataError, match=r"annex_b.indicators\[0\]: unknown key\(s\) nmae"):
        node.done()
    with pytest.raises(DataError, match="missing key 'name'"):
        Node({}, "here").text("name")
    with pytest.raises(DataError, match="expected an integer"):
        Node({"max": "4"}, "here").integer("max")


def test_no_wording_carries_a_stray_space_from_yaml_line_folding():
    inst = instrument()
    texts = [t for item in inst.items for t in (item.definition, *(o.text for o in item.options))]
    stack = [f for s in (*inst.annex_a, *inst.report) for f in s.fields]
    while stack:
        fld = stack.pop()
        texts += [
            fld.label,
            fld.help or "",
            *(c.label for c in fld.choices),
            *(c.help or "" for c in fld.choices),
        ]
        stack.extend(fld.fields)
    texts += [g.label for g in inst.grounds] + [g.text for g in inst.grounds]
    assert [t for t in texts if " " in t] == []
