"""The audit: the report checked against itself and its data.

- `ledger`: the edition's declared checks run (data/<year>/checks.yaml), each with its verdict and the record of
  which stated numbers it verifies and reads (`build_ledger`);
- `verdicts`: how a verdict is computed; `values` and `expressions`: what a check reads and computes;
- `declarations`: reading the checks an edition declares; `report_text`: names and numbering in the report text;
- `publish`: the audit as data (audit.json, audit.csv) in the built site.
"""

from __future__ import annotations

from jzreport.audit.ledger import READS, VERIFIES, Check, Ledger, build_ledger
from jzreport.audit.verdicts import (
    ASSUMED_SAME,
    CONSISTENT,
    INCONSISTENT,
    NOT_DERIVABLE,
    STATED_ONLY,
    compare,
    same_values,
)

__all__ = [
    "ASSUMED_SAME",
    "CONSISTENT",
    "INCONSISTENT",
    "NOT_DERIVABLE",
    "READS",
    "STATED_ONLY",
    "VERIFIES",
    "Check",
    "Ledger",
    "build_ledger",
    "compare",
    "publish",
    "same_values",
]


def publish(package, folder) -> list:
    """Write the audit of `package` (a jzreport.datapackage.load.DataPackage) as audit.csv and audit.json into
    `folder` (the built site); returns the paths."""
    import json
    from pathlib import Path

    import pandas as pd

    records = build_ledger(package).records()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    as_json, as_csv = folder / "audit.json", folder / "audit.csv"
    as_json.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    flat = pd.DataFrame(
        [
            {
                **record,
                "contradicts": "; ".join(f"{c['value']} ({c['place']})" for c in record["contradicts"]),
                "subject": " ".join(record["subject"]),
                "verifies": " ".join(record["verifies"]),
                "reads": " ".join(record["reads"]),
                "data_files": "; ".join(f"{f['file']} sha256:{f['sha256']}" for f in record["data_files"]),
            }
            for record in records
        ]
    )
    flat.to_csv(as_csv, index=False, encoding="utf-8-sig", lineterminator="\n")
    return [as_csv, as_json]
