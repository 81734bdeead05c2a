"""Bar charts as inline SVG, drawn on the server (no script, no library)."""

from html import escape

from markupsafe import Markup

SERIES_CLASSES = ("s0", "s1", "s2")


def bars(
    rows: list[tuple[str, list[float | None]]],
    series: list[str],
    *,
    title: str,
    percent: bool = False,
    width: int = 560,
) -> Markup:
    """A horizontal bar chart: one group of bars per row (label, values), one bar per series; a value of None
    (a rate of nothing) draws no bar and reads "—"."""
    label_width, bar_height, gap, top = 130, 14, 10, 34
    plot = width - label_width - 60
    per_row = bar_height * len(series) + gap
    height = top + per_row * max(len(rows), 1) + 10
    peak = 1.0 if percent else max([v for _, values in rows for v in values if v is not None] + [1])
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    x = label_width
    for index, name in enumerate(series):
        parts.append(f'<rect class="{SERIES_CLASSES[index]}" x="{x}" y="6" width="10" height="10" rx="2"/>')
        parts.append(f'<text class="legend" x="{x + 14}" y="15">{escape(name)}</text>')
        x += 14 + 9 * len(name) + 30
    for row_index, (row_label, values) in enumerate(rows):
        y = top + row_index * per_row
        parts.append(
            f'<text class="label" x="{label_width - 8}" y="{y + per_row / 2 - gap / 2 + 4}" text-anchor="end">'
            f"{escape(row_label[:14])}</text>"
        )
        for index, value in enumerate(values):
            length = 0.0 if value is None else plot * value / peak
            by = y + index * bar_height
            text = "—" if value is None else (f"{value * 100:.0f}%" if percent else f"{value:g}")
            parts.append(
                f'<rect class="{SERIES_CLASSES[index]}" x="{label_width}" y="{by}" width="{length:.1f}" '
                f'height="{bar_height - 2}" rx="2"><title>{escape(row_label)}: {text}</title></rect>'
            )
            parts.append(f'<text class="value" x="{label_width + length + 4:.1f}" y="{by + bar_height - 4}">{text}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
