#!/usr/bin/env python3
"""How long a line takes from the child's print to cfdeploy's stdout.

The child prints CLOCK_MONOTONIC nanoseconds and flushes; this reader notes
the same clock when the line arrives through `cfdeploy run`. Prints the
median and maximum delay in milliseconds as "median max".
"""
import statistics
import subprocess
import sys
import time

CHILD = (
    "import time\n"
    "for _ in range(100):\n"
    "    print(time.monotonic_ns(), flush=True)\n"
    "    time.sleep(0.02)\n"
)


def main() -> None:
    cfdeploy = sys.argv[1]
    proc = subprocess.Popen(
        [cfdeploy, "run", "--", sys.executable, "-c", CHILD],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        bufsize=0,
    )
    delays = []
    for line in proc.stdout:
        arrived = time.monotonic_ns()
        delays.append((arrived - int(line)) / 1e6)
    proc.wait()
    print(f"{statistics.median(delays):.3f} {max(delays):.3f}")


if __name__ == "__main__":
    main()
