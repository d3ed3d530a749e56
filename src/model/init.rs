//! Initialisation: towns, named and generated firms, people and their jobs.
//!
//! People are drawn town by town from the scenario's age structure and skill shares;
//! the named firms (giants) take their workforce, and the remaining jobs of each town are
//! spread over generated firms whose sizes follow a truncated Pareto (Zipf) law, by the
//! town's sector shares. Workers are assigned to job slots in a shuffled order. Firms
//! start in balance: productivity is set so that revenue covers costs with the initial
//! margin, and base demand equals output.

use std::collections::HashMap;

use super::Model;
use crate::firms::{Firm, FirmKind, Owner, Sector};
use crate::ids::{FirmId, PersonId, TownId};
use crate::people::{NewPerson, People, Skill};
use crate::rng::{Process, Stream};
use crate::scenario::{Firms, Scenario, TownKind};

/// Relative wage of generated firms by sector (Rosstat wage by industry, 2005-2010, rounded).
pub fn sector_wage(s: Sector) -> f64 {
    match s {
        Sector::Metallurgy => 1.15,
        Sector::MachineryDefence => 1.0,
        Sector::Mining => 1.3,
        Sector::Chemicals => 1.0,
        Sector::PharmaBiotech => 1.05,
        Sector::CompositesMaterials => 1.0,
        Sector::It => 1.3,
        Sector::Tourism => 0.8,
        Sector::LocalServices => 0.75,
        Sector::PublicSector => 0.85,
    }
}

/// Productivity that makes a firm break even at the initial margin.
pub fn balanced_productivity(base_wage: f64, p: &Firms, import_share: f64) -> f64 {
    let _ = import_share;
    let denom = 1.0
        - p.domestic_input_share
        - p.initial_margin
        - p.capital_months_of_output * p.capital_cost / 12.0;
    base_wage * (1.0 + p.payroll_tax) / denom.max(0.05)
}

fn firm_from_parts(
    name: String,
    town: usize,
    sector: Sector,
    kind: FirmKind,
    owner: Owner,
    workforce_agents: f64,
    base_wage: f64,
    markets: (f64, f64, f64),
    import_share: f64,
    social_role: bool,
    weight: f64,
    month: i32,
    p: &Firms,
) -> Firm {
    let productivity = balanced_productivity(base_wage, p, import_share);
    Firm {
        name,
        town: TownId(town as u16),
        sector,
        kind,
        owner,
        holding: None,
        weight,
        alive: true,
        born_month: month,
        workforce: 0,
        target: workforce_agents,
        vacancies: 0,
        hires: 0,
        layoff_probability: 0.0,
        base_wage,
        productivity,
        base_demand: productivity * workforce_agents,
        demand_shock: 0.0,
        export_share: markets.0,
        state_order_share: markets.1,
        local_share: markets.2,
        import_share,
        social_role,
        capital: p.capital_months_of_output * productivity * workforce_agents,
        cash: 3.0 * workforce_agents * base_wage * (1.0 + p.payroll_tax),
        output: 0.0,
        profit: 0.0,
        profit_year: 0.0,
        modernisation: 0,
        cluster: None,
        capacity: 1.0,
        last_month: Default::default(),
    }
}

