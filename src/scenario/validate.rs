//! The rules of a scenario file: every check, each naming its key path, the value and the
//! valid range. All problems are collected at once, section by section, in file order.

use std::collections::HashMap;

use super::REST_OF_COUNTRY;
use super::error::Problem;
use super::file::{
    DateSpec, FirmSpec, Path2, PolicySpec, ScenarioFile, ShockSpec, TownKind, TownSpec, UnitSpec,
};
use super::params::{self, PolicyParams, ShockParams, SpecParam};
use crate::firms::FirmKind;

/// Check every rule of a raw file, section by section in file order, pushing each broken
/// rule to `problems`.
pub(crate) fn validate(f: &ScenarioFile, problems: &mut Vec<Problem>) {
    check_run(f, problems);
    check_parameter_blocks(f, problems);
    check_national_paths(f, problems);
    check_age_shares(f, problems);
    let towns = check_towns(f, problems);
    check_distances(f, &towns, problems);
    let firms = check_firms(f, &towns, problems);
    check_named_workforce(f, problems);
    check_policies(f, &towns, problems);
    check_shocks(f, &firms, problems);
}

/// The names defined in one table (`[[town]]` or `[[firm]]`) with their positions, to check
/// the names that refer to them.
struct Defined<'a> {
    /// The table's name, as in `[[town]]`.
    table: &'static str,
    /// Each name and its position in the table.
    index: HashMap<&'a str, usize>,
}

impl Defined<'_> {
    /// An unknown name: say so, with the closest defined name as a hint.
    fn report_missing(&self, key: String, name: &str, problems: &mut Vec<Problem>) {
        let hint = closest(0.75, name, self.index.keys().copied())
            .map(|c| format!(" (did you mean `{c}`?)"))
            .unwrap_or_default();
        let table = self.table;
        problems.push(Problem::new(
            key,
            format!("{table} `{name}` is not defined in [[{table}]]{hint}"),
        ));
    }

    /// Report `name` under `key` unless it is defined.
    fn check(&self, key: String, name: &str, problems: &mut Vec<Problem>) {
        if !self.index.contains_key(name) {
            self.report_missing(key, name, problems);
        }
    }
}

/// `[run]`: name, years and scale.
fn check_run(f: &ScenarioFile, problems: &mut Vec<Problem>) {
    let run = &f.run;
    if run.name.trim().is_empty() || run.name.contains(['/', '\\']) || run.name.starts_with('.') {
        problems.push(Problem::new("run.name", "must be a non-empty name without `/`, `\\` or a leading `.` (it names the output folder)"));
    }
    if !(1800..=2300).contains(&run.start_year) {
        problems.push(Problem::range(
            "run.start_year",
            run.start_year as f64,
            1800.0,
            2300.0,
        ));
    }
    if run.end_year < run.start_year || run.end_year > run.start_year + 200 {
        problems.push(Problem::new(
            "run.end_year",
            format!(
                "value {} must be in [{}, {}] (not before run.start_year)",
                run.end_year,
                run.start_year,
                run.start_year + 200
            ),
        ));
    }
    if !(run.scale > 0.0 && run.scale <= 1.0) {
        problems.push(Problem::new(
            "run.scale",
            format!("value {} is outside the valid range (0, 1]", run.scale),
        ));
    } else {
        check_every_town_gets_agents(f, problems);
    }
}

/// The parameter blocks (`[demography]` ... `[towns]`), each against its table, and the
/// fertility schedule against the fertile ages.
fn check_parameter_blocks(f: &ScenarioFile, problems: &mut Vec<Problem>) {
    f.demography.validate(problems);
    f.labour.validate(problems);
    f.firms.validate(problems);
    f.migration.validate(problems);
    f.clusters.validate(problems);
    f.towns.validate(problems);
    f.seasonality.validate(problems);
    f.informal.validate(problems);
    if f.demography.fertility_mean_age - 2.0 * f.demography.fertility_sd_age > 49.0 {
        problems.push(Problem::new(
            "demography.fertility_mean_age",
            "fertility schedule lies outside ages 15-49",
        ));
    }
}

/// `[national]`: the unemployment and wage paths.
fn check_national_paths(f: &ScenarioFile, problems: &mut Vec<Problem>) {
    for (name, path) in [
        ("national.unemployment_rate", &f.national.unemployment_rate),
        ("national.wage_krub", &f.national.wage_krub),
    ] {
        validate_path(name, path, problems);
    }
}

