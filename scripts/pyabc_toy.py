#!/usr/bin/env python3
"""The normal-mean toy of examples/abc_toy.rs in pyabc, for the cross-check of monotown's
ABC-SMC (docs/CALIBRATION.md, "Cross-check against pyabc"). Not part of CI.

Run with (Python 3.11.7):
    python3 -m venv /work/venv-pyabc
    /work/venv-pyabc/bin/pip install pyabc==0.13.0
    /work/venv-pyabc/bin/python scripts/pyabc_toy.py [--seed 1] [--population 1000]
        [--generations 10] [--quantile 0.5] [--prior "uniform(-10, 10)"] [--n 20] [--xbar 1.3]

n observations of N(theta, 1) have the sample mean xbar; the summary is the sample mean,
simulated as theta + N(0, 1)/sqrt(n); the distance is |ybar - xbar|.

Settings matched to monotown's ABC-SMC (src/calibrate/abc.rs):
- population size constant; stop after --generations only;
- generation 0 accepts every prior draw (QuantileEpsilon(initial_epsilon=inf)); then
  epsilon_t = the --quantile of generation t-1's distances, unweighted (weighted=False);
  for the median, pyabc's interpolation gives the same number as monotown's;
- MultivariateNormalTransition with bandwidth factor 1 and scaling 2, i.e. 2x the
  weighted covariance (pyabc's np.cov with aweights is the unbiased weighted covariance,
  a factor ESS/(ESS-1) above monotown's plug-in one);
- proposals outside the prior's support are redrawn (pyabc's default, as monotown);
- SingleCoreSampler, seeded from --seed through numpy's global generator (pyabc's own),
  so a run is deterministic per seed; monotown's counter-based streams are different
  random numbers, so the two agree in distribution, not draw by draw.

Prints the same CSV as the example: generation, epsilon, acceptance, ess, mean, sd,
attempts (pyabc's samples), runs (the same), then "# analytic,MEAN,SD".
"""

import argparse
import logging
import math
import os
import random
import re
import sys
import tempfile
import warnings

import numpy as np
import pyabc
from scipy import stats


def parse_prior(text):
    m = re.fullmatch(r"\s*(uniform|normal)\(\s*([^,]+?)\s*,\s*([^,]+?)\s*\)\s*", text)
    if not m:
        raise ValueError(f"`--prior {text}`: write uniform(a, b) or normal(m, s)")
    a, b = float(m.group(2)), float(m.group(3))
    if not (math.isfinite(a) and math.isfinite(b)):
        raise ValueError(f"`--prior {text}`: numbers must be finite")
    if m.group(1) == "uniform":
        if a >= b:
            raise ValueError(f"`--prior {text}`: need low < high")
        return "uniform", a, b
    if b <= 0:
        raise ValueError(f"`--prior {text}`: need sd > 0")
    return "normal", a, b


def analytic(prior, n, xbar):
    kind, a, b = prior
    if kind == "normal":
        precision = 1 / b**2 + n
        return (a / b**2 + n * xbar) / precision, precision**-0.5
    s = n**-0.5
    t = stats.truncnorm((a - xbar) / s, (b - xbar) / s, loc=xbar, scale=s)
    return t.mean(), t.std()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--population", type=int, default=1000)
    p.add_argument("--generations", type=int, default=10)
    p.add_argument("--quantile", type=float, default=0.5)
    p.add_argument("--prior", default="uniform(-10, 10)")
    p.add_argument("--n", type=int, default=20)
    p.add_argument("--xbar", type=float, default=1.3)
    args = p.parse_args()
    try:
        prior = parse_prior(args.prior)
        if args.seed < 0 or args.population < 2 or args.generations < 1 or args.n < 1:
            raise ValueError("want --seed >= 0, --population >= 2, --generations >= 1, --n >= 1")
        if not 0 < args.quantile < 1:
            raise ValueError(f"`--quantile {args.quantile}`: want a number in (0, 1)")
    except ValueError as e:
        print(f"pyabc_toy: {e}", file=sys.stderr)
        sys.exit(2)

    # pyabc 0.13 subtracts the two infinite epsilons of t = -1 and 0 in a stop check.
    warnings.filterwarnings("ignore", "invalid value encountered in scalar subtract")
    logging.getLogger("ABC").setLevel(logging.WARNING)
    for name in ("Sampler", "Epsilon", "History", "Distance", "Acceptor", "Transition"):
        logging.getLogger(f"ABC.{name}").setLevel(logging.WARNING)
    np.random.seed(args.seed)
    random.seed(args.seed)

    n, xbar = args.n, args.xbar
    kind, a, b = prior
    rv = pyabc.RV("uniform", a, b - a) if kind == "uniform" else pyabc.RV("norm", a, b)

    def model(par):
        return {"y": par["theta"] + np.random.normal() / math.sqrt(n)}

    def distance(x, x0):
        return abs(x["y"] - x0["y"])

    abc = pyabc.ABCSMC(
        model,
        pyabc.Distribution(theta=rv),
        distance,
        population_size=args.population,
        transitions=pyabc.MultivariateNormalTransition(
            scaling=2.0, bandwidth_selector=lambda ess, dim: 1.0
        ),
        eps=pyabc.QuantileEpsilon(
            initial_epsilon=np.inf, alpha=args.quantile, weighted=False
        ),
        sampler=pyabc.sampler.SingleCoreSampler(),
    )
    with tempfile.TemporaryDirectory() as tmp:
        abc.new("sqlite:///" + os.path.join(tmp, "abc.db"), {"y": xbar})
        history = abc.run(max_nr_populations=args.generations)
        pops = history.get_all_populations()
        print("generation,epsilon,acceptance,ess,mean,sd,attempts,runs")
        for _, row in pops[pops.t >= 0].iterrows():
            t = int(row.t)
            df, w = history.get_distribution(m=0, t=t)
            theta = df["theta"].to_numpy()
            w = np.asarray(w) / np.sum(w)
            mean = float(np.sum(w * theta))
            sd = float(np.sqrt(np.sum(w * (theta - mean) ** 2)))
            eps = "inf" if not math.isfinite(row.epsilon) else f"{row.epsilon:.6f}"
            samples = int(row.samples)
            print(
                f"{t},{eps},{int(row.particles) / samples:.6f},{1 / np.sum(w**2):.2f},"
                f"{mean:.6f},{sd:.6f},{samples},{samples}"
            )
    m, s = analytic(prior, n, xbar)
    print(f"# analytic,{m:.6f},{s:.6f}")


if __name__ == "__main__":
    main()
