"""Tiny SVG charts for the printed bulletin (WeasyPrint draws inline SVG; no JavaScript in a PDF)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ("#b4232c", "#0b69a3", "#2f7d32", "#d97706", "#6b21a8", "#0f766e", "#9a3412", "#475569")


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str = "",
    width: int = 640,
    bar_height: int = 22,
    font: str = "sans-serif",
    unit: str = "",
) -> str:
    """Horizontal bars with their values, one per label."""
    label_w = max((len(label) for label in labels), default=2) * 13 + 16
    top = 28 if title else 6
    height = top + len(labels) * (bar_height + 6) + 6
    span = max((v for v in values), default=0) or 1
    room = width - label_w - 90
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{escape(font)}" font-size="12">'
    ]
    if title:
        parts.append(f'<text x="0" y="16" font-size="14" fill="#1f2933">{escape(title)}</text>')
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * (bar_height + 6)
        w = max(room * value / span, 0.5 if value else 0)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_height * 0.7:.1f}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{PALETTE[0]}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_height * 0.7:.1f}">{_num(value)}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str = "",
    width: int = 640,
    height: int = 220,
    font: str = "sans-serif",
    zero: bool = True,
) -> str:
    """One line per series over the labels (months), with a legend. The axis starts at zero unless
    ``zero`` is false: then just below the lowest value, so that a slow change shows."""
    top, left, bottom, right = (30 if title else 10), 64, 34, 16
    plot_w, plot_h = width - left - right, height - top - bottom
    values_all = [v for _, values in series for v in values]
    peak = max(values_all, default=0) or 1
    floor = 0.0
    if not zero and values_all:
        low = min(values_all)
        pad = max((peak - low) * 0.1, 1)
        floor, peak = max(low - pad, 0), peak + pad
    span = (peak - floor) or 1
    n = max(len(labels) - 1, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{escape(font)}" font-size="11">'
    ]
    if title:
        parts.append(f'<text x="0" y="16" font-size="14" fill="#1f2933">{escape(title)}</text>')
    for k in range(5):
        y = top + plot_h * k / 4
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#d9e2ec"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_num(round(floor + span * (4 - k) / 4))}</text>"
        )
    step = max(1, len(labels) // 6)
    for i, label in enumerate(labels):
        if i % step == 0 or i == len(labels) - 1:
            x = left + plot_w * i / n
            parts.append(f'<text x="{x:.1f}" y="{height - 14}" text-anchor="middle">{escape(label)}</text>')
    for s, (name, values) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        points = " ".join(
            f"{left + plot_w * i / n:.1f},{top + plot_h * (1 - (v - floor) / span):.1f}"
            for i, v in enumerate(values)
        )
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        lx = left + s * 150
        parts.append(
            f'<rect x="{lx}" y="{height - 10}" width="12" height="8" fill="{colour}"/>'
            f'<text x="{lx + 16}" y="{height - 2}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
