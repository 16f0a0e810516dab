"""The dashboard's week chart: bar geometry for the next days' occupancy, drawn as SVG."""

from __future__ import annotations

import datetime as dt

from bookings.calendar_grid import day_label, occupancy_level

CHART_W, CHART_H, CHART_TOP, CHART_BOTTOM = 560, 240, 28, 48


def svg_number(value: float) -> str:
    """An SVG coordinate: always a dot as the decimal mark, whatever the page's language."""
    return f"{value:.1f}".removesuffix(".0")


def week_chart(days: list[dict], today: dt.date) -> dict:
    """Bar geometry for the next days' occupancy, drawn as SVG by the template."""
    slot_w = CHART_W / len(days)
    bar_w = slot_w * 0.6
    plot_h = CHART_H - CHART_TOP - CHART_BOTTOM
    bars = []
    for i, day in enumerate(days):
        h = plot_h * day["ratio"]
        bars.append(
            {
                **day,
                "percent": round(day["ratio"] * 100),
                "level": occupancy_level(day),
                "label": day_label(day),
                "x": svg_number(i * slot_w + (slot_w - bar_w) / 2),
                "y": svg_number(CHART_TOP + plot_h - h),
                "w": svg_number(bar_w),
                "h": svg_number(h),
                "cx": svg_number(i * slot_w + slot_w / 2),
                "is_today": day["date"] == today,
            }
        )
    gridlines = [
        {"y": svg_number(CHART_TOP + plot_h * (1 - p / 100)), "label": p} for p in (0, 50, 100)
    ]
    return {
        "bars": bars,
        "gridlines": gridlines,
        "width": str(CHART_W),
        "height": str(CHART_H),
        "label_y": str(CHART_H - CHART_BOTTOM + 20),
        "sub_y": str(CHART_H - CHART_BOTTOM + 38),
    }
