"""The book's look for plotly figures: fonts, colours, sizes, and the plotly template every chart uses
(applied by jzreport.present.figures.report_figure)."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

FONT_FAMILY = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
# The printed book's chart images: Chrome (kaleido) embeds a CJK OpenType font as Type 3 glyphs whose text
# extracts as CJK radicals (女 -> ⼥); a TrueType font is embedded as a CID font with a correct ToUnicode
# map, so the charts' text in the PDF can be searched and copied. Debian: fonts-wqy-microhei.
STATIC_FONT_FAMILY = "WenQuanYi Micro Hei"
PALETTE = ["#1f5fa8", "#e07b24", "#3a9b5b", "#c0392b", "#7b5ea7", "#8c6d31", "#17becf", "#7f7f7f"]
STATIC_WIDTH, STATIC_HEIGHT = 800, 450
# Phones get an image laid out for their width: the 800 px image, shown about 360 px wide, set its 14 px text at
# 6 px; one 480 px wide sets it at about 10 px. The web page chooses by the screen's width (PHONE_MEDIA).
PHONE_WIDTH = 600
PHONE_MEDIA = "(max-width: 600px)"
AXIS_TITLE_STANDOFF = 12  # px between an axis's tick labels and its title
# The interactive figure's plotly.js options: no logo, resizes with the page, no image download button.
CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["toImage"]}

TEMPLATE = go.layout.Template(
    layout=dict(
        font=dict(family=FONT_FAMILY, size=14, color="#222"),
        colorway=PALETTE,
        paper_bgcolor="white",
        plot_bgcolor="white",
        # Axis titles keep clear of the image's edges: plotly's automatic margins reckon a title one font size
        # deep, less than a CJK line, and then push it flush against the edge (or, in the PDF, past it). With a
        # standoff the margin grows by the title's own room; the left margin leaves room for a y-axis title.
        margin=dict(l=80, r=20, t=50, b=60),
        xaxis=dict(gridcolor="#e5e5e5", linecolor="#999", automargin=True, title_standoff=AXIS_TITLE_STANDOFF),
        yaxis=dict(
            gridcolor="#e5e5e5",
            linecolor="#999",
            automargin=True,
            rangemode="tozero",
            title_standoff=AXIS_TITLE_STANDOFF,
        ),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        separators=".",
    )
)
pio.templates["jzreport"] = TEMPLATE
pio.templates.default = "jzreport"  # also for figures made after this import


def height_of(spec: dict) -> int:
    """The figure's height in pixels (its layout's, else the book's default)."""
    return int(spec.get("layout", {}).get("height") or STATIC_HEIGHT)
