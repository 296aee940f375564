"""Import benchmark: a simulated N-row CSV (Vietnamese headers and values, as a checkpoint export
looks) imported into a fresh store; prints rows/s and peak RSS.

    .venv/bin/python bench/bench_import.py --rows 1000000 [--store sqlite:////tmp/bench-import.db]
        [--csv /tmp/bench-1m.csv] [--keep-csv]

The CSV is generated once from the simulator (kept with --keep-csv / reused if it exists). The
import runs in a child process so that its peak RSS (``resource.getrusage(RUSAGE_CHILDREN)``) is
the import's alone, not the generator's.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from data_access.store import reference_data as ref  # noqa: E402
from data_access.timeutil import LOCAL_TZ  # noqa: E402

HEADER = [
    "Mã khai báo",
    "Thời gian khai báo",
    "Chốt kiểm soát",
    "Hướng",
    "Hình thức khai báo",
    "Phương tiện",
    "Biển số",
    "Họ và tên",
    "Số CCCD/CMND",
    "Số điện thoại",
    "Năm sinh",
    "Giới tính",
    "Đi từ tỉnh",
    "Đi từ huyện",
    "Nơi đến",
    "Sốt",
    "Ho",
    "Khó thở",
    "Đau họng",
    "Mất vị giác/khứu giác",
    "Tiếp xúc F0",
    "Đi qua vùng dịch",
    "Cài Bluezone",
    "Dùng Wi-Fi miễn phí",
]
FLAGS = [
    "fever",
    "cough",
    "breathing_difficulty",
    "sore_throat",
    "loss_of_taste_smell",
    "contact_f0",
    "visited_hotzone",
    "bluezone_installed",
    "used_free_wifi",
]
DIRECTION = {"in": "Vào", "out": "Ra"}
CHANNEL = {"paper": "Giấy", "vhd": "tokhaiyte", "bluezone": "Bluezone", "ncovi": "NCOVI", "other": "Khác"}
VEHICLE = {
    "car": "Ô tô",
    "motorbike": "Xe máy",
    "truck": "Xe tải",
    "bus": "Xe khách",
    "bicycle": "Xe đạp",
    "pedestrian": "Đi bộ",
    "other": "Khác",
    None: "",
}
GENDER = {"male": "Nam", "female": "Nữ"}


def generate(path: Path, rows: int) -> None:
    """Write ``rows`` simulated declarations as a Vietnamese CSV export."""
    from data_access.simulator import Simulator

    ids = {cp["code"]: i for i, cp in enumerate(ref.CHECKPOINTS, start=1)}
    names = {i: cp["name"] for i, cp in enumerate(ref.CHECKPOINTS, start=1)}
    provinces = {c: n for c, n, *_ in ref.PROVINCES}
    districts = {c: n for c, n, *_ in ref.THAI_BINH_DISTRICTS}
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    sim = Simulator(ids, now=now, seed=7, scale=20.0)
    written = 0
    hour = now - dt.timedelta(days=120)
    with open(path, "w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(HEADER)
        while written < rows:
            for r in next(sim.history(hour, hour + dt.timedelta(hours=1))):
                if written >= rows:
                    break
                local = r["declared_at"].astimezone(LOCAL_TZ)
                w.writerow(
                    [
                        r["declaration_id"],
                        local.strftime("%d/%m/%Y %H:%M:%S"),
                        names[r["checkpoint_id"]],
                        DIRECTION[r["direction"]],
                        CHANNEL[r["channel"]],
                        VEHICLE[r["vehicle"]],
                        r["plate"] or "",
                        r["full_name"],
                        r["id_number"] or "",
                        r["phone"] or "",
                        r["birth_year"],
                        GENDER[r["gender"]],
                        provinces[r["origin_province_code"]],
                        r["origin_district"] or "",
                        districts.get(r["destination_district_code"], ""),
                        *("x" if r[f] else "" for f in FLAGS),
                    ]
                )
                written += 1
            hour += dt.timedelta(hours=1)


def _descendants_peak_kb(root: int, peaks: dict[int, int], cpu: dict[int, float], stop) -> None:
    """Sample the peak RSS (VmHWM) and the CPU seconds of every descendant of ``root`` (the import's
    worker processes are children of multiprocessing's fork server, so getrusage(RUSAGE_CHILDREN)
    does not see them)."""
    ticks = os.sysconf("SC_CLK_TCK")
    while not stop.wait(0.5):
        parents = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    status = Path(f"/proc/{entry}/status").read_text()
                except OSError:
                    continue
                fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
                parents[int(entry)] = (int(fields["PPid"]), int(fields.get("VmHWM", "0 kB").split()[0]))
        for pid, (ppid, hwm) in parents.items():
            p = ppid
            while p and p != root and p in parents:
                p = parents[p][0]
            if p == root and pid != root:
                peaks[pid] = max(peaks.get(pid, 0), hwm)
                try:
                    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    cpu[pid] = (int(stat[11]) + int(stat[12])) / ticks  # utime + stime
                except (OSError, IndexError, ValueError):
                    pass


def child(store: str, csv_path: str) -> None:
    """Run in the child: init the store, import, print the result as JSON."""
    os.environ["DATABASE_URL"] = store
    from data_access.importing.pipeline import import_file
    from data_access.store import create_store_engine, init_store

    engine = create_store_engine(store)
    init_store(engine)
    import threading

    peaks: dict[int, int] = {}
    cpu: dict[int, float] = {}
    stop = threading.Event()
    sampler = threading.Thread(target=_descendants_peak_kb, args=(os.getpid(), peaks, cpu, stop), daemon=True)
    sampler.start()
    start = time.perf_counter()
    result = import_file(engine, csv_path, created_by="bench")
    elapsed = time.perf_counter() - start
    stop.set()
    sampler.join()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                **result.as_json(),
                "seconds": elapsed,
                "cpu_s": usage.ru_utime + usage.ru_stime,
                "worker_cpu_s": max(cpu.values(), default=0),
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                # the largest worker process (reading and normalising), if any ran
                "worker_maxrss_mb": max(peaks.values(), default=0) / 1024,
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--store", default="sqlite:////tmp/bench-import.db")
    parser.add_argument("--csv", default=None)
    parser.add_argument("--keep-csv", action="store_true")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    csv_path = Path(args.csv or f"/tmp/bench-import-{args.rows}.csv")
    if not csv_path.exists():
        t0 = time.perf_counter()
        generate(csv_path, args.rows)
        print(
            f"generated {csv_path} ({csv_path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.0f} s",
            file=sys.stderr,
        )
    if args.store.startswith("sqlite:///"):
        db = Path(args.store.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    out = subprocess.run(
        [sys.executable, __file__, "--child", args.store, str(csv_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    rate = result["rows_in"] / result["seconds"]
    print(
        f"rows: {result['rows_in']:,}  accepted: {result['accepted']:,}  duplicates: {result['duplicates']:,}  "
        f"quarantined: {result['quarantined']:,}  warnings: {result['warnings']:,}"
    )
    print(
        f"time: {result['seconds']:.1f} s  speed: {rate:,.0f} rows/s  peak RSS: {result['maxrss_mb']:.0f} MB "
        f"(worker process: {result['worker_maxrss_mb']:.0f} MB)  "
        f"CPU: importer {result['cpu_s']:.1f} s, worker {result['worker_cpu_s']:.1f} s  "
        f"(store {args.store})"
    )
    if not args.keep_csv and not args.csv:
        csv_path.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
