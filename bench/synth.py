"""Time ``athar.synth.generate`` on one core and write bench/results/synth.json.

python bench/synth.py [--persons 1000000] [--seed 0] [--out DIR]
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from athar.synth import generate

RESULTS = Path(__file__).parent / "results" / "synth.json"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="keep the files here (default: a temp dir)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        t0 = time.perf_counter()
        cpu0 = time.process_time()
        summary = generate(out, persons=args.persons, seed=args.seed)
        seconds = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
        size = sum(p.stat().st_size for p in summary.files)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    result = {
        "persons": summary.persons,
        "records": summary.records,
        "records_by_source": summary.records_by_source,
        "duplicates_by_source": summary.duplicates_by_source,
        "persons_in_no_source": summary.persons_in_no_source,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "persons_per_second": round(summary.persons / seconds),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "bytes_written": size,
        "python": sys.version.split()[0],
        "cpus_visible": os.cpu_count(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
