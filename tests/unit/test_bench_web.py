"""``yanglao bench web``'s own parts: the menu links it follows, and its percentiles and verdicts."""

from __future__ import annotations

from yanglao.bench.web import Timings, menu_links, percentile, summary
from yanglao.bench.webdata import database_url, marker


def test_it_follows_the_links_of_the_menus_and_the_downloads_only() -> None:
    page = b"""<header><nav><a href="/persons/">\xe6\x9f\xa5\xe8\xaf\xa2</a><a href="/visits/">v</a>
    <form action="/logout/"><a href="/logout/">x</a></form></nav></header>
    <main><a href="/persons/12/">a person</a><nav class="sub"><a href="plans/?month=2026-05">p</a></nav>
    <a href="/stats/bulletin/152223/2026-5.pdf">PDF</a><a href="https://example.org/x.pdf">far</a>
    <a href="/static/site.css">css</a></main>"""
    assert menu_links(page, "/visits/") == [
        "/persons/",
        "/visits/",
        "/visits/plans/?month=2026-05",
        "/stats/bulletin/152223/2026-5.pdf",
    ]


def test_percentiles_and_the_verdict_against_the_goal() -> None:
    values = [i / 1000 for i in range(1, 101)]  # 1 … 100 ms
    assert percentile(values, 0.5) == 0.05
    assert percentile(values, 0.95) == 0.095
    timings = Timings()
    for v in values:
        timings.add("姓名查询", v, 200)
        timings.add("人员详情页", v * 2, 200)
    timings.add("乡镇工作清单", 0.01, 500)
    rows = {r["page"]: r for r in summary(timings)}
    assert rows["姓名查询"]["p95_ms"] == 95.0
    assert rows["姓名查询"]["met"] is True
    assert rows["人员详情页"]["met"] is False  # p95 190 ms > 150 ms
    assert rows["乡镇工作清单"]["met"] is False  # fast, but an error is not a page
    assert rows["乡镇工作清单"]["error_statuses"] == {500: 1}


def test_the_database_is_named_by_its_size_unless_named() -> None:
    base = "postgresql://postgres@127.0.0.1:5432/postgres"
    assert database_url(base, 1000, None) == "postgresql://postgres@127.0.0.1:5432/yanglao_bench_web_1000"
    assert database_url(base, 1000, "yl_ops_bench").endswith("/yl_ops_bench")
    assert marker(1000) != marker(2000)
