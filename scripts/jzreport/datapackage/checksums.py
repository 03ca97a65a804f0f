"""Record the current version of every data file (sha256 and size) in datapackage.json.

Run deliberately (`make record-data`) after editing a CSV; it refuses while the data are invalid.
"""

from __future__ import annotations

import json
import sys

from jzreport.datapackage import validate
from jzreport.datapackage.load import sha256_of
from jzreport.settings import Settings


def record(settings: Settings) -> int:
    """Record every data file's sha256 and size in the descriptor; 1 (and nothing recorded) if the data are invalid."""
    problems = [p for p in validate.validate_package(settings) if "sha256" not in p.message]
    if problems:
        print("数据有问题，未记录新版本 (data invalid, nothing recorded):", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    descriptor = json.loads(settings.descriptor.read_text(encoding="utf-8"))
    changed = []
    for resource in descriptor["resources"]:
        path = settings.data_dir / resource["path"]
        digest = "sha256:" + sha256_of(path)
        if resource.get("hash") != digest:
            changed.append(resource["path"])
        resource["hash"], resource["bytes"] = digest, path.stat().st_size
    settings.descriptor.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print("已记录新版本 (recorded): " + (", ".join(changed) if changed else "无变化 (no change)"))
    return 0


def main() -> int:
    return record(Settings.from_environment())


if __name__ == "__main__":
    sys.exit(main())