/// Build firms and people.
pub fn populate(model: &mut Model, s: &Scenario) {
    let f = &s.file;
    let scale = model.scale;
    let seed = model.seed;
    let start = model.month;
    let mut holdings: HashMap<String, u16> = HashMap::new();

    // Named firms.
    for fs in &f.firm {
        let town = s.town_index[&fs.town];
        let mut firm = firm_from_parts(
            fs.name.clone(),
            town,
            fs.sector,
            fs.kind,
            fs.owner,
            (fs.workforce * scale).round().max(1.0),
            f.town[town].wage_krub * fs.wage_premium,
            (fs.export_share, fs.state_order_share, fs.local_share),
            fs.import_share,
            fs.social_role,
            1.0,
            start,
            &f.firms,
        );
        if let Some(h) = &fs.holding {
            let n = holdings.len() as u16;
            firm.holding = Some(*holdings.entry(h.clone()).or_insert(n));
        }
        model.firms.push(firm);
    }
    let mut holding_names = vec![String::new(); holdings.len()];
    for (name, i) in holdings {
        holding_names[i as usize] = name;
    }
    model.holdings = holding_names;

    // Hub job pools for commuters.
    for (t, ts) in f.town.iter().enumerate() {
        if ts.kind == TownKind::Hub && ts.commuter_jobs > 0.0 {
            let mut firm = firm_from_parts(
                format!("{} (jobs for commuters)", ts.name),
                t,
                Sector::LocalServices,
                FirmKind::Hub,
                Owner::Local,
                ts.commuter_jobs * scale,
                ts.wage_krub,
                (0.0, 0.0, 0.0),
                0.0,
                false,
                1.0,
                start,
                &f.firms,
            );
            firm.target = ts.commuter_jobs * scale;
            model.firms.push(firm);
        }
    }

    // People, town by town.
    let age_total: f64 = f.age_shares.iter().sum();
    let age_cdf: Vec<f64> = f
        .age_shares
        .iter()
        .scan(0.0, |c, x| {
            *c += x / age_total;
            Some(*c)
        })
        .collect();
    let d = &f.demography;
    let school = (d.school_leaving_age * 12.0) as i32;
    let entry = (f.labour.entry_age * 12.0) as i32;
    let study = (d.higher_study_years * 12.0) as i32;
    let pension = [
        (d.pension_age_male * 12.0) as i32,
        (d.pension_age_female * 12.0) as i32,
    ];
    let skill_wage = [
        f.labour.wage_basic,
        f.labour.wage_vocational,
        f.labour.wage_higher,
    ];

    for (t, ts) in f.town.iter().enumerate() {
        if ts.kind == TownKind::Hub {
            continue;
        }
        let n = (ts.population * scale).round() as usize;
        let mut rng = Stream::new(seed, Process::Initialise, t as u64, 0);
        let first = model.people.len();
        model.people.reserve(n);
        let mut in_lf = Vec::new();
        for _ in 0..n {
            let u = rng.uniform();
            let band = age_cdf.partition_point(|&c| c <= u).min(age_cdf.len() - 1);
            let age_months = (band as f64 * 60.0 + rng.uniform() * 60.0) as i32;
            // Women outnumber men at older ages (Russia's mortality gap).
            let p_female = if age_months < 30 * 12 {
                0.49
            } else if age_months < 60 * 12 {
                0.53
            } else {
                0.66
            };
            let female = rng.uniform() < p_female;
            let schooled = age_months >= school;
            let v = rng.uniform();
            let skill = if v < ts.skill_shares[0] {
                Skill::Basic
            } else if v < ts.skill_shares[0] + ts.skill_shares[1] {
                Skill::Vocational
            } else {
                Skill::Higher
            };
            let student = skill == Skill::Higher && age_months < school + study;
            let lf = schooled
                && age_months >= entry
                && !student
                && age_months < pension[female as usize];
            let id = PersonId(model.next_serial);
            model.next_serial += 1;
            if lf {
                in_lf.push(model.people.len());
            }
            model.people.push(
                id,
                NewPerson {
                    birth_month: start - age_months,
                    town: TownId(t as u16),
                    female,
                    skill: if schooled { skill } else { Skill::Basic },
                    schooled,
                    employer: None,
                    wage: (ts.wage_krub * skill_wage[skill as usize]) as f32,
                    savings: (ts.wage_krub * (1.0 + 6.0 * rng.uniform())) as f32,
                },
            );
        }
        let _ = first;

        // Jobs: employed = labour force x (1 - unemployment).
        let employed = ((in_lf.len() as f64) * (1.0 - ts.unemployment_rate)).round() as usize;
        let named: Vec<usize> = (0..model.firms.len())
            .filter(|&i| model.firms[i].town.index() == t && model.firms[i].kind != FirmKind::Hub)
            .collect();
        let named_jobs: f64 = named.iter().map(|&i| model.firms[i].target).sum();
        let remaining = (employed as f64 - named_jobs).max(0.0);
        let shares: Vec<(Sector, f64)> = if ts.sector_shares.is_empty() {
            vec![(Sector::LocalServices, 0.6), (Sector::PublicSector, 0.4)]
        } else {
            let mut v: Vec<(Sector, f64)> =
                ts.sector_shares.iter().map(|(k, v)| (*k, *v)).collect();
            v.sort_by_key(|(k, _)| k.index());
            v
        };
        let p = &f.firms;
        let mut size_rng = Stream::new(seed, Process::Initialise, 1_000_000 + t as u64, 0);
        for (sector, share) in shares {
            let mut jobs = (remaining * share).round();
            while jobs >= 1.0 {
                let u = size_rng.uniform().max(1e-12);
                let size = (p.min_firm_size * u.powf(-1.0 / p.size_exponent))
                    .min(p.max_generated_firm_size)
                    .round()
                    .min(jobs)
                    .max(1.0);
                jobs -= size;
                let idx = model.firms.len();
                let wage = ts.wage_krub * sector_wage(sector);
                let kind = if size >= 250.0 {
                    FirmKind::Large
                } else {
                    FirmKind::Sme
                };
                let mut firm = firm_from_parts(
                    format!("{} {} #{}", ts.name, sector.name(), idx + 1),
                    t,
                    sector,
                    kind,
                    Owner::Local,
                    size,
                    wage,
                    sector.default_markets(),
                    sector.default_import_share(),
                    false,
                    1.0 / scale,
                    start,
                    &f.firms,
                );
                // Start ages spread over the past, so young-firm policies do not hit everyone.
                firm.born_month = start - (size_rng.uniform() * 240.0) as i32;
                model.firms.push(firm);
            }
        }

        // Job slots of this town's firms, shuffled, filled by the labour force.
        let mut slots: Vec<u32> = Vec::with_capacity(employed);
        for (i, firm) in model.firms.iter().enumerate() {
            if firm.town.index() == t && firm.kind != FirmKind::Hub {
                for _ in 0..(firm.target.round() as usize) {
                    slots.push(i as u32);
                }
            }
        }
        let mut shuffle = Stream::new(seed, Process::Initialise, 2_000_000 + t as u64, 0);
        for i in (1..in_lf.len()).rev() {
            let j = shuffle.below(i as u64 + 1) as usize;
            in_lf.swap(i, j);
        }
        for (slot, &person) in slots.iter().zip(in_lf.iter()) {
            let firm = &model.firms[*slot as usize];
            let skill =
                Skill::from_code(model.people.flags[person] >> crate::people::flag::SKILL_SHIFT);
            model.people.employer[person] = Some(FirmId::from_index(*slot as usize));
            model.people.wage[person] = (firm.base_wage * skill_wage[skill as usize]) as f32;
        }
    }
    for firm in model.firms.iter_mut() {
        firm.workforce = 0;
    }
    for e in model.people.employer.iter().flatten() {
        model.firms[e.index()].workforce += 1;
    }
    for firm in model.firms.iter_mut() {
        if firm.kind != FirmKind::Hub {
            // Firms start in balance with the workforce they actually got.
            let w = firm.workforce as f64;
            firm.target = w;
            firm.base_demand = firm.productivity * w;
            firm.capital = f.firms.capital_months_of_output * firm.productivity * w;
            firm.cash = 3.0 * w * firm.base_wage * (1.0 + f.firms.payroll_tax);
        }
    }
    debug_assert_eq!(model.people.len(), model.people.serial.len());
    let _ = People::default;
}
