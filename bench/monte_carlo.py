"""Monte Carlo benchmark of the investment appraisal (issue #5): 100,000 draws in under a second.

Run: ``.venv/bin/python bench/monte_carlo.py [--draws 100000] [--flows 15] [--repeat 7]``.
Prints the median and best time of :func:`openmis.appraisal.calc.simulate` for a 5-year
alternative whose every flow has a range, for PERT and triangular draws, and for the same
flows grouped in three lines (one draw per line for all its years, issue #11), independent
and with a rank correlation of 0.5 between the lines, next to a baseline
measured in the same run: drawing the same number of plain uniform random numbers with numpy
(the least any simulation of that size must do). Figures, not assertions.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from openmis.appraisal.calc import simulate


def flows_spec(n: int) -> list[tuple[int, float, tuple[float, float, float]]]:
    """``n`` ranged flows over years 0..5: an investment, then yearly costs and benefits."""
    spec = [(0, -500_000.0, (-650_000.0, -500_000.0, -450_000.0))]
    for i in range(1, n):
        year = 1 + (i - 1) % 5
        amount = 90_000.0 if i % 2 else -30_000.0
        low, high = sorted((amount * 0.6, amount * 1.3))
        spec.append((year, amount, (low, amount, high)))
    return spec


def _line_of(year: int, amount: float) -> str:
    return "investment" if year == 0 else ("benefit" if amount > 0 else "cost")


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--flows", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    spec = flows_spec(args.flows)
    # the same flows as three lines (investment, costs, benefits) whose years share one draw
    lined = [(*flow, _line_of(flow[0], flow[1])) for flow in spec]
    rng = np.random.default_rng(1)
    rows = [
        (
            "baseline: numpy uniform draws",
            timed(lambda: rng.random((args.draws, args.flows)), args.repeat),
        ),
    ]
    for distribution in ("pert", "triangular"):
        rows.append(
            (
                f"simulate ({distribution})",
                timed(
                    lambda d=distribution: simulate(spec, 0.08, args.draws, seed=1, distribution=d),
                    args.repeat,
                ),
            )
        )
    rows.append(
        (
            "simulate (pert, 3 lines)",
            timed(lambda: simulate(lined, 0.08, args.draws, seed=1), args.repeat),
        )
    )
    rows.append(
        (
            "simulate (pert, lines r=0.5)",
            timed(lambda: simulate(lined, 0.08, args.draws, seed=1, correlation=0.5), args.repeat),
        )
    )
    base = statistics.median(rows[0][1])
    print(f"Monte Carlo: {args.draws:,} draws x {args.flows} ranged flows, {args.repeat} runs each")
    print(f"{'what':<32}{'median s':>10}{'best s':>10}{'x baseline':>12}")
    for label, times in rows:
        median = statistics.median(times)
        print(f"{label:<32}{median:>10.3f}{min(times):>10.3f}{median / base:>12.1f}")
    worst = max(statistics.median(t) for _label, t in rows[1:])
    verdict = "PASS" if worst < 1.0 else "FAIL"
    print(f"Target (issue #5): {args.draws:,} draws in under 1 s -> {worst:.3f} s, {verdict}")


if __name__ == "__main__":
    main()
