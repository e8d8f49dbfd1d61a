"""Ingest benchmark: Kho's whole ingest and a dashboard query against the raw Polars/DuckDB limit.

Usage: python bench/ingest.py [ROWS] [--repeat N] [--no-record]
Each measurement runs in a child process under /usr/bin/time so peak RSS is measured too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CACHE = BENCH / ".cache"
RESULTS = BENCH / "RESULTS.md"
SEED = 42

DATE_COLUMNS = ("Ngày tiếp nhận", "Ngày hẹn trả", "Ngày trả kết quả")
FEE_COLUMN = "Lệ phí (đồng)"
BOOL_COLUMN = "Đúng hạn"
QUERY = (
    "SELECT tinh_thanh_pho, year(ngay_tiep_nhan) AS nam, quarter(ngay_tiep_nhan) AS quy, "
    "count(*) AS so_ho_so, sum(le_phi_dong) AS le_phi FROM {table} "
    "GROUP BY ALL ORDER BY ALL"
)
TARGET_INGEST, TARGET_QUERY = 1.5, 1.3


def slug(label: str) -> str:
    """ASCII snake_case physical name of a column label (`Lệ phí (đồng)` → `le_phi_dong`)."""
    folded = unicodedata.normalize("NFD", label.replace("đ", "d").replace("Đ", "D"))
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "_", ascii_only).strip("_")


# ---------------------------------------------------------------- steps run in a child process


def step_polars(csv_path: Path, out: Path, *, normalize: bool) -> dict[str, object]:
    """Raw limit 1: Polars lazy scan of all-text columns, explicit casts (+ NFC/trim), Parquet."""
    import polars as pl

    header = pl.read_csv(csv_path, n_rows=0, infer_schema=False).columns

    def typed(name: str) -> pl.Expr:
        col = pl.col(name)
        if name in DATE_COLUMNS:
            expr = col.str.strptime(pl.Date, "%d/%m/%Y", strict=False)
        elif name == FEE_COLUMN:
            expr = col.str.replace_all(".", "", literal=True).cast(pl.Int64, strict=False)
        elif name == BOOL_COLUMN:
            expr = pl.when(col == "Có").then(True).when(col == "Không").then(False)
        elif normalize:
            expr = col.str.normalize("NFC").str.strip_chars()
        else:
            expr = col
        return expr.alias(slug(name))

    lazy = pl.scan_csv(csv_path, infer_schema=False, encoding="utf8").select(map(typed, header))
    lazy.sink_parquet(out)
    return {"rows": pl.scan_parquet(out).select(pl.len()).collect().item()}


def step_duckdb(csv_path: Path, out: Path, *, normalize: bool) -> dict[str, object]:
    """Raw limit 2: DuckDB read_csv(all_varchar), explicit casts (+ NFC/trim), COPY to Parquet."""
    import duckdb

    con = duckdb.connect()
    names = [r[0] for r in con.execute(
        "DESCRIBE SELECT * FROM read_csv(?, all_varchar=true, header=true)", [str(csv_path)]
    ).fetchall()]  # fmt: skip
    selects = []
    for name in names:
        q = '"' + name.replace('"', '""') + '"'
        if name in DATE_COLUMNS:
            expr = f"try_strptime({q}, '%d/%m/%Y')::DATE"
        elif name == FEE_COLUMN:
            expr = f"TRY_CAST(replace({q}, '.', '') AS BIGINT)"
        elif name == BOOL_COLUMN:
            expr = f"CASE {q} WHEN 'Có' THEN true WHEN 'Không' THEN false END"
        elif normalize:
            expr = f"trim(nfc_normalize({q}))"
        else:
            expr = q
        selects.append(f"{expr} AS {slug(name)}")
    source = f"read_csv('{csv_path}', all_varchar=true, header=true)"
    con.execute(f"COPY (SELECT {', '.join(selects)} FROM {source}) TO '{out}' (FORMAT parquet)")
    return {"rows": con.execute(f"SELECT count(*) FROM '{out}'").fetchone()[0]}  # type: ignore[index]


# What `kho ingest` imports on its way; imported before the clock starts, as the raw steps import
# their engine first (library import time is not ingest time).
KHO_IMPORTS = (
    "kho.cli.main",
    "kho.platform",
    "kho.metadata.models",
    "kho.catalog.service",
    "kho.ingest.service",
    "kho.ingest.pipeline",
    "kho.ingest.readers.delimited",
    "kho.warehouse.service",
    "kho.errors_i18n",
    "polars",
    "pyarrow.parquet",
    "pyiceberg.catalog.sql",
    "pyiceberg.io.pyarrow",
    "pyiceberg.table",
)


def step_kho(csv_path: Path, out: Path, *, normalize: bool) -> dict[str, object]:
    """Kho's whole ingest in this process: the `kho ingest` command itself (settings, metadata,
    reading, typing, rejects, Iceberg commit, catalog, load report), output discarded."""
    import contextlib
    import io

    from kho.cli.main import main

    del normalize  # Kho always cleans and normalises
    sys.argv = ["kho", "ingest", str(csv_path), "--dataset", "ho_so", "--org", "BENCH", "--json"]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
        try:
            main()
        except SystemExit as exc:
            if exc.code:
                raise RuntimeError(f"kho ingest failed with exit code {exc.code}") from exc
    return {"rows": json.loads(printed.getvalue())["rows_loaded"]}


def run_step(name: str, csv_path: Path, out: Path) -> None:
    """Child-process entry: run one step, print its timing as JSON on the last line."""
    import importlib

    engine, _, extra = name.partition("+")
    step = {"polars": step_polars, "duckdb": step_duckdb, "kho": step_kho}[engine]
    for module in KHO_IMPORTS if engine == "kho" else (engine,):
        importlib.import_module(module)  # library import time is not ingest time
    start = time.perf_counter()
    info = step(csv_path, out, normalize=extra == "nfc")
    print(json.dumps({"seconds": time.perf_counter() - start, **info}))


# ---------------------------------------------------------------- measuring from the parent


def timed_child(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Run `cmd` under /usr/bin/time -v; return wall seconds, peak RSS in MB and stdout."""
    time_bin = "/usr/bin/time"
    if not Path(time_bin).exists():
        raise RuntimeError("/usr/bin/time not found: install the Debian package `time`")
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        start = time.perf_counter()
        proc = subprocess.run([time_bin, "-v", "-o", report.name, *cmd],
                              capture_output=True, text=True, env=env)  # fmt: skip
        wall = time.perf_counter() - start
        usage = report.read()
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-15:])
        raise RuntimeError(f"`{' '.join(cmd)}` failed (exit {proc.returncode}):\n{tail}")
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", usage)
    rss_mb = int(match.group(1)) // 1024 if match else -1
    return wall, rss_mb, proc.stdout


