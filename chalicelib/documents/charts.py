"""The arrivals chart: an SVG bar chart written by hand, no plotting library.

Accessible (a title, a description and a label on every bar for screen
readers) and printable (black on white, text as text).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

WIDTH, HEIGHT = 960, 420
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 56, 72


def arrivals_chart(title: str, counts: list[tuple[str, int]]) -> str:
    """One bar per 15-minute slot, its count on top, slot times along the bottom."""
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    highest = max((count for _, count in counts), default=0)
    scale = plot_height / highest if highest else 0
    step = plot_width / max(len(counts), 1)
    bar = step * 0.7
    total = sum(count for _, count in counts)
    busiest = max(counts, key=lambda pair: pair[1], default=("", 0))
    summary = f"{total} arrivals in {len(counts)} slots of 15 minutes" + (
        f"; the busiest slot, {busiest[0]}, had {busiest[1]}." if total else "."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="title desc" '
        'font-family="DejaVu Sans, Arial, sans-serif">',
        f'<title id="title">{escape(title)}</title>',
        f'<desc id="desc">{escape(summary)}</desc>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{WIDTH / 2}" y="28" text-anchor="middle" font-size="18" '
        f'font-weight="bold">{escape(title)}</text>',
        # Axes and their labels.
        f'<line x1="{LEFT}" y1="{TOP + plot_height}" x2="{WIDTH - RIGHT}" '
        f'y2="{TOP + plot_height}" stroke="#000000"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_height}" stroke="#000000"/>',
        f'<text x="{LEFT + plot_width / 2}" y="{HEIGHT - 12}" text-anchor="middle" '
        'font-size="13">Time of arrival (local), per 15 minutes</text>',
        f'<text x="16" y="{TOP + plot_height / 2}" text-anchor="middle" font-size="13" '
        f'transform="rotate(-90 16 {TOP + plot_height / 2})">Arrivals</text>',
    ]
    for index, (slot, count) in enumerate(counts):
        x = LEFT + index * step + (step - bar) / 2
        height = count * scale
        y = TOP + plot_height - height
        parts.append(
            f'<g class="slot"><title>{slot}: {count}</title>'
            f'<rect class="bar" data-slot="{slot}" data-count="{count}" x="{x:.2f}" '
            f'y="{y:.2f}" width="{bar:.2f}" height="{height:.2f}" fill="#1f5f8b"/>'
            f'<text x="{x + bar / 2:.2f}" y="{y - 4:.2f}" text-anchor="middle" '
            f'font-size="11">{count}</text>'
            f'<text x="{x + bar / 2:.2f}" y="{TOP + plot_height + 14}" text-anchor="end" '
            f'font-size="10" transform="rotate(-45 {x + bar / 2:.2f} {TOP + plot_height + 14})"'
            f">{slot}</text></g>"
        )
    parts.append("</svg>")
    return "\n".join(parts)
