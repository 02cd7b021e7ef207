"""Horizontal bar charts as plain geometry for the SVG template (reports/bar_chart.svg).
Pure: no ORM, no templates. Hand-written SVG rather than a plotting library: the page
needs one kind of chart, with ARIA and no script, a few hundred bytes each."""

from dataclasses import dataclass, field

WIDTH = 640
LABEL_WIDTH = 190
VALUE_WIDTH = 80
BAR_HEIGHT = 20
GAP = 8
TOP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the value as the data table shows it
    y: int
    width: float
    marker_x: float | None = None  # e.g. the 90th percentile, drawn as a tick


@dataclass(frozen=True)
class BarChart:
    slug: str
    title: str
    description: str
    bars: list = field(default_factory=list)
    marker_label: str = ""

    @property
    def height(self):
        return TOP * 2 + max(len(self.bars), 1) * (BAR_HEIGHT + GAP)

    width = WIDTH
    label_width = LABEL_WIDTH
    bar_height = BAR_HEIGHT
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH


def _number(value):
    if value is None:
        return "—"
    return f"{value:,.1f}" if isinstance(value, float) and not value.is_integer() else f"{int(value):,}"


def bar_chart(slug, title, description, rows, *, label, value, marker=None, marker_label="", unit=""):
    """A chart of `rows` (dicts): one bar per row, `label` and `value` naming keys;
    `marker` (optional) a second value drawn as a tick on the same scale."""
    values = [float(row[value] or 0) for row in rows]
    markers = [float(row[marker] or 0) for row in rows] if marker else []
    top = max(values + markers + [0.0]) or 1.0
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for index, row in enumerate(rows):
        text = _number(row[value]) + (f" {unit}" if unit and row[value] is not None else "")
        marker_x = LABEL_WIDTH + plot * markers[index] / top if marker and row[marker] is not None else None
        bars.append(
            Bar(
                label=str(row[label]),
                text=text,
                y=TOP + index * (BAR_HEIGHT + GAP),
                width=round(plot * values[index] / top, 1),
                marker_x=round(marker_x, 1) if marker_x is not None else None,
            )
        )
    return BarChart(slug=slug, title=title, description=description, bars=bars, marker_label=marker_label)
