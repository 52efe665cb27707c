"""The link-health chart of the last nights as plain geometry: the template draws it as inline SVG."""

from dataclasses import dataclass, field

from catalogue.linkhealth import STATUS_COUNTS
from catalogue.links import STATUSES, night_status, status_colour, status_label

# One series per link status, bottom to top, with the status's own words and colour: the chart
# says what the table beside it says.
SERIES = tuple((status_colour(s), status_label(s), s) for s in STATUSES)
LOST_SERIES = "perdue"  # a night whose run changed nothing: network down or run stopped
WIDTH, HEIGHT = 720, 240
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_TOP = 48, 24, 28, 12


@dataclass
class Bar:
    """One coloured segment of a night's stacked bar."""

    x: float
    y: float
    width: float
    height: float
    series: str
    title: str


@dataclass
class Chart:
    """Everything the template needs to draw the chart and its table twin."""

    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    y_ticks: list[tuple[float, int]] = field(default_factory=list)  # (y, value)
    x_labels: list[tuple[float, str]] = field(default_factory=list)  # (x, "27/11")
    legend: list[tuple[str, str]] = field(default_factory=list)  # (series, label)
    rows: list[tuple[str, list[int]]] = field(default_factory=list)  # night, count per series
    plot_bottom: float = HEIGHT - MARGIN_BOTTOM
    plot_left: float = MARGIN_LEFT
    lost: list[tuple[str, str]] = field(default_factory=list)  # night, sentence; newest first


def series_counts(counts: dict) -> list[int]:
    """A night's links by status, in SERIES order (from its verdicts for runs recorded before the
    statuses were: ok and moved are valid, the rest is to check)."""
    statuses = counts.get(STATUS_COUNTS)
    if statuses is None:
        statuses = {}
        for verdict, n in counts.items():
            status = night_status(verdict)
            statuses[status] = statuses.get(status, 0) + int(n)
    return [int(statuses.get(status, 0)) for _, _, status in SERIES]


def _nice_max(value: int) -> int:
    """The smallest round number (1, 2, 4, 5, 6, 8 × a power of ten, even) at or above value."""
    for power in range(0, 9):
        for step in (1, 2, 4, 5, 6, 8):
            top = step * 10**power
            if top >= value and top % 2 == 0:
                return top
    return value


def build(nights: list[tuple[str, dict[str, int]]], lost: dict[str, str] | None = None) -> Chart:
    """Stacked bars of statuses per night, oldest on the left; nights as ("YYYY-MM-DD", a run's summary).

    lost: the nights whose run changed nothing, with their sentence (« nuit du 5 décembre :
    réseau indisponible, aucun état modifié »): each gets a full-height grey bar saying so.
    """
    lost = lost or {}
    chart = Chart(legend=[(key, label) for key, label, _ in SERIES])
    if lost:
        chart.legend.append((LOST_SERIES, "Nuit sans vérification"))
    chart.lost = [(night, text) for night, text in sorted(lost.items(), reverse=True)]
    chart.rows = [(night, series_counts(counts)) for night, counts in nights]
    if not chart.rows:
        return chart
    top = _nice_max(max(1, max(sum(values) for _, values in chart.rows)))
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    slot = (WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / len(chart.rows)
    bar_width = max(1.0, slot * 0.8)
    for i, (night, values) in enumerate(chart.rows):
        x = MARGIN_LEFT + i * slot + (slot - bar_width) / 2
        base = HEIGHT - MARGIN_BOTTOM
        if night in lost and not any(values):
            chart.bars.append(
                Bar(round(x, 1), MARGIN_TOP, round(bar_width, 1), plot_height, LOST_SERIES, lost[night])
            )
        for (key, label, _), value in zip(SERIES, values, strict=True):
            if not value:
                continue
            h = plot_height * value / top
            base -= h
            chart.bars.append(
                Bar(
                    round(x, 1),
                    round(base, 1),
                    round(bar_width, 1),
                    round(h, 1),
                    key,
                    f"{_day(night)} : {label} × {value}",
                )
            )
        if (len(chart.rows) - 1 - i) % 7 == 0:  # a label each week, counted back from the last night
            chart.x_labels.append((round(x + bar_width / 2, 1), _day(night)))
    chart.y_ticks = [
        (round(HEIGHT - MARGIN_BOTTOM - plot_height * f, 1), round(top * f)) for f in (0, 0.5, 1)
    ]
    return chart


def _day(night: str) -> str:
    """27/11 for 2026-11-27."""
    parts = str(night)[:10].split("-")
    return f"{parts[2]}/{parts[1]}" if len(parts) == 3 else str(night)
