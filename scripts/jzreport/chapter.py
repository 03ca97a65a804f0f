"""Everything a chapter notebook needs, in one import: `from jzreport.chapter import *`."""

import pandas as pd
from IPython.display import Markdown, display

from jzreport.datapackage.load import field_titles, load_table, rows_of
from jzreport.present.figures import labels, report_figure
from jzreport.present.formatting import fmt_number, fmt_signed, fmt_zh_count, share_pct
from jzreport.present.prose import bind_stated_facts, say
from jzreport.present.tables import report_table, with_total_row

pd.set_option("display.max_columns", 20)

__all__ = [
    "Markdown",
    "display",
    "field_titles",
    "fmt_number",
    "fmt_signed",
    "fmt_zh_count",
    "bind_stated_facts",
    "labels",
    "load_table",
    "pd",
    "report_figure",
    "report_table",
    "rows_of",
    "say",
    "share_pct",
    "with_total_row",
]