def measure_raw(name: str, csv_path: Path, out: Path, repeat: int) -> dict[str, float]:
    """Best of `repeat` runs of a raw step (time measured inside the child, RSS by the OS)."""
    best: dict[str, float] = {}
    for _ in range(repeat):
        cmd = [sys.executable, __file__, "--step", name, str(csv_path), str(out)]
        _wall, rss, stdout = timed_child(cmd)
        result = json.loads(stdout.strip().splitlines()[-1])
        if not best or result["seconds"] < best["seconds"]:
            best = {"seconds": result["seconds"], "rss_mb": rss, "rows": result["rows"]}
    print(f"  {name:<10} {best['seconds']:6.2f} s  peak RSS {best['rss_mb']:5d} MB  "
          f"({best['rows']:,} rows)")  # fmt: skip
    return best


def kho_cli() -> Path | None:
    candidate = Path(sys.executable).parent / "kho"
    return candidate if candidate.exists() else None


def measure_kho_ingest(csv_path: Path, repeat: int) -> tuple[dict[str, float], Path] | None:
    """Best of `repeat` whole ingests, each into a fresh KHO_HOME (after an untimed `kho init`
    and `kho orgs create`): timed in-process like the raw steps, and as the `kho ingest` command
    (process start and imports included)."""
    cli = kho_cli()
    if cli is None:
        print("  kho        skipped: the `kho` command is not installed (run scripts/install.sh)")
        return None
    best: dict[str, float] = {}
    home: Path | None = None
    for _ in range(repeat):
        for kind in ("step", "command"):
            if home is not None:  # only the last home is kept, for the query step
                shutil.rmtree(home, ignore_errors=True)
            home = Path(tempfile.mkdtemp(prefix="kho-bench-"))
            env = {**os.environ, "KHO_HOME": str(home)}
            for setup in (["init"], ["orgs", "create", "BENCH", "Benchmark"]):
                subprocess.run([str(cli), *setup], env=env, capture_output=True, check=False)
            try:
                if kind == "step":
                    cmd = [sys.executable, __file__, "--step", "kho", str(csv_path), str(home)]
                    _wall, rss, stdout = timed_child(cmd, env)
                    seconds = float(json.loads(stdout.strip().splitlines()[-1])["seconds"])
                    if "seconds" not in best or seconds < best["seconds"]:
                        best |= {"seconds": seconds, "rss_mb": rss}
                else:
                    cmd = [str(cli), "ingest", str(csv_path), "--dataset", "ho_so", "--org", "BENCH"]
                    wall, rss, _out = timed_child(cmd, env)
                    if "command" not in best or wall < best["command"]:
                        best |= {"command": wall, "command_rss_mb": rss}
            except RuntimeError as exc:
                print(f"  kho        failed: {exc}")
                shutil.rmtree(home, ignore_errors=True)
                return None
    assert home is not None
    print(f"  kho        {best['seconds']:6.2f} s  peak RSS {best['rss_mb']:5d} MB  (whole ingest, "
          "timed like the raw steps)")  # fmt: skip
    print(f"  kho cmd    {best['command']:6.2f} s  peak RSS {best['command_rss_mb']:5d} MB  "
          "(the `kho ingest` command: process start and imports included)")  # fmt: skip
    return best, home


