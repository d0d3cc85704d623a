"""The assessment report (GB/T 42195-2022 Annex C 老年人能力评估报告) on screen and as a PDF.

The PDF is rendered by WeasyPrint from ``templates/assessments/report.html`` with the CJK font
shipped in this package (``static/assessments/fonts/wqy-microhei.ttc``, 文泉驿微米黑, Apache-2.0),
embedded as a subset: the report reads the same everywhere and needs neither the internet nor the
server's fonts. WeasyPrint may load only files of this package (no network, no other files).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from yanglao.accounts.models import User
from yanglao.assessments.models import Assessment, ReasonChoice
from yanglao.core.assessment import instrument
from yanglao.core.idnumber import mask_id_number

STATIC = Path(__file__).resolve().parent / "static" / "assessments"
FONT = STATIC / "fonts" / "wqy-microhei.ttc"
FONT_FAMILY = "YanglaoReportCJK"


def _choice_label(code: str, detail: str, field_code: str) -> str:
    if not code:
        return ""
    label = instrument().field(field_code).choice(code).label
    return f"{label}（{detail}）" if detail else label


def report_context(a: Assessment, user: User) -> dict[str, Any]:
    """Everything the report shows, for the screen and the PDF."""
    inst = instrument()
    person = a.person
    ref = a.reference_date
    age = None
    if ref and person.birth_date:
        born = person.birth_date
        age = ref.year - born.year - ((ref.month, ref.day) < (born.month, born.day))
    context: dict[str, Any] = {
        "a": a,
        "person": person,
        "standard": inst.standard,
        "title": inst.annex_c_title,
        "id_number": person.id_number if user.can_reveal_id else mask_id_number(person.id_number),
        "sex": {"1": "男", "2": "女"}.get(person.sex or "", "未知"),
        "age": age,
        "reason": ReasonChoice(a.reason).label + (f"（{a.reason_detail}）" if a.reason_detail else "")
        if a.reason
        else "",
        "relation": _choice_label(a.informant_relation, a.informant_relation_detail, "A.3.2"),
        "legacy": a.is_legacy,
    }
    if a.is_legacy or a.final_level is None:
        return context
    context["indicators"] = [
        {"code": ind.code, "name": ind.name, "score": a.indicators.get(ind.code), "max": ind.max_score}
        for ind in inst.indicators
    ]
    context["levels"] = [
        {
            "level": lv.level,
            "name": lv.name,
            "alt_name": lv.alt_name,
            "range": f"{lv.min_total}" if lv.min_total == lv.max_total else f"{lv.min_total}-{lv.max_total}",
            "initial": lv.level == a.initial_level,
            "final": lv.level == a.final_level,
        }
        for lv in inst.levels
    ]
    context["grounds"] = [
        {"number": g.number, "label": g.label, "found": g.key in a.ground_keys} for g in inst.grounds
    ]
    context["initial_name"] = inst.level(a.initial_level).name if a.initial_level is not None else ""
    context["final_name"] = inst.level(a.final_level).name
    context["items"] = [
        {
            "code": item.code,
            "name": item.name,
            "indicator": item.indicator_code,
            "score": a.items.get(item.code),
            "max": item.max_score,
            "text": item.option(a.items[item.code]).text if item.code in a.items else "",
        }
        for item in inst.items
    ]
    return context


def _package_files_only() -> Any:
    """A WeasyPrint URL fetcher that opens only this package's static files (no network)."""
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    prefix = STATIC.as_uri() + "/"

    class PackageFiles(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith(prefix):
                raise ValueError(f"the report may not load {url}")
            return super().fetch(url, headers)

    return PackageFiles(allowed_protocols=["file"])


def render_pdf(a: Assessment, user: User) -> bytes:
    """The report of a signed assessment as PDF bytes, its Chinese font embedded."""
    import weasyprint  # type: ignore[import-untyped]
    from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

    html = render_to_string("assessments/report.html", {**report_context(a, user), "pdf": True})
    fonts = FontConfiguration()
    fetcher = _package_files_only()
    css = weasyprint.CSS(
        string=f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{FONT.as_uri()}"); }}',
        font_config=fonts,
        url_fetcher=fetcher,
    )
    document = weasyprint.HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[css], font_config=fonts)
    return pdf