/// `age_shares`: twenty bands of shares in [0, 1], not all zero.
fn check_age_shares(f: &ScenarioFile, problems: &mut Vec<Problem>) {
    if f.age_shares.len() != 20 {
        problems.push(Problem::new(
            "age_shares",
            format!(
                "needs 20 five-year bands (0-4 ... 95-99), found {}",
                f.age_shares.len()
            ),
        ));
    }
    for (i, s) in f.age_shares.iter().enumerate() {
        params::check_range(&format!("age_shares[{i}]"), *s, 0.0, 1.0, problems);
    }
    if f.age_shares.iter().sum::<f64>() <= 0.0 {
        problems.push(Problem::new("age_shares", "shares must not all be zero"));
    }
}

/// `[[town]]`: how many, then each town; returns the town names for later references.
fn check_towns<'a>(f: &'a ScenarioFile, problems: &mut Vec<Problem>) -> Defined<'a> {
    if f.town.is_empty() {
        problems.push(Problem::new(
            "town",
            "a scenario needs at least one [[town]]",
        ));
    }
    if f.town.len() > 1000 {
        problems.push(Problem::new("town", "at most 1000 towns"));
    }
    let mut names: HashMap<&str, usize> = HashMap::new();
    for (i, t) in f.town.iter().enumerate() {
        check_town_name(i, t, &mut names, problems);
        check_town_values(i, t, problems);
    }
    Defined {
        table: "town",
        index: names,
    }
}

/// `town[i].name`: not empty, not reserved, not defined twice; records it in `names`.
fn check_town_name<'a>(
    i: usize,
    t: &'a TownSpec,
    names: &mut HashMap<&'a str, usize>,
    problems: &mut Vec<Problem>,
) {
    let k = |field: &str| format!("town[{i}].{field}");
    if t.name.trim().is_empty() {
        problems.push(Problem::new(k("name"), "must not be empty"));
    }
    if t.name == REST_OF_COUNTRY {
        problems.push(Problem::new(
            k("name"),
            format!("`{REST_OF_COUNTRY}` is reserved"),
        ));
    }
    if names.insert(t.name.as_str(), i).is_some() {
        problems.push(Problem::new(
            k("name"),
            format!("town `{}` is defined twice", t.name),
        ));
    }
}

/// `town[i]`'s numbers: each in its range, in field order.
fn check_town_values(i: usize, t: &TownSpec, problems: &mut Vec<Problem>) {
    let k = |field: &str| format!("town[{i}].{field}");
    params::check_range(&k("population"), t.population, 0.0, 30_000_000.0, problems);
    params::check_range(&k("wage_krub"), t.wage_krub, 0.1, 1000.0, problems);
    params::check_range(
        &k("unemployment_rate"),
        t.unemployment_rate,
        0.0,
        0.9,
        problems,
    );
    params::check_range(&k("amenity"), t.amenity, 0.0, 10.0, problems);
    params::check_range(
        &k("housing_cost_krub"),
        t.housing_cost_krub,
        0.01,
        1000.0,
        problems,
    );
    check_town_shares(i, t, problems);
    params::check_range(&k("natural_growth"), t.natural_growth, -0.1, 0.1, problems);
    params::check_range(
        &k("external_net_migration"),
        t.external_net_migration,
        -0.1,
        0.1,
        problems,
    );
    params::check_range(
        &k("commuter_jobs"),
        t.commuter_jobs,
        0.0,
        10_000_000.0,
        problems,
    );
    params::check_range(&k("wage_growth"), t.wage_growth, -0.2, 0.2, problems);
    if t.kind == TownKind::Hub && (t.commuter_jobs > 0.0) && t.population <= 0.0 {
        problems.push(Problem::new(
            k("population"),
            "a hub offering commuter jobs needs residents",
        ));
    }
}

