#!/usr/bin/env bash
# Does running at a reduced scale bias the census fit? Runs each scenario at several scales
# and seeds and prints one CSV row per (scenario, scale, seed, town, year) with the
# simulated population and its error against the observation, as `monotown run` prints it.
#
#   scripts/scale_bias.sh [SCENARIO.toml ...]
#   SCALES="0.05 0.1 0.25 1" SEEDS="1 2 3" THREADS=2 scripts/scale_bias.sh scenarios/biysk.toml
#
# Needs a release build (`cargo build --release`). Output folders go to a temporary
# directory that is removed at the end. Summarise the CSV with any tool (the README and
# docs/CALIBRATION.md quote means over seeds).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/monotown
[ -x "$bin" ] || { echo "scale_bias.sh: build first: cargo build --release" >&2; exit 2; }
scales=${SCALES:-"0.05 0.1 0.25 1"}
seeds=${SEEDS:-"1 2 3"}
threads=${THREADS:-2}
[ $# -gt 0 ] || set -- scenarios/nizhny_tagil.toml scenarios/biysk.toml scenarios/novokuznetsk.toml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "scenario,scale,seed,town,year,simulated,observed,error_pct"
for scenario in "$@"; do
  [ -f "$scenario" ] || { echo "scale_bias.sh: no such scenario file: $scenario" >&2; exit 2; }
  name=$(basename "$scenario" .toml)
  for scale in $scales; do
    for seed in $seeds; do
      out="$tmp/$name-$scale-$seed"
      "$bin" run "$scenario" --scale "$scale" --seed "$seed" --threads "$threads" --out "$out" --format csv \
        > "$out.log" 2>&1 || { echo "scale_bias.sh: run failed, see below" >&2; cat "$out.log" >&2; exit 1; }
      # Table rows: town (may contain spaces), year, simulated, observed, error%, ...
      awk -v s="$name" -v sc="$scale" -v sd="$seed" '
        /^town +year/ { table = 1; next }
        table && /^\(/ { table = 0 }
        table && NF >= 5 {
          for (i = 1; i <= NF; i++) if ($i ~ /^[12][0-9][0-9][0-9]$/) { y = i; break }
          if ($(y + 2) !~ /^[0-9]+$/ || $(y + 3) !~ /%$/) next
          town = $1; for (i = 2; i < y; i++) town = town " " $i
          err = $(y + 3); sub(/%$/, "", err); sub(/^\+/, "", err)
          printf "%s,%s,%s,%s,%s,%s,%s,%s\n", s, sc, sd, town, $y, $(y + 1), $(y + 2), err
        }' "$out.log"
      rm -rf "$out"
    done
  done
done