def best_of(fn: object, repeat: int) -> tuple[float, object]:
    """Minimum wall time of `repeat` calls after one warm-up call; also the last result."""
    result = fn()  # type: ignore[operator]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times), result


def measure_duckdb_query(parquet: Path, repeat: int) -> float:
    import duckdb

    con = duckdb.connect()
    sql = QUERY.format(table=f"read_parquet('{parquet}')")
    seconds, rows = best_of(lambda: con.execute(sql).fetchall(), repeat)
    groups = len(rows)  # type: ignore[arg-type]
    print(f"  duckdb     {seconds * 1000:7.1f} ms  ({groups:,} groups, Parquet from the +NFC step)")
    return seconds


def measure_kho_query(home: Path, repeat: int) -> float | None:
    try:
        from kho.access.actors import SYSTEM
        from kho.platform import Platform
        from kho.settings import Settings
    except ImportError as exc:
        print(f"  kho        skipped: kho.platform is not importable yet ({exc})")
        return None
    try:
        platform_ = Platform(Settings(home=home))
        sql = QUERY.format(table="ho_so")
        seconds, result = best_of(lambda: platform_.query.sql(sql, actor=SYSTEM), repeat)
    except Exception as exc:  # the benchmark reports any failure and carries on
        print(f"  kho        failed: {type(exc).__name__}: {exc}")
        return None
    groups = len(result.rows)  # type: ignore[attr-defined]
    print(f"  kho        {seconds * 1000:7.1f} ms  ({groups:,} groups, Platform.query.sql)")
    return seconds


# ---------------------------------------------------------------- orchestration and recording


def dossiers_csv(rows: int) -> Path:
    """The cached messy CSV for `rows` rows, generated on first use."""
    sys.path.insert(0, str(REPO / "src"))
    from kho.demo.generate import write_dossiers_csv

    path = CACHE / f"ho_so_{rows}_seed{SEED}.csv"
    if not path.exists():
        start = time.perf_counter()
        tmp = write_dossiers_csv(path.with_suffix(".part"), rows, seed=SEED)
        tmp.rename(path)
        print(f"generated {path.name}: {path.stat().st_size / 1e6:.0f} MB in "
              f"{time.perf_counter() - start:.1f} s")  # fmt: skip
    return path


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import duckdb
    import polars
    import psutil

    ram = psutil.virtual_memory().total / 2**30
    return (f"{cpu}, {os.cpu_count()} cores, {ram:.0f} GB; Python {platform.python_version()}, "
            f"DuckDB {duckdb.__version__}, Polars {polars.__version__}; "
            f"load avg {os.getloadavg()[0]:.1f} at the end")  # fmt: skip


def fmt(value: float | None, scale: float = 1.0, unit: str = "s", digits: int = 2) -> str:
    return "n/a" if value is None else f"{value * scale:.{digits}f} {unit}"


TABLE = (
    "| date | rows | Polars | DuckDB | Polars+NFC | DuckDB+NFC | Kho ingest | ingest ratio "
    "(vs casts / vs +NFC) | Kho command | DuckDB query | Kho query | query ratio | peak RSS MB "
    "P/D/K | machine |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
)