/// `town[i]`'s skill and sector shares: each in [0, 1], each set summing to 1.
fn check_town_shares(i: usize, t: &TownSpec, problems: &mut Vec<Problem>) {
    let k = |field: &str| format!("town[{i}].{field}");
    for (j, s) in t.skill_shares.iter().enumerate() {
        params::check_range(
            &format!("town[{i}].skill_shares[{j}]"),
            *s,
            0.0,
            1.0,
            problems,
        );
    }
    if (t.skill_shares.iter().sum::<f64>() - 1.0).abs() > 1e-6 {
        problems.push(Problem::new(
            k("skill_shares"),
            "the three shares (basic, vocational, higher) must sum to 1",
        ));
    }
    for (s, v) in &t.sector_shares {
        params::check_range(
            &format!("town[{i}].sector_shares.{}", s.name()),
            *v,
            0.0,
            1.0,
            problems,
        );
    }
    if t.kind == TownKind::Agent
        && !t.sector_shares.is_empty()
        && (t.sector_shares.values().sum::<f64>() - 1.0).abs() > 1e-6
    {
        problems.push(Problem::new(
            k("sector_shares"),
            format!(
                "shares must sum to 1, they sum to {:.4}",
                t.sector_shares.values().sum::<f64>()
            ),
        ));
    }
}

/// `[[distance]]`: known, distinct towns and distances in range.
fn check_distances(f: &ScenarioFile, towns: &Defined, problems: &mut Vec<Problem>) {
    for (i, d) in f.distance.iter().enumerate() {
        towns.check(format!("distance[{i}].from"), &d.from, problems);
        towns.check(format!("distance[{i}].to"), &d.to, problems);
        if d.from == d.to {
            problems.push(Problem::new(
                format!("distance[{i}]"),
                "from and to are the same town",
            ));
        }
        params::check_range(&format!("distance[{i}].km"), d.km, 0.1, 20_000.0, problems);
        if let Some(h) = d.hours {
            params::check_range(&format!("distance[{i}].hours"), h, 0.01, 200.0, problems);
        }
    }
}

/// `[[firm]]`: each named firm; returns the firm names for the shocks that name them.
fn check_firms<'a>(
    f: &'a ScenarioFile,
    towns: &Defined,
    problems: &mut Vec<Problem>,
) -> Defined<'a> {
    let mut firm_names: HashMap<&str, usize> = HashMap::new();
    for (i, fs) in f.firm.iter().enumerate() {
        let k = |field: &str| format!("firm[{i}].{field}");
        if firm_names.insert(fs.name.as_str(), i).is_some() {
            problems.push(Problem::new(
                k("name"),
                format!("firm `{}` is defined twice", fs.name),
            ));
        }
        match towns.index.get(fs.town.as_str()) {
            None => towns.report_missing(k("town"), &fs.town, problems),
            Some(&t) if f.town[t].kind == TownKind::Hub => problems.push(Problem::new(
                k("town"),
                format!(
                    "`{}` is a hub; named firms must sit in agent towns",
                    fs.town
                ),
            )),
            Some(_) => {}
        }
        check_firm_values(i, fs, problems);
    }
    Defined {
        table: "firm",
        index: firm_names,
    }
}

/// `firm[i]`'s numbers and kind.
fn check_firm_values(i: usize, fs: &FirmSpec, problems: &mut Vec<Problem>) {
    let k = |field: &str| format!("firm[{i}].{field}");
    params::check_range(&k("workforce"), fs.workforce, 1.0, 2_000_000.0, problems);
    for (field, v) in [
        ("export_share", fs.export_share),
        ("state_order_share", fs.state_order_share),
        ("local_share", fs.local_share),
        ("import_share", fs.import_share),
    ] {
        params::check_range(&k(field), v, 0.0, 1.0, problems);
    }
    if fs.export_share + fs.state_order_share + fs.local_share > 1.0 + 1e-9 {
        problems.push(Problem::new(
            k("export_share"),
            "export_share + state_order_share + local_share must be at most 1 (the rest is sold nationally)",
        ));
    }
    params::check_range(&k("wage_premium"), fs.wage_premium, 0.1, 10.0, problems);
    if fs.kind == FirmKind::Hub {
        problems.push(Problem::new(
            k("kind"),
            "`hub` firms are created by the model for hub towns; use giant, large, sme or spinoff",
        ));
    }
}

/// Named firms cannot employ more people than the town's labour force.
fn check_named_workforce(f: &ScenarioFile, problems: &mut Vec<Problem>) {
    for (ti, t) in f.town.iter().enumerate() {
        let named: f64 = f
            .firm
            .iter()
            .filter(|fs| fs.town == t.name)
            .map(|fs| fs.workforce)
            .sum();
        if t.kind == TownKind::Agent && named > 0.7 * t.population {
            problems.push(Problem::new(
                format!("town[{ti}].population"),
                format!(
                    "named firms employ {named:.0} but the town has only {:.0} residents",
                    t.population
                ),
            ));
        }
    }
}

