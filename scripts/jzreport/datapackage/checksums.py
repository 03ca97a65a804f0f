"""Record the current version of every data file (sha256 and size) in datapackage.json.

Run deliberately (`make record-data`) after editing a CSV; it refuses while the data are invalid.
"""

from __future__ import annotations

import json
import sys

from jzreport import paths
from jzreport.datapackage import load as datapackage
from jzreport.datapackage import validate


def main() -> int:
    problems = [p for p in validate.validate_package() if "sha256" not in p.message]
    if problems:
        print("数据有问题，未记录新版本 (data invalid, nothing recorded):", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    descriptor = json.loads(paths.DESCRIPTOR.read_text(encoding="utf-8"))
    changed = []
    for resource in descriptor["resources"]:
        path = paths.DATA_DIR / resource["path"]
        digest = "sha256:" + datapackage.sha256_of(path)
        if resource.get("hash") != digest:
            changed.append(resource["path"])
        resource["hash"], resource["bytes"] = digest, path.stat().st_size
    paths.DESCRIPTOR.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("已记录新版本 (recorded): " + (", ".join(changed) if changed else "无变化 (no change)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
