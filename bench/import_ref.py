"""Reference for the import row of docs/benchmarks.md: what an office script does today.

python import_ref.py SHEET.xlsx OUT.db  ->  prints {"seconds": s, "rows": n}
Timed: pandas.read_excel (header on the sheet's second row, every cell as text) and
sqlite3.executemany into one table, committed once.
"""
import json
import sqlite3
import sys
import time

import pandas as pd

sheet, out = sys.argv[1], sys.argv[2]
t = time.perf_counter()
df = pd.read_excel(sheet, header=1, dtype=str, engine="openpyxl")
con = sqlite3.connect(out)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA synchronous=NORMAL")
cols = ", ".join(f"c{i} TEXT" for i in range(len(df.columns)))
con.execute(f"CREATE TABLE sheet ({cols})")
marks = ", ".join("?" * len(df.columns))
rows = df.where(df.notna(), None).itertuples(index=False, name=None)
con.executemany(f"INSERT INTO sheet VALUES ({marks})", rows)
con.commit()
con.close()
print(json.dumps({"seconds": time.perf_counter() - t, "rows": len(df)}))