def record(rows: int, r: dict[str, float | None], note: str) -> None:
    """Append one dated row to the first table of bench/RESULTS.md (created when missing)."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if TABLE.splitlines()[0] not in text:
        text = text.rstrip("\n") + "\n\n" + TABLE
    rss = "/".join("n/a" if r.get(k) is None else f"{r[k]:.0f}" for k in
                   ("polars_rss", "duckdb_rss", "kho_rss"))  # fmt: skip
    line = (
        f"| {dt.date.today().isoformat()} | {rows:,} | {fmt(r['polars'])} | {fmt(r['duckdb'])} | "
        f"{fmt(r['polars+nfc'])} | {fmt(r['duckdb+nfc'])} | {fmt(r.get('kho'))} | "
        f"{fmt(r.get('ingest_ratio'), unit='×')} / {fmt(r.get('ingest_ratio_nfc'), unit='×')} | "
        f"{fmt(r.get('kho_command'))} | "
        f"{fmt(r['duckdb_query'], 1000, 'ms', 1)} | {fmt(r.get('kho_query'), 1000, 'ms', 1)} | "
        f"{fmt(r.get('query_ratio'), unit='×')} | {rss} | {machine()}{note} |\n"
    )
    lines = text.splitlines(keepends=True)
    # The row goes at the end of this table, so later sections stay below it.
    at = next(i for i, x in enumerate(lines) if x.rstrip("\n") == TABLE.splitlines()[0])
    while at < len(lines) and lines[at].startswith("|"):
        at += 1
    RESULTS.write_text("".join(lines[:at]) + line + "".join(lines[at:]), encoding="utf-8")
    print(f"recorded in {RESULTS.relative_to(REPO)}")


def ratio(numerator: float | None, denominator: float) -> float | None:
    return None if numerator is None else numerator / denominator


RAW_STEPS = ("polars", "duckdb", "polars+nfc", "duckdb+nfc")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])  # type: ignore[union-attr]
    parser.add_argument("rows", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    parser.add_argument("--note", default="", help="free text added to the RESULTS.md row")
    args = parser.parse_args()

    csv_path = dossiers_csv(args.rows)
    work = Path(tempfile.mkdtemp(prefix="kho-bench-out-"))
    print(f"ingest {csv_path.name} ({args.rows:,} rows), best of {args.repeat}:")
    raw = {n: measure_raw(n, csv_path, work / f"{n}.parquet", args.repeat) for n in RAW_STEPS}
    kho = measure_kho_ingest(csv_path, args.repeat)
    print("query: count and fee sum by province and quarter:")
    duck_query = measure_duckdb_query(work / "duckdb+nfc.parquet", max(5, args.repeat))
    kho_query = measure_kho_query(kho[1], max(5, args.repeat)) if kho else None

    results: dict[str, float | None] = {n: raw[n]["seconds"] for n in RAW_STEPS}
    results |= {"polars_rss": raw["polars"]["rss_mb"], "duckdb_rss": raw["duckdb"]["rss_mb"]}
    results |= {"duckdb_query": duck_query, "kho_query": kho_query}
    if kho:
        results |= {"kho": kho[0]["seconds"], "kho_rss": kho[0]["rss_mb"]}
        results |= {"kho_command": kho[0]["command"]}
    best_casts = min(raw[n]["seconds"] for n in RAW_STEPS[:2])
    best_nfc = min(raw[n]["seconds"] for n in RAW_STEPS[2:])
    results["ingest_ratio"] = ratio(results.get("kho"), best_casts)
    results["ingest_ratio_nfc"] = ratio(results.get("kho"), best_nfc)
    results["query_ratio"] = ratio(kho_query, duck_query)
    command_nfc = ratio(results.get("kho_command"), best_nfc)
    print(f"ratios: ingest {fmt(results['ingest_ratio'], unit='×')} vs casts only, "
          f"{fmt(results['ingest_ratio_nfc'], unit='×')} vs casts+NFC (target ≤ {TARGET_INGEST}×; "
          f"the whole command {fmt(command_nfc, unit='×')}); "
          f"query {fmt(results['query_ratio'], unit='×')} (target ≤ {TARGET_QUERY}×)")  # fmt: skip
    shutil.rmtree(work, ignore_errors=True)
    if kho:
        shutil.rmtree(kho[1], ignore_errors=True)
    if not args.no_record:
        record(args.rows, results, f"; {args.note}" if args.note else "")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--step":
        run_step(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
    else:
        sys.exit(main())
