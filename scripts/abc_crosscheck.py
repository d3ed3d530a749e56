#!/usr/bin/env python3
"""Run monotown's ABC-SMC (examples/abc_toy.rs) and pyabc (scripts/pyabc_toy.py) on the
normal-mean toy over several seeds and both priors; print the markdown table of
docs/CALIBRATION.md, "Cross-check against pyabc". Not part of CI.

    cargo build --release --example abc_toy
    /work/venv-pyabc/bin/python scripts/abc_crosscheck.py [--seeds 10] [--out DIR]

Each run's CSV is kept in DIR (default: a temporary folder, printed).
"""

import argparse
import os
import statistics as st
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PRIORS = ["uniform(-10, 10)", "normal(0, 0.5)"]


def run(tool, prior, seed, out, reuse=False):
    name = f"{tool}_{prior.split('(')[0]}_{seed}.csv"
    if reuse:
        with open(os.path.join(out, name)) as f:
            return parse(f.read())
    if tool == "monotown":
        cmd = [os.path.join(ROOT, "target/release/examples/abc_toy")]
    else:
        cmd = [sys.executable, os.path.join(HERE, "pyabc_toy.py")]
    cmd += ["--seed", str(seed), "--prior", prior]
    text = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    with open(os.path.join(out, name), "w") as f:
        f.write(text)
    return parse(text)


def parse(text):
    lines = [l for l in text.splitlines() if l and not l.startswith(("generation", "#"))]
    rows = [dict(zip(["g", "eps", "acc", "ess", "mean", "sd", "attempts", "runs"], l.split(","))) for l in lines]
    analytic = [l for l in text.splitlines() if l.startswith("# analytic")][0].split(",")
    return rows, float(analytic[1]), float(analytic[2])


def ms(xs, fmt):
    return f"{fmt.format(st.mean(xs))} ± {fmt.format(st.stdev(xs))}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--out", default=None)
    p.add_argument("--tools", default="monotown,pyabc", help="comma-separated: monotown, pyabc")
    p.add_argument("--reuse", action="store_true", help="read the CSVs already in --out instead of running")
    args = p.parse_args()
    out = args.out or tempfile.mkdtemp(prefix="abc_crosscheck_")
    os.makedirs(out, exist_ok=True)
    print(f"runs kept in {out}", file=sys.stderr)
    if args.reuse and not args.out:
        sys.exit("abc_crosscheck: --reuse needs --out")
    tools = args.tools.split(",")
    if not tools or any(t not in ("monotown", "pyabc") for t in tools):
        sys.exit(f"abc_crosscheck: --tools {args.tools}: want monotown, pyabc or both")
    schedule = {}
    print("| prior | library | posterior mean | posterior sd | final epsilon | final ESS | final acceptance | simulations (all generations) |")
    print("|---|---|---|---|---|---|---|---|")
    for prior in PRIORS:
        for tool in tools:
            finals, sims, runs = [], [], []
            for seed in range(1, args.seeds + 1):
                rows, am, asd = run(tool, prior, seed, out, args.reuse)
                schedule.setdefault((prior, tool), []).append(rows)
                finals.append(rows[-1])
                sims.append(sum(int(r["attempts"]) for r in rows))
                runs.append(sum(int(r["runs"]) for r in rows))
                print(f"{tool} {prior} seed {seed}: {rows[-1]}", file=sys.stderr)
            f = lambda k: [float(r[k]) for r in finals]
            sim_text = f"{st.mean(sims):,.0f}"
            if runs != sims:
                sim_text += f" ({st.mean(runs):,.0f} run in whole batches)"
            print(
                f"| `{prior}` | {tool} | {ms(f('mean'), '{:.4f}')} | {ms(f('sd'), '{:.4f}')} "
                f"| {ms(f('eps'), '{:.4f}')} | {st.mean(f('ess')):.0f} | {st.mean(f('acc')):.4f} | {sim_text} |"
            )
        print(f"| `{prior}` | analytic | {am:.4f} | {asd:.4f} | | | | |")
    # Per generation, mean over seeds: epsilon, acceptance and posterior sd.
    for prior in PRIORS if len(tools) == 2 else []:
        print(f"\nPer generation, `{prior}` (mean over seeds; monotown / pyabc):\n")
        print("| generation | epsilon | acceptance | posterior sd | ESS |")
        print("|---|---|---|---|---|")
        m, q = schedule[(prior, "monotown")], schedule[(prior, "pyabc")]
        for g in range(min(len(m[0]), len(q[0]))):
            cells = []
            for k, fmt in [("eps", "{:.4f}"), ("acc", "{:.3f}"), ("sd", "{:.4f}"), ("ess", "{:.0f}")]:
                a = [float(r[g][k]) for r in m]
                b = [float(r[g][k]) for r in q]
                cells.append(fmt.format(st.mean(a)) + " / " + fmt.format(st.mean(b)))
            print(f"| {g} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