/// `{key}.start` and `{key}.end`: valid dates, the end not before the start.
fn check_window(key: &str, start: &DateSpec, end: &Option<DateSpec>, problems: &mut Vec<Problem>) {
    let s = start.resolve(&format!("{key}.start"), false);
    let e = end.as_ref().map(|e| e.resolve(&format!("{key}.end"), true));
    match (s, e) {
        (Err(p), _) | (_, Some(Err(p))) => problems.push(p),
        (Ok(s), Some(Ok(e))) if e < s => {
            problems.push(Problem::new(format!("{key}.end"), "ends before it starts"))
        }
        _ => {}
    }
}

/// `[[policy]]`: window, towns and each numeric lever in its range.
fn check_policies(f: &ScenarioFile, towns: &Defined, problems: &mut Vec<Problem>) {
    for (i, p) in f.policy.iter().enumerate() {
        let key = format!("policy[{i}]");
        let (start, end, policy_towns) = p.window();
        check_window(&key, start, end, problems);
        for (j, t) in policy_towns.iter().enumerate() {
            towns.check(format!("{key}.towns[{j}]"), t, problems);
        }
        for (param, value) in p.numeric_values() {
            param.check(&key, value, problems);
        }
    }
}

/// `[[shock]]`: window and parameters. A shock may name a named firm; it resolves to that
/// firm's id before the run starts.
fn check_shocks(f: &ScenarioFile, firms: &Defined, problems: &mut Vec<Problem>) {
    for (i, s) in f.shock.iter().enumerate() {
        let key = format!("shock[{i}]");
        let (start, end) = s.window();
        check_window(&key, start, end, problems);
        type P = ShockParams;
        match s {
            ShockSpec::WorldPrice { multiplier, .. } => {
                P::WORLD_PRICE_MULTIPLIER.check(&key, *multiplier, problems)
            }
            ShockSpec::Sanctions {
                import_cost_multiplier,
                ..
            } => P::SANCTIONS_IMPORT_COST_MULTIPLIER.check(&key, *import_cost_multiplier, problems),
            ShockSpec::InputPrice { multiplier, .. } => {
                P::INPUT_PRICE_MULTIPLIER.check(&key, *multiplier, problems)
            }
            ShockSpec::PlantClosure { firm, share, .. } => {
                P::PLANT_CLOSURE_SHARE.check(&key, *share, problems);
                firms.check(format!("{key}.firm"), firm, problems);
            }
            ShockSpec::Crisis {
                demand,
                mortality,
                fertility,
                ..
            } => {
                P::CRISIS_DEMAND.check(&key, *demand, problems);
                P::CRISIS_MORTALITY.check(&key, *mortality, problems);
                P::CRISIS_FERTILITY.check(&key, *fertility, problems);
            }
            ShockSpec::StateOrders { multiplier, .. } => {
                P::STATE_ORDERS_MULTIPLIER.check(&key, *multiplier, problems)
            }
            ShockSpec::Restructure { firm, units, .. } => {
                firms.check(format!("{key}.firm"), firm, problems);
                check_restructure_units(&key, units, problems);
            }
        }
    }
}

/// A restructuring's units: 1 to 100 of them, shares in range and summing to at most 1.
fn check_restructure_units(key: &str, units: &[UnitSpec], problems: &mut Vec<Problem>) {
    type P = ShockParams;
    if units.is_empty() || units.len() > 100 {
        problems.push(Problem::new(
            format!("{key}.units"),
            "needs between 1 and 100 units",
        ));
    }
    for (j, u) in units.iter().enumerate() {
        P::RESTRUCTURE_UNIT_SHARE.check(&format!("{key}.units[{j}]"), u.share, problems);
    }
    if units.iter().map(|u| u.share).sum::<f64>() > 1.0 + 1e-9 {
        problems.push(Problem::new(
            format!("{key}.units"),
            "unit shares must sum to at most 1",
        ));
    }
}

/// The smallest scale at which a town of `population` real persons gets at least one agent
/// (the model creates `round(population x scale)` agents).
pub fn smallest_scale_for(population: f64) -> f64 {
    let mut scale = 0.5 / population;
    while (population * scale).round() < 1.0 {
        scale = scale.next_up();
    }
    scale
}

