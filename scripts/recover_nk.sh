#!/usr/bin/env bash
# Parameter recovery on the model, the larger run of docs/CALIBRATION.md ("Parameter recovery
# on the model"): the Novokuznetsk scenario (six agent towns) with known parameters is run once
# at scale 0.05, seed 99; its December populations 1990-2010 (sd 1%) and unemployment rates
# 1992-2010 (sd 0.01) become the "observations"; `monotown calibrate` then estimates eight
# parameters from wide priors and the script prints each one's weighted 5/50/95% of the last
# generation against the truth.
#
#   scripts/recover_nk.sh DIR        # writes DIR/{nk_truth.toml, obs_*.csv, recover_nk.toml, out/}
#
# Truth: the shipped scenarios/novokuznetsk.toml with migration.base_hazard = 0.001; its
# amenities as shipped; labour.matching_efficiency = 0.45 (the code default). Needs a release
# build. About 960 runs (5 generations of 60 particles); 43 min on this 2-core machine under load.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/target/release/monotown
[ -x "$bin" ] || { echo "recover_nk.sh: build first: cargo build --release" >&2; exit 2; }
[ $# -eq 1 ] || { echo "usage: scripts/recover_nk.sh DIR" >&2; exit 2; }
dir=$1
mkdir -p "$dir"
grep -q '^base_hazard = ' scenarios/novokuznetsk.toml \
  || { echo "recover_nk.sh: scenarios/novokuznetsk.toml no longer sets base_hazard" >&2; exit 1; }
sed 's/^base_hazard = .*/base_hazard = 0.001/' scenarios/novokuznetsk.toml > "$dir/nk_truth.toml"
"$bin" run "$dir/nk_truth.toml" --scale 0.05 --seed 99 --format csv --out "$dir/truth_run" > "$dir/truth_run.log"
python3 - "$dir" <<'PY'
import csv, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(f"{d}/truth_run/towns.csv")))
with open(f"{d}/obs_pop.csv", "w") as pop, open(f"{d}/obs_unemp.csv", "w") as un:
    pop.write("town,year,value,source\n"); un.write("town,year,value,source\n")
    for r in rows:
        if r["is_hub"] == "true" or r["month"] != "12":
            continue
        y = int(r["year"])
        src = "simulated nk_truth seed 99 scale 0.05"
        if 1990 <= y <= 2010: pop.write(f"{r['town']},{y},{r['population']},{src}\n")
        if 1992 <= y <= 2010: un.write(f"{r['town']},{y},{r['unemployment_rate']},{src}\n")
PY
{
cat <<'TOML'
scenarios = ["nk_truth.toml"]

[calibration]
seed = 20261204
fit_until = 2010
population = 60
generations = 5
replicates = 1
scale = 0.05
quantile = 0.5
predictive_draws = 0

[[parameter]]
key = "migration.base_hazard"
prior = "loguniform(0.0003, 0.003)"

[[parameter]]
key = "labour.matching_efficiency"
prior = "uniform(0.2, 1.0)"
TOML
for t in Novokuznetsk Prokopyevsk Kiselyovsk Mezhdurechensk Myski Kaltan; do
  printf '\n[[parameter]]\nkey = "town.%s.amenity"\nprior = "uniform(0.4, 2.0)"\n' "$t"
done
cat <<'TOML'

[[target]]
name = "population"
file = "obs_pop.csv"
column = "population"
stat = "december"
relative_sd = 0.01

[[target]]
name = "unemployment"
file = "obs_unemp.csv"
column = "unemployment_rate"
stat = "december"
sd = 0.01
TOML
} > "$dir/recover_nk.toml"
"$bin" calibrate "$dir/recover_nk.toml" --out "$dir/out" --threads 2 --quiet
python3 - "$dir" <<'PY'
import csv, sys
d = sys.argv[1]
truth = {"migration.base_hazard": 0.001, "labour.matching_efficiency": 0.45}
# the amenities as shipped, read from the truth file's [[town]] blocks
town = None
for line in open(f"{d}/nk_truth.toml"):
    s = line.split("#")[0].strip()
    if s.startswith("[[town]]"):
        town = ""
    elif town == "" and s.startswith("name = "):
        town = s.split("=", 1)[1].strip().strip('"')
    elif town and s.startswith("amenity = "):
        truth[f"town.{town}.amenity"] = float(s.split("=", 1)[1])
        town = None
rows = list(csv.DictReader(open(f"{d}/out/posterior.csv")))
last = max(int(r["generation"]) for r in rows)
rows = [r for r in rows if int(r["generation"]) == last]
def q(v, w, p):
    z = sorted(zip(v, w)); tot = sum(w); c = 0.0
    for x, wi in z:
        c += wi
        if c >= p * tot:
            return x
    return z[-1][0]
print("parameter,truth,q05,median,q95,covered")
for k, t in truth.items():
    if k not in rows[0]:
        continue
    v = [float(r[k]) for r in rows]; w = [float(r["weight"]) for r in rows]
    lo, me, hi = q(v, w, 0.05), q(v, w, 0.5), q(v, w, 0.95)
    print(f"{k},{t},{lo:.4g},{me:.4g},{hi:.4g},{lo <= t <= hi}")
PY
