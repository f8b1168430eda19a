"""A small SVG chart writer: line charts of daily series and bar charts of counts.

Plain strings, no dependencies: the report must stay one self-contained file,
and a plotting library would bring a hundred megabytes for two charts. The
charts scale to their container (viewBox, width 100%), carry a <title> for
screen readers, and escape every label.
"""

from collections.abc import Sequence
from html import escape

# Narrow on purpose: on a phone the chart is drawn about 400px wide, and text must stay legible there.
WIDTH, HEIGHT = 480, 220
MARGIN = {"left": 34, "right": 10, "top": 30, "bottom": 30}
FONT = "font-family:-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif"


def nice_ticks(highest: int, count: int = 4) -> list[int]:
    """0 and round steps (1, 2, 5 × 10ⁿ) up to at least `highest`."""
    if highest <= 0:
        return [0, 1]
    raw = highest / count
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    ticks = [0]
    while ticks[-1] < highest:
        ticks.append(ticks[-1] + step)
    return ticks


def _open(title: str, standalone: bool) -> list[str]:
    namespace = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    return [f'<svg{namespace} viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
            f'style="max-width:{WIDTH}px;height:auto;display:block;{FONT}">',
            f"<title>{escape(title)}</title>"]


def _y_axis(ticks: list[int], scale) -> list[str]:
    parts = []
    for tick in ticks:
        y = scale(tick)
        parts.append(f'<line x1="{MARGIN["left"]}" y1="{y:.1f}" x2="{WIDTH - MARGIN["right"]}" y2="{y:.1f}" '
                     f'stroke="#d0d7de" stroke-width="1"/>')
        parts.append(f'<text x="{MARGIN["left"] - 6}" y="{y + 4:.1f}" font-size="13" fill="#57606a" '
                     f'text-anchor="end">{tick}</text>')
    return parts


def _legend(series: Sequence[tuple[str, str]]) -> list[str]:
    parts, x = [], MARGIN["left"]
    for name, colour in series:
        parts.append(f'<rect x="{x}" y="8" width="13" height="13" rx="2" fill="{escape(colour)}"/>')
        parts.append(f'<text x="{x + 17}" y="20" font-size="14" fill="#1f2328">{escape(name)}</text>')
        x += 28 + 8 * sum(2 if ord(ch) > 0x2E80 else 1 for ch in name)
    return parts


def line_chart(labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[int]]], *, title: str,
               standalone: bool = False, label_every: int | None = None) -> str:
    """One polyline per (name, colour, values) over the x labels (e.g. days)."""
    if any(len(values) != len(labels) for _, _, values in series):
        raise ValueError("every series needs one value per label")
    ticks = nice_ticks(max((max(values, default=0) for _, _, values in series), default=0))
    plot_w = WIDTH - MARGIN["left"] - MARGIN["right"]
    plot_h = HEIGHT - MARGIN["top"] - MARGIN["bottom"]

    def x(i: int) -> float:
        return MARGIN["left"] + (plot_w / 2 if len(labels) < 2 else plot_w * i / (len(labels) - 1))

    def y(value: float) -> float:
        return MARGIN["top"] + plot_h * (1 - value / ticks[-1])

    parts = _open(title, standalone) + _y_axis(ticks, y)
    every = label_every or max(1, -(-len(labels) // 5))
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            anchor = "end" if i == len(labels) - 1 and len(labels) > 1 else "middle"
            parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - MARGIN["bottom"] + 16}" font-size="13" fill="#57606a" '
                         f'text-anchor="{anchor}">{escape(label)}</text>')
    for name, colour, values in series:
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(f'<polyline data-series="{escape(name)}" points="{points}" fill="none" stroke="{escape(colour)}" '
                     f'stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>')
        if values:
            parts.append(f'<circle cx="{x(len(values) - 1):.1f}" cy="{y(values[-1]):.1f}" r="3.5" fill="{escape(colour)}"/>')
    parts += _legend([(name, colour) for name, colour, _ in series])
    return "".join(parts) + "</svg>"


def bar_chart(bars: Sequence[tuple[str, str, int]], *, title: str, standalone: bool = False) -> str:
    """One bar per (label, colour, value), the value written above it."""
    ticks = nice_ticks(max((value for _, _, value in bars), default=0))
    plot_w = WIDTH - MARGIN["left"] - MARGIN["right"]
    plot_h = HEIGHT - MARGIN["top"] - MARGIN["bottom"]

    def y(value: float) -> float:
        return MARGIN["top"] + plot_h * (1 - value / ticks[-1])

    parts = _open(title, standalone) + _y_axis(ticks, y)
    slot = plot_w / max(1, len(bars))
    for i, (label, colour, value) in enumerate(bars):
        left = MARGIN["left"] + slot * i + slot * 0.2
        top = y(value)
        parts.append(f'<rect data-bar="{escape(label)}" x="{left:.1f}" y="{top:.1f}" width="{slot * 0.6:.1f}" '
                     f'height="{y(0) - top:.1f}" fill="{escape(colour)}"/>')
        centre = left + slot * 0.3
        parts.append(f'<text x="{centre:.1f}" y="{top - 4:.1f}" font-size="14" fill="#1f2328" '
                     f'text-anchor="middle">{value}</text>')
        parts.append(f'<text x="{centre:.1f}" y="{HEIGHT - MARGIN["bottom"] + 16}" font-size="14" fill="#1f2328" '
                     f'text-anchor="middle">{escape(label)}</text>')
    return "".join(parts) + "</svg>"
