"""The arrivals chart: an SVG bar chart written by hand, no plotting library.

Accessible (a title, a description and a label on every bar for screen
readers), printable (black on white, text as text), bilingual (Bahasa
Indonesia first, then English) and readable on a phone: drawn 400 units wide,
so at 360 px its text keeps 90% of its size; only the hours are written along
the bottom, and every bar's slot and count are in its own <title>.
"""

from __future__ import annotations

import math
from datetime import date
from xml.sax.saxutils import escape

from chalicelib.core.presenters import MONTHS

WIDTH, HEIGHT = 400, 300
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 62, 62
TICK_GAP = 36  # the least room, in units, between two time labels along the bottom
BULAN = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def chart_titles(number: int, on: date) -> tuple[str, str]:
    """The chart's title in Bahasa Indonesia, then in English."""
    return (
        f"Kedatangan hari ke-{number} ({on.day} {BULAN[on.month - 1]} {on.year})",
        f"Arrivals, day {number} ({on.day} {MONTHS[on.month - 1]} {on.year})",
    )


def _y_ticks(highest: int) -> list[int]:
    """0, the highest count and a round number between, when there is room."""
    if highest <= 0:
        return [0]
    middle = highest // 2
    return [0, middle, highest] if 0 < middle < highest else [0, highest]


def arrivals_chart(titles: tuple[str, str], counts: list[tuple[str, int]]) -> str:
    """One bar per 15-minute slot; the hours along the bottom, counts up the side."""
    title_id, title_en = titles
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_height
    highest = max((count for _, count in counts), default=0)
    scale = plot_height / highest if highest else 0
    step = plot_width / max(len(counts), 1)
    bar = step * 0.75
    # A label on the hour, or every 2, 3... hours when slots are many.
    every = 4 * max(1, math.ceil(TICK_GAP / (4 * step)))
    total = sum(count for _, count in counts)
    busiest = max(counts, key=lambda pair: pair[1], default=("", 0))
    summary_id = f"{total} kedatangan dalam {len(counts)} slot 15 menit" + (
        f"; slot tersibuk, {busiest[0]}, {busiest[1]} orang." if total else "."
    )
    summary_en = f"{total} arrivals in {len(counts)} slots of 15 minutes" + (
        f"; the busiest slot, {busiest[0]}, had {busiest[1]}." if total else "."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="title desc" '
        'font-family="DejaVu Sans, Arial, sans-serif">',
        f'<title id="title">{escape(title_id)} / {escape(title_en)}</title>',
        f'<desc id="desc">{escape(summary_id)} / {escape(summary_en)}</desc>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text class="title" x="{WIDTH / 2}" y="22" text-anchor="middle" font-size="16" '
        f'font-weight="bold">{escape(title_id)}</text>',
        f'<text class="title" x="{WIDTH / 2}" y="42" text-anchor="middle" font-size="13" '
        f'fill="#333333">{escape(title_en)}</text>',
        # Axes and their labels.
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#000000"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" stroke="#000000"/>',
        f'<text class="axis" x="{LEFT + plot_width / 2}" y="{HEIGHT - 22}" '
        'text-anchor="middle" font-size="12">Jam kedatangan (waktu setempat), per 15 menit</text>',
        f'<text class="axis" x="{LEFT + plot_width / 2}" y="{HEIGHT - 6}" '
        'text-anchor="middle" font-size="12" fill="#333333">'
        "Time of arrival (local), per 15 minutes</text>",
        f'<text class="axis" x="12" y="{TOP + plot_height / 2}" text-anchor="middle" '
        f'font-size="12" transform="rotate(-90 12 {TOP + plot_height / 2})">'
        "Kedatangan / Arrivals</text>",
    ]
    for value in _y_ticks(highest):
        y = base - value * scale
        parts.append(
            f'<line x1="{LEFT - 4}" y1="{y:.2f}" x2="{WIDTH - RIGHT}" y2="{y:.2f}" '
            'stroke="#cccccc" stroke-width="0.5"/>'
            f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.2f}" text-anchor="end" '
            f'font-size="12">{value}</text>'
        )
    for index, (slot, count) in enumerate(counts):
        x = LEFT + index * step + (step - bar) / 2
        height = count * scale
        y = base - height
        parts.append(
            f'<g class="slot"><title>{slot}: {count}</title>'
            f'<rect class="bar" data-slot="{slot}" data-count="{count}" x="{x:.2f}" '
            f'y="{y:.2f}" width="{bar:.2f}" height="{height:.2f}" fill="#1f5f8b"/></g>'
        )
        if index % every == 0:
            tick_x = LEFT + index * step
            parts.append(
                f'<line x1="{tick_x:.2f}" y1="{base}" x2="{tick_x:.2f}" y2="{base + 4}" '
                'stroke="#000000"/>'
                f'<text class="tick" x="{tick_x:.2f}" y="{base + 18}" text-anchor="middle" '
                f'font-size="11">{slot}</text>'
            )
    parts.append("</svg>")
    return "\n".join(parts)