/// A scale so small that an agent town with residents gets no agent at all would be a
/// silent empty run: name the towns and the smallest valid scale.
fn check_every_town_gets_agents(f: &ScenarioFile, problems: &mut Vec<Problem>) {
    let scale = f.run.scale;
    let empty: Vec<&TownSpec> = f
        .town
        .iter()
        .filter(|t| t.kind == TownKind::Agent && t.population >= 1.0)
        .filter(|t| (t.population * scale).round() < 1.0)
        .collect();
    let Some(first) = empty.first() else {
        return;
    };
    let smallest = f
        .town
        .iter()
        .filter(|t| t.kind == TownKind::Agent && t.population >= 1.0)
        .map(|t| smallest_scale_for(t.population))
        .fold(0.0, f64::max);
    let others = if empty.len() > 1 {
        format!(
            " (nor would {})",
            empty[1..]
                .iter()
                .map(|t| format!("`{}`", t.name))
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        String::new()
    };
    problems.push(Problem::new(
        "run.scale",
        format!(
            "value {scale} leaves town `{}` (population {}) without any agent{others}; the smallest valid scale for this scenario is {smallest:e}",
            first.name, first.population
        ),
    ));
}

fn validate_path(name: &str, path: &Path2, problems: &mut Vec<Problem>) {
    if path.is_empty() {
        problems.push(Problem::new(name, "needs at least one [year, value] point"));
    }
    for (i, w) in path.windows(2).enumerate() {
        if w[1][0] <= w[0][0] {
            problems.push(Problem::new(
                format!("{name}[{}]", i + 1),
                "years must increase",
            ));
        }
    }
    for (i, p) in path.iter().enumerate() {
        params::check_range(&format!("{name}[{i}][1]"), p[1], 0.0, 1000.0, problems);
    }
}

/// The candidate most similar to `name` (Jaro–Winkler), if its similarity exceeds
/// `min_score`: the "did you mean" of every unknown-name error.
pub(crate) fn closest<'a>(
    min_score: f64,
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(s, _)| *s > min_score)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

impl PolicySpec {
    /// The policy's numeric fields with their parameter-table rows, for validation.
    fn numeric_values(&self) -> Vec<(SpecParam, f64)> {
        use PolicySpec::*;
        type P = PolicyParams;
        match self {
            WageSubsidy { share, .. } => vec![(P::WAGE_SUBSIDY_SHARE, *share)],
            Grant {
                krub_per_worker, ..
            } => vec![(P::GRANT_KRUB_PER_WORKER, *krub_per_worker)],
            SoftLoan { rate_cut, .. } => vec![(P::SOFT_LOAN_RATE_CUT, *rate_cut)],
            TaxBreak {
                share,
                max_age_years,
                ..
            } => vec![
                (P::TAX_BREAK_SHARE, *share),
                (P::TAX_BREAK_MAX_AGE_YEARS, *max_age_years),
            ],
            SpecialZone {
                startup_multiplier,
                tax_break_share,
                max_age_years,
                ..
            } => vec![
                (P::SPECIAL_ZONE_STARTUP_MULTIPLIER, *startup_multiplier),
                (P::SPECIAL_ZONE_TAX_BREAK_SHARE, *tax_break_share),
                (P::SPECIAL_ZONE_MAX_AGE_YEARS, *max_age_years),
            ],
            PppRiskSharing { loss_share, .. } => {
                vec![(P::PPP_RISK_SHARING_LOSS_SHARE, *loss_share)]
            }
            Incubator {
                startup_multiplier, ..
            } => vec![(P::INCUBATOR_STARTUP_MULTIPLIER, *startup_multiplier)],
            IndustrialPark {
                link_multiplier, ..
            } => vec![(P::INDUSTRIAL_PARK_LINK_MULTIPLIER, *link_multiplier)],
            Training {
                upgrade_per_year, ..
            } => vec![(P::TRAINING_UPGRADE_PER_YEAR, *upgrade_per_year)],
            YouthRetention { hazard_cut, .. } => vec![(P::YOUTH_RETENTION_HAZARD_CUT, *hazard_cut)],
            Infrastructure {
                travel_time_multiplier,
                ..
            } => vec![(
                P::INFRASTRUCTURE_TRAVEL_TIME_MULTIPLIER,
                *travel_time_multiplier,
            )],
            Relocation {
                firms_per_year,
                size,
                ..
            } => vec![
                (P::RELOCATION_FIRMS_PER_YEAR, *firms_per_year),
                (P::RELOCATION_SIZE, *size),
            ],
            ClusterSeed {
                link_multiplier, ..
            } => vec![(P::CLUSTER_SEED_LINK_MULTIPLIER, *link_multiplier)],
        }
    }
}
