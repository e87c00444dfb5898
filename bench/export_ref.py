"""Reference for the export row of docs/benchmarks.md: openpyxl in write-only mode.

python export_ref.py ROWS.csv OUT.xlsx  ->  prints {"seconds": s, "rows": n}
The CSV (the ledger's own CSV export of the same rows) is read untimed; timed is writing
the same cells (header + rows, as text) and saving the workbook.
"""
import csv
import json
import sys
import time

from openpyxl import Workbook

src, out = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8-sig", newline="") as f:
    data = list(csv.reader(f))
t = time.perf_counter()
wb = Workbook(write_only=True)
ws = wb.create_sheet("问题台账")
for rec in data:
    ws.append([v if v != "" else None for v in rec])
wb.save(out)
print(json.dumps({"seconds": time.perf_counter() - t, "rows": len(data) - 1}))
