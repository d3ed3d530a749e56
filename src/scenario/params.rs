//! Model parameters: each defined once, with its meaning, unit, default, valid range
//! and source side by side (the ripgrep `defs.rs` idea).
//!
//! The `param_block!` macro turns one definition list into: the serde struct read from the
//! scenario file (unknown keys rejected), its `Default`, range validation that names the
//! key path, and the rows of the parameter table printed by `monotown params` and copied
//! into `docs/ODD.md`. A sweep can vary any of these by its key path.

use super::error::Problem;

/// One row of the parameter table.
#[derive(Debug, Clone, Copy)]
pub struct ParamDoc {
    /// Key path in the scenario file, e.g. `migration.base_hazard`.
    pub key: &'static str,
    /// Unit of the value.
    pub unit: &'static str,
    /// Default value, as written in the source.
    pub default: &'static str,
    /// Lowest valid value.
    pub min: f64,
    /// Highest valid value.
    pub max: f64,
    /// Meaning.
    pub doc: &'static str,
    /// Where the default comes from.
    pub source: &'static str,
}

pub(crate) fn check_range(key: &str, value: f64, min: f64, max: f64, problems: &mut Vec<Problem>) {
    if !value.is_finite() || value < min || value > max {
        problems.push(Problem::range(key, value, min, max));
    }
}

macro_rules! param_block {
    (
        $(#[doc = $sdoc:literal])*
        $name:ident, $section:literal {
            $(
                $(#[doc = $doc:literal])*
                $field:ident : $ty:ty = $default:expr, [$min:expr, $max:expr], $unit:literal, $source:literal;
            )*
        }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
        #[serde(deny_unknown_fields, default)]
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        impl Default for $name {
            fn default() -> Self {
                Self { $( $field: $default, )* }
            }
        }

        impl $name {
            /// The table rows of this block.
            pub const TABLE: &'static [ParamDoc] = &[
                $( ParamDoc {
                    key: concat!($section, ".", stringify!($field)),
                    unit: $unit,
                    default: stringify!($default),
                    min: $min as f64,
                    max: $max as f64,
                    doc: concat!($($doc, " "),*),
                    source: $source,
                }, )*
            ];

            pub(crate) fn validate(&self, problems: &mut Vec<Problem>) {
                $( check_range(concat!($section, ".", stringify!($field)), self.$field as f64, $min as f64, $max as f64, problems); )*
            }
        }
    };
}

param_block! {
    /// Births, deaths, ageing, schooling and retirement.
    Demography, "demography" {
        /// Age-independent (Makeham) part of the annual death rate.
        makeham: f64 = 0.0006, [0.0, 0.05], "1/year", "Gompertz-Makeham fit to Russian life tables 1989 (HMD), rounded";
        /// Gompertz level: annual death rate at age 0 excluding infancy, women.
        gompertz_a: f64 = 0.00004, [0.0, 0.01], "1/year", "as above";
        /// Gompertz slope: growth of the death rate per year of age.
        gompertz_b: f64 = 0.095, [0.0, 0.2], "1/year of age", "as above";
        /// Ratio of male to female death rates at adult ages (Russia's gap is large).
        male_mortality_ratio: f64 = 2.2, [0.5, 5.0], "ratio", "HMD Russia 1989-2010: male/female mx ratio 2-3 at ages 30-60";
        /// Infant mortality (deaths in the first year per live birth).
        infant_mortality: f64 = 0.018, [0.0, 0.2], "1/birth", "Rosstat: 17.8 per 1,000 in 1989";
        /// Total fertility rate at the start (scaled over time by crisis shocks).
        tfr: f64 = 1.95, [0.0, 8.0], "children/woman", "Rosstat: RSFSR TFR 2.01 in 1989";
        /// Mean age of the fertility schedule.
        fertility_mean_age: f64 = 26.0, [15.0, 45.0], "years", "Rosstat: mean age at birth 25-28 in 1989-2010";
        /// Standard deviation of the (Gaussian) fertility schedule.
        fertility_sd_age: f64 = 5.5, [1.0, 15.0], "years", "shape fit to Russian ASFR";
        /// First year of the secular decline of mortality.
        mortality_decline_start: f64 = 2004.0, [1800.0, 2300.0], "year", "Rosstat: life expectancy rose from 65 (2003) to 73 (2019)";
        /// Yearly decline of all death rates from that year on.
        mortality_decline: f64 = 0.02, [0.0, 0.2], "1/year", "as above: age-standardised mortality fell ~2% a year 2004-2019";
        /// Largest cumulative decline of death rates.
        mortality_decline_max: f64 = 0.4, [0.0, 0.9], "share", "assumption";
        /// Share of boys among births.
        male_birth_share: f64 = 0.512, [0.4, 0.6], "share", "Rosstat, standard sex ratio at birth 1.05";
        /// Oldest possible age; everyone dies at this age.
        max_age: f64 = 100.0, [60.0, 120.0], "years", "truncation of the life table";
        /// Pension age of men before the 2019 reform.
        pension_age_male: f64 = 60.0, [40.0, 80.0], "years", "Soviet and Russian law until 2018";
        /// Pension age of women before the 2019 reform.
        pension_age_female: f64 = 55.0, [40.0, 80.0], "years", "Soviet and Russian law until 2018";
        /// Year the pension reform starts raising pension ages (by half a year per year, as phased in by law).
        pension_reform_year: f64 = 2019.0, [1900.0, 2200.0], "year", "Federal law 350-FZ of 2018";
        /// Total increase of pension ages under the reform.
        pension_reform_years_added: f64 = 5.0, [0.0, 15.0], "years", "350-FZ: 60->65 men, 55->60 women";
        /// Age at which the education choice is made and young people leave school.
        school_leaving_age: f64 = 17.0, [14.0, 20.0], "years", "Russian general schooling ends at 17";
        /// Years spent studying by those choosing higher education (out of the labour force).
        higher_study_years: f64 = 5.0, [0.0, 8.0], "years", "specialist degree length";
        /// Share of a school-leaving cohort choosing vocational training.
        vocational_share: f64 = 0.45, [0.0, 1.0], "share", "Rosstat education statistics, 1989 cohort shares, rounded";
        /// Share of a school-leaving cohort choosing higher education at the start year.
        higher_share_start: f64 = 0.22, [0.0, 1.0], "share", "Rosstat: ~20% of 1989 cohorts enrolled in higher education";
        /// Yearly increase of the higher-education share (the 1995-2010 expansion).
        higher_share_trend: f64 = 0.012, [-0.1, 0.1], "share/year", "HE enrolment rose from ~20% to ~55% of cohorts 1990-2010";
        /// Ceiling of the higher-education share.
        higher_share_max: f64 = 0.55, [0.0, 1.0], "share", "as above";
        /// Male excess mortality of children (under `male_excess_adult_from_age`), as a share of the adult excess (`male_mortality_ratio - 1`).
        male_excess_child_share: f64 = 0.25, [0.0, 2.0], "share", "assumption (was a literal in code): shape of HMD Russia male/female ratios";
        /// Age from which the full adult male excess applies.
        male_excess_adult_from_age: f64 = 15.0, [0.0, 120.0], "years", "assumption (was a literal in code): as above";
        /// Age from which the male excess fades.
        male_excess_fade_from_age: f64 = 65.0, [0.0, 120.0], "years", "assumption (was a literal in code): as above";
        /// Years over which the male excess fades to its oldest-age level.
        male_excess_fade_years: f64 = 30.0, [1.0, 120.0], "years", "assumption (was a literal in code): as above";
        /// Share of the adult male excess that takes part in the fade at old ages.
        male_excess_old_share: f64 = 0.8, [0.0, 2.0], "share", "assumption (was a literal in code): as above";
        /// Male excess (ratio minus 1) added at old ages, left at the oldest ages.
        male_excess_oldest: f64 = 0.1, [0.0, 5.0], "ratio", "assumption (was a literal in code): as above";
        /// Youngest age (whole years) of the fertility schedule.
        fertility_min_age: f64 = 15.0, [10.0, 60.0], "whole years", "standard age range of fertility rates (Rosstat ASFR 15-49)";
        /// Oldest age (whole years) of the fertility schedule.
        fertility_max_age: f64 = 49.0, [10.0, 60.0], "whole years", "as above";
        /// Age of majority: adults pay for their own moves and count in the skill totals.
        adult_age: f64 = 18.0, [14.0, 25.0], "years", "Civil Code of Russia: majority at 18 (was a literal in code)";
        /// Share of women among the initial residents younger than `initial_female_share_young_until_age`.
        initial_female_share_young: f64 = 0.49, [0.0, 1.0], "share", "assumption (was a literal in code): RSFSR 1989 census sex ratio by age, rounded";
        /// Share of women among the initial residents between the two ages.
        initial_female_share_middle: f64 = 0.53, [0.0, 1.0], "share", "assumption (was a literal in code): as above";
        /// Share of women among the initial residents from `initial_female_share_old_from_age` on (Russia's mortality gap).
        initial_female_share_old: f64 = 0.66, [0.0, 1.0], "share", "assumption (was a literal in code): as above";
        /// Age below which the initial residents get the young share of women.
        initial_female_share_young_until_age: f64 = 30.0, [0.0, 120.0], "years", "assumption (was a literal in code)";
        /// Age from which the initial residents get the old share of women.
        initial_female_share_old_from_age: f64 = 60.0, [0.0, 120.0], "years", "assumption (was a literal in code)";
    }
}

param_block! {
    /// Job search, matching, separations, wages of people, commuting.
    Labour, "labour" {
        /// Age of entry into the labour force for those not studying.
        entry_age: f64 = 18.0, [14.0, 25.0], "years", "Russian labour law; end of school";
        /// Monthly probability that an employed person quits or is separated for personal reasons.
        quit_rate: f64 = 0.010, [0.0, 0.5], "1/month", "Rosstat labour turnover: separations ~2%/month incl. layoffs";
        /// Elasticity (absolute value) of the quit rate with respect to the firm's paid wage relative to the workforce-weighted mean paid wage of the firms in its town: a worker quits with probability `quit_rate x (w_firm / w_town)^(-e)`. 0 = quits ignore pay.
        quit_wage_elasticity: f64 = 1.0, [0.0, 5.0], "elasticity", "monopsony: the firm's labour supply slopes up because separations fall with its relative wage (Manning 2003, Monopsony in Motion, ch. 4); quasi-experimental quit elasticities are 2-3 in all (Dube, Giuliano & Leonard 2019, AER 109), of which the job-to-job part comes from on-the-job search here; elasticities of separations to non-employment are estimated below those to other jobs (Manning 2003 ch. 4; Hirsch, Schank & Schnabel 2010, J. Labor Econ. 28); 1 is an assumption; free, prior [0.5, 2]";
        /// Matching-function efficiency A in M = A U^a V^(1-a) (monthly).
        matching_efficiency: f64 = 0.45, [0.0, 5.0], "1/month", "Petrongolo & Pissarides 2001 range; tuned to Russian job-finding rates";
        /// Matching-function elasticity a with respect to searchers.
        matching_elasticity: f64 = 0.5, [0.05, 0.95], "elasticity", "Petrongolo & Pissarides 2001";
        /// Monthly share of employed people who search on the job (their offer rate relative to the unemployed's).
        on_the_job_search: f64 = 0.10, [0.0, 1.0], "1/month", "free; prior [0.05, 0.3]: on-the-job search (Burdett & Mortensen 1998) with the employed's offer arrival rate well below the unemployed's, as in structural estimates (van den Berg & Ridder 1998); gives hires of ~2%/month against Rosstat's 25-33%/year";
        /// Wage gain needed to switch employer.
        switch_premium: f64 = 0.0, [0.0, 2.0], "share", "Burdett & Mortensen 1998: an employed searcher takes any offer that pays more (net of commuting)";
        /// Reservation wage as a share of the last wage, at the start of unemployment.
        reservation_ratio: f64 = 0.85, [0.0, 2.0], "share", "assumption (search theory)";
        /// Monthly decay factor of the reservation wage while unemployed.
        reservation_decay: f64 = 0.95, [0.5, 1.0], "factor/month", "assumption";
        /// Unemployment benefit and informal income floor.
        benefit_krub: f64 = 4.0, [0.0, 100.0], "thousand RUB/month, 2010 prices", "Russian minimum benefit order of magnitude, 2010 prices";
        /// Wage multiplier of a basic-skill worker relative to the firm's base wage.
        wage_basic: f64 = 0.8, [0.1, 5.0], "ratio", "Rosstat wage by education, 2005-2010";
        /// Wage multiplier of a worker with vocational training.
        wage_vocational: f64 = 1.0, [0.1, 5.0], "ratio", "reference";
        /// Wage multiplier of a worker with higher education.
        wage_higher: f64 = 1.35, [0.1, 5.0], "ratio", "Rosstat wage by education, 2005-2010";
        /// Share of the wage saved each month.
        saving_rate: f64 = 0.06, [0.0, 1.0], "share", "Rosstat household savings ratio ~5-10%";
        /// Savings spent per month while unemployed.
        unemployed_dissaving_krub: f64 = 2.0, [0.0, 100.0], "thousand RUB/month", "assumption";
        /// Longest one-way travel time that still allows daily commuting.
        commute_max_hours: f64 = 1.6, [0.0, 5.0], "hours", "brief: about 1.5 h; Nizhny Tagil-Yekaterinburg fast train 1.5 h";
        /// Average door-to-door travel speed between towns.
        travel_speed_kmh: f64 = 70.0, [5.0, 300.0], "km/h", "assumption: road and suburban rail";
        /// How fast job search decays with travel time: search effort in a town is proportional to its vacancies times exp(-decay x hours). Information friction only: money and time costs enter the net wage.
        commute_search_decay: f64 = 1.5, [0.0, 50.0], "1/hour", "free; prior [0.5, 2.5]: below the ~2.4/h of realised commute times (US 2009 mean one-way commute 25 min, exponential), which also contain the costs counted in the net wage";
        /// Share of job search that runs through personal contacts, which stay in the home town (the rest spreads over the towns within reach).
        contact_search_share: f64 = 0.5, [0.0, 1.0], "share of search", "Yakubovich 2005 (American Sociological Review 70): about half of hires in a Russian city (Ulyanovsk, 1998) came through personal contacts; Granovetter 1974";
        /// Round trips a month of a daily commuter (working days).
        commute_trips_per_month: f64 = 20.7, [0.0, 31.0], "round trips/month", "Russian production calendar 2010: 249 working days a year (40-hour week, Labour Code art. 91)";
        /// Boarding fare of a one-way commuting trip (suburban rail first zone).
        commute_fare_fixed_rub: f64 = 20.0, [0.0, 1000.0], "RUB/trip, 2010 prices", "Sverdlovsk suburban rail: first zone 20 RUB from April 2009 (Sverdlovsk railway, EAN news 13.04.2009)";
        /// Fare per km of a one-way commuting trip.
        commute_fare_rub_per_km: f64 = 1.0, [0.0, 20.0], "RUB/km, 2010 prices", "regional bus tariff orders 1.06-1.21 RUB/km (Mordovia 2007, Magadan 2008, Belgorod 2010); suburban rail is somewhat cheaper";
        /// Value of an hour of commuting as a share of the hourly wage.
        commute_time_value: f64 = 0.4, [0.0, 3.0], "share of hourly wage", "Small 1992 (Urban Transportation Economics): commuters value in-vehicle time at 1/3-1/2 of the wage; US DOT 1997 guidance 50%";
        /// Paid working hours a month (converts the monthly wage into an hourly wage for the value of travel time).
        work_hours_per_month: f64 = 165.6, [1.0, 744.0], "hours/month", "Russian production calendar 2010: 1987 hours a year at 40 hours a week";
        /// Age up to which people not in work count in the labour force of the first month's aggregates (before the first pass decides it person by person).
        initial_labour_force_max_age: f64 = 55.0, [14.0, 100.0], "years", "assumption (was a literal in code): women's pension age before 2019";
        /// Savings of an initial resident: at least this many months of the town's wage...
        initial_savings_min_months: f64 = 1.0, [0.0, 120.0], "months of wage", "assumption (was a literal in code)";
        /// ...plus a uniform draw of up to this many more months.
        initial_savings_spread_months: f64 = 6.0, [0.0, 120.0], "months of wage", "assumption (was a literal in code)";
    }
}

param_block! {
    /// Production, pricing, wage setting, investment, entry and exit of firms.
    Firms, "firms" {
        /// Share of the gap between target and actual workforce posted as vacancies each month.
        hiring_speed: f64 = 1.0, [0.0, 1.0], "share/month", "Pissarides 2000: a firm advertises every position it wants to fill, and the matching function is the only hiring friction (was 0.25, an assumption that left three quarters of wanted jobs unadvertised and unemployment at 13-15% in 2010; ODD 7.12a)";
        /// Share of the excess workforce laid off each month (non-giant firms).
        firing_speed: f64 = 0.06, [0.0, 1.0], "share/month", "assumption";
        /// Monthly wage rise when vacancies stay unfilled and the firm is profitable.
        wage_up: f64 = 0.0015, [0.0, 0.2], "share/month", "assumption: ~2% a year of real wage drift in tight markets";
        /// Monthly wage cut while the firm makes losses (wage arrears and cuts of the 1990s).
        wage_down: f64 = 0.02, [0.0, 0.2], "share/month", "assumption matching the 1992-98 real wage fall of ~45%";
        /// Lowest base wage a firm pays.
        wage_floor_krub: f64 = 4.0, [0.0, 100.0], "thousand RUB/month, 2010 prices", "minimum wage order of magnitude";
        /// Trend growth of labour productivity from technology.
        productivity_growth: f64 = 0.015, [-0.1, 0.2], "1/year", "Russian labour productivity growth 2000-2019 ~2%/yr";
        /// Productivity growth of services (local services, public sector, tourism) as a share of the trend.
        services_productivity_share: f64 = 0.3, [0.0, 2.0], "share", "Baumol 1967: services productivity grows slower";
        /// Elasticity of firms' wages to the national wage norm (`national.wage_krub`): indexation of wages.
        wage_passthrough: f64 = 1.0, [0.0, 2.0], "elasticity", "assumption: firms follow the national real wage path (Rosstat), deviating through tightness and losses";
        /// Employer payroll contributions on wages.
        payroll_tax: f64 = 0.30, [0.0, 1.0], "share of wages", "Russian insurance contributions 30%";
        /// Profit tax rate (municipal share below).
        profit_tax: f64 = 0.20, [0.0, 1.0], "share", "Russian profit tax 20%";
        /// Personal income tax rate on wages.
        income_tax: f64 = 0.13, [0.0, 1.0], "share", "Russian NDFL 13%";
        /// Share of the income tax that goes to the municipal budget.
        municipal_income_tax_share: f64 = 0.30, [0.0, 1.0], "share", "Budget Code: 15-30% of NDFL to municipalities";
        /// Share of the profit tax that goes to the municipal budget.
        municipal_profit_tax_share: f64 = 0.05, [0.0, 1.0], "share", "assumption: small, mostly regional";
        /// Domestic intermediate inputs as a share of revenue.
        domestic_input_share: f64 = 0.35, [0.0, 1.0], "share", "input-output tables, order of magnitude";
        /// Profit margin of firms at the start (sets productivity so that the start is in balance).
        initial_margin: f64 = 0.06, [-0.5, 0.5], "share of revenue", "assumption";
        /// Capital stock per worker at the start, in months of the worker's output.
        capital_months_of_output: f64 = 24.0, [0.0, 240.0], "months", "assumption: capital-output ratio ~2";
        /// Yearly cost of capital (interest and depreciation).
        capital_cost: f64 = 0.10, [0.0, 1.0], "1/year", "assumption";
        /// Cost of modernisation stage 1 (organisational) in months of the wage bill.
        modernise_cost_1: f64 = 1.0, [0.0, 120.0], "months of wage bill", "seed 000: cheap organisational steps first";
        /// Cost of stage 2 (digital tools).
        modernise_cost_2: f64 = 4.0, [0.0, 120.0], "months of wage bill", "seed 000: modernisation ladder";
        /// Cost of stage 3 (capital re-equipment).
        modernise_cost_3: f64 = 12.0, [0.0, 240.0], "months of wage bill", "seed 000: capital-intensive re-equipment last";
        /// Productivity gain of stage 1.
        modernise_gain_1: f64 = 0.05, [0.0, 2.0], "share", "seed 000: 30% shorter cycle at half the budget (a large case), here scaled down";
        /// Productivity gain of stage 2.
        modernise_gain_2: f64 = 0.10, [0.0, 2.0], "share", "assumption";
        /// Productivity gain of stage 3.
        modernise_gain_3: f64 = 0.20, [0.0, 2.0], "share", "assumption";
        /// Monthly probability that an eligible firm (profitable, with the cash) climbs one stage.
        modernise_probability: f64 = 0.01, [0.0, 1.0], "1/month", "assumption";
        /// Months of accumulated losses (in wage-bill months) after which an ordinary firm exits.
        exit_loss_months: f64 = 12.0, [0.0, 240.0], "months of wage bill", "assumption";
        /// Share of its free cash (cash above `dividend_buffer_months` of wage bill plus the cost of its next modernisation stage) that a firm pays out to its owners each month, outside the modelled towns. 0 = off: every profit stays in the firm's cash for good.
        dividend_payout_share: f64 = 0.0, [0.0, 1.0], "share/month", "free cash flow is paid out (Jensen 1986), earnings are retained for investment first (pecking order, Myers & Majluf 1984); without it an established firm's retained profits of decades finance years of losses; off (0) by default until the defaults are re-estimated with it (README, Plausibility checks); free, prior [0.02, 0.2]";
        /// Precautionary cash a firm keeps before paying dividends, in months of its wage bill (on top of the cost of its next modernisation stage).
        dividend_buffer_months: f64 = 6.0, [0.0, 240.0], "months of wage bill", "precautionary cash holdings (Opler, Pinkowitz, Stulz & Williamson 1999); assumption; free, prior [3, 12]";
        /// Losses (in wage-bill months) a giant with a social role absorbs before it sheds labour like other firms.
        social_loss_limit_months: f64 = 24.0, [0.0, 600.0], "months of wage bill", "seed 004: giants keep jobs at a commercial loss, up to a limit";
        /// Most a giant with a social role lays off per year, as a share of its workforce.
        social_max_layoff_per_year: f64 = 0.08, [0.0, 1.0], "share/year", "seed 004: NkAZ kept running while loss-making";
        /// Share of capacity (and target workforce) an outside holding cuts at its weakest loss-making plant at a review.
        holding_downsize_share: f64 = 0.10, [0.0, 1.0], "share", "seed 004: decisions taken at head offices outside the territory";
        /// Months between a holding's reviews of its plants (3 = each quarter, 12 = each January).
        holding_review_interval_months: f64 = 3.0, [1.0, 12.0], "months", "free; prior [1,12]";
        /// A holding closes its weakest plant, instead of cutting it, when the plant's margin at current prices is below minus this share and another plant of the holding is profitable.
        holding_closure_margin: f64 = 0.3, [0.0, 10.0], "share of revenue", "free; prior [0.1,1]";
        /// Share of the wages due that a loss-making firm with a social role withholds each month (wage arrears).
        arrears_withheld_share: f64 = 0.3, [0.0, 1.0], "share of monthly wages", "Earle & Sabirianova 2002: arrears concentrated in loss-making firms; free; prior [0.1,0.6]";
        /// Ceiling on wage arrears, in months of wages due; at the ceiling the firm stops hoarding labour and lays off like other firms.
        arrears_limit_months: f64 = 4.0, [0.0, 60.0], "months of wages", "Earle & Sabirianova 2002: mean arrears of 2-5 months of wages in 1996-98; free; prior [2,8]";
        /// Share of a month's profit a firm spends repaying wage arrears.
        arrears_repay_share: f64 = 0.5, [0.0, 1.0], "share of profit", "free; prior [0.2,1]";
        /// Monthly start-ups per 1,000 residents (before incubator and zone multipliers).
        startup_rate_per_1000: f64 = 0.02, [0.0, 10.0], "firms/month/1000 residents", "Rosstat SME registrations, order of magnitude";
        /// Initial target workforce of a start-up.
        startup_size: f64 = 6.0, [1.0, 1000.0], "workers", "assumption";
        /// Monthly probability of a spin-off per 1,000 workers of a large firm or giant.
        spinoff_rate_per_1000: f64 = 0.004, [0.0, 1.0], "1/month/1000 workers", "Klepper 2007 spin-off rates, scaled";
        /// Initial target workforce of a spin-off.
        spinoff_size: f64 = 25.0, [1.0, 10000.0], "workers", "assumption: a small firm of a few dozen workers (seed 004 describes spin-offs as small firms)";
        /// Exponent of the Pareto (Zipf) size distribution of the initial small and medium firms.
        size_exponent: f64 = 1.05, [0.3, 3.0], "exponent", "Axtell 2001: US firm sizes Zipf, exponent ~1.06";
        /// Smallest initial firm.
        min_firm_size: f64 = 5.0, [1.0, 1000.0], "workers", "assumption";
        /// Largest initial generated (non-scenario) firm.
        max_generated_firm_size: f64 = 4000.0, [1.0, 100000.0], "workers", "assumption";
        /// Monthly persistence of world sector prices (AR(1) in logs).
        price_persistence: f64 = 0.97, [0.0, 0.9999], "coefficient", "assumption: half-life ~2 years";
        /// Monthly standard deviation of world price innovations (log).
        price_volatility: f64 = 0.025, [0.0, 0.5], "log points/month", "metals price indices, order of magnitude";
        /// Elasticity of local services demand to the town's income.
        local_income_elasticity: f64 = 0.7, [0.0, 3.0], "elasticity", "standard local multiplier (Moretti 2010)";
        /// Trend growth of national demand (real GDP) outside crises.
        national_demand_growth: f64 = 0.022, [-0.2, 0.2], "1/year", "Russian GDP growth 1999-2019 averaged ~3%, less after 2009";
        /// Share of a cyclical fall in demand that firms absorb by hoarding labour (cutting hours and wages) rather than headcount.
        labour_hoarding: f64 = 0.6, [0.0, 1.0], "share", "Gimpelson & Lippoldt 2001: Russian firms cut wages and hours, employment fell far less than output in the 1990s";
        /// Monthly volatility of a firm's idiosyncratic demand (log random walk, Gibrat's law).
        idiosyncratic_volatility: f64 = 0.03, [0.0, 0.5], "log points/month", "Gibrat's law; gives a Zipf-like size distribution (Axtell 2001)";
        /// The same for city-forming giants.
        giant_volatility: f64 = 0.008, [0.0, 0.5], "log points/month", "assumption";
        /// Extra initial cash (months of wage bill) of start-ups in a town with an incubator.
        incubator_cash_months: f64 = 4.0, [0.0, 120.0], "months of wage bill", "seed 003: incubators raise survival";
        /// Elasticity of a firm's target workforce to its profit margin (capacity expansion).
        expansion_elasticity: f64 = 0.3, [0.0, 5.0], "elasticity", "assumption";
        /// Monthly persistence of a firm's idiosyncratic demand factor (AR(1) in logs; 1 is a pure random walk).
        demand_shock_persistence: f64 = 1.0, [0.0, 1.0], "coefficient", "Gibrat 1931, Axtell 2001: a pure log random walk, so that with entry and exit a Zipf tail emerges";
        /// A profitable firm raises its wage when last month's hires filled less than this share of its vacancies.
        wage_raise_fill_share: f64 = 0.25, [0.0, 1.0], "share of vacancies", "assumption (was a literal in code)";
        /// Lowest profit margin that enters the target workforce (capacity expansion).
        expansion_margin_min: f64 = -0.2, [-1.0, 0.0], "share of revenue", "assumption (was a literal in code)";
        /// Highest profit margin that enters the target workforce (capacity expansion).
        expansion_margin_max: f64 = 0.3, [0.0, 1.0], "share of revenue", "assumption (was a literal in code)";
        /// Share of a modernisation step's cost a firm must hold in cash when soft loans (a rate cut) are available.
        soft_loan_cash_share: f64 = 0.5, [0.0, 1.0], "share of cost", "assumption (was a literal in code)";
        /// A giant with a social role that is no longer protected exits at this multiple of `social_loss_limit_months` of losses.
        social_exit_multiple: f64 = 2.0, [1.0, 100.0], "ratio", "assumption (was a literal in code)";
        /// A hub's job pool lays commuters off when its workforce exceeds its target by this ratio.
        hub_layoff_ratio: f64 = 1.02, [1.0, 10.0], "ratio", "assumption (was a literal in code)";
        /// Smallest generated or relocated firm counted as a large firm rather than an SME.
        large_firm_min_workers: f64 = 250.0, [1.0, 1.0e6], "workers", "Russian SME law (209-FZ): medium firms have up to 250 employees";
        /// Start-ups of local services get extra weight for this share of the expected local-services jobs.
        startup_local_services_weight: f64 = 0.5, [0.0, 100.0], "ratio", "assumption (was a literal in code)";
        /// Expected local-services jobs per resident used in the start-up sector weights.
        startup_local_services_jobs_per_resident: f64 = 0.05, [0.0, 1.0], "jobs/resident", "assumption (was a literal in code)";
        /// Weight added to every sector's jobs when a start-up picks its sector (so sectors without jobs can get start-ups).
        startup_sector_weight_floor: f64 = 1.0, [0.0, 1.0e6], "workers", "assumption (was a literal in code)";
        /// Multiplier on the start-up weight of innovative sectors in a town with an incubator.
        incubator_innovative_boost: f64 = 3.0, [1.0, 100.0], "ratio", "seed 003: incubators favour innovative firms; assumption (was a literal in code)";
        /// Standard deviation of an entrant's log productivity-to-wage ratio around the median incumbent of its town's sector (the entrant distribution).
        entrant_productivity_sd: f64 = 0.3, [0.0, 3.0], "log points", "Foster, Haltiwanger & Syverson 2008: within-industry productivity dispersion ~0.3 log points";
        /// Standard deviation of the noise in a potential entrant's signal of its own productivity (it decides on the signal).
        entry_signal_sd: f64 = 0.2, [0.0, 3.0], "log points", "Jovanovic 1982: entrants know their type only noisily; free; prior [0, 0.5]";
        /// Sunk cost of entry, in months of the entrant's wage bill: a potential entrant enters when its expected profit over `entry_payback_months` covers it.
        entry_cost_months: f64 = 3.0, [0.0, 120.0], "months of wage bill", "Hopenhayn 1992 sunk entry cost; free; prior [1, 12]";
        /// Months of expected profit a potential entrant sets against the sunk entry cost.
        entry_payback_months: f64 = 36.0, [1.0, 600.0], "months", "free; prior [12, 60]";
        /// Expenditure of a town's sector market without incumbents, in real workers at the town's starting break-even productivity (room for a new sector).
        market_floor_workers: f64 = 20.0, [0.0, 1.0e5], "workers", "free; prior [5, 100]";
        /// An entrant's productivity starts this far (log) below its potential and closes the gap by learning.
        learning_gap: f64 = 0.15, [0.0, 2.0], "log points", "Jovanovic 1982; Foster, Haltiwanger & Syverson 2008: young firms' productivity rises with age; free; prior [0, 0.3]";
        /// Share of the remaining learning gap an entrant closes each month.
        learning_rate: f64 = 0.03, [0.0, 1.0], "share/month", "free; prior [0.01, 0.1] (half the gap closed in 1-6 years)";
        /// Age at which a firm gets its full credit line (`exit_loss_months`); a younger firm may lose only this share of it (a new firm exits when its founders' equity is gone).
        young_firm_credit_months: f64 = 60.0, [0.0, 600.0], "months", "Cooley & Quadrini 2001, Clementi & Hopenhayn 2006: young firms are credit-constrained; free; prior [24, 120]";
        /// A young (credit-constrained) firm older than this that lost money over the last year closes (it has learnt its type).
        young_firm_trial_months: f64 = 12.0, [0.0, 600.0], "months", "Jovanovic 1982 passive learning; free; prior [6, 24]";
        /// Drift of a firm's log demand per log point of fitness (productivity over wage) above its town sector's median: selection shifts market share to the fitter firms.
        selection_speed: f64 = 0.3, [0.0, 10.0], "1/year per log point", "replicator dynamics (Metcalfe 1998); Foster, Haltiwanger & Syverson 2008; free; prior [0.1, 1]";
        /// Share of the room left in a town's local-services market (expenditure above the survivors' claims, after exits) that moves to the surviving firms each month, in proportion to their claims: the customers of a closed shop stay in town.
        customer_reallocation_rate: f64 = 0.1, [0.0, 1.0], "share of the room/month", "customer markets (Phelps & Winter 1970; Gourio & Rudanko 2014): customers of a closed non-tradable firm switch to the town's survivors within months; 0.1 fills half the room in about 7 months (assumption; 0 switches it off); the calibrated defaults were re-estimated with it on (README, Plausibility checks, local services)";
        /// Share of the loss-making wage cut (`wage_down`) that a short-staffed firm makes: one that filled fewer than `wage_raise_fill_share` of last month's vacancies. 1 = every loss-making firm cuts alike; 0 = a firm whose constraint is recruitment keeps its wage (its loss comes from the workers it lacks, and a cut would cost it recruits).
        short_staffed_cut_share: f64 = 0.0, [0.0, 1.0], "share", "dynamic monopsony (Manning 2003, Monopsony in Motion, ch. 2-4: a firm's recruits rise with its wage relative to the market, so a wage cut shrinks a firm short of staff further); Bewley 1999 (firms avoid cuts that lose them workers); 0 = the rule on (1 = off, every loss-maker cuts alike); the calibrated defaults were re-estimated with it on (README, Plausibility checks, firms at the wage floor)";
        /// Monthly wage raise of a firm that cannot fill its vacancies (filled fewer than `wage_raise_fill_share` of last month's posts) while its marginal worker pays, at a vacancy yield of zero against its town's: the raise is this times the share by which the firm's yield (hires per vacancy, smoothed towards the town's by one vacancy) falls short of its town's, whatever the firm's average margin (0 = off; such a firm then raises by `wage_up` only when its margin is positive).
        unfilled_wage_raise: f64 = 0.0, [0.0, 0.2], "share/month", "wage posting under dynamic monopsony (Manning 2003, Monopsony in Motion, ch. 2-4): a firm's recruits rise with its wage relative to the market, so a firm whose posts do not fill raises its wage while the marginal worker's revenue covers it; the raise answers the shortfall of the firm's vacancy yield from its town's; off by default (0): with firms.vacancy_stock_months 4 the vacancy peaks fall to about 4-7% of the labour force and unemployment after 2010 falls, but wages rise in the slack markets of 2002 and, in a first version that answered the firm's own fill rate, the re-estimated fit up to 2002 predicted 2003-2010 with an error of 11.6% against 6.8% (docs/ODD.md 7.11); free, prior [0.01, 0.1]";
        /// Elasticity of the labour supply to a single firm: a firm raising its wage because its posts do not fill stops where the wage with payroll tax reaches `e / (1 + e)` of the marginal worker's revenue net of inputs (the monopsony markdown).
        labour_supply_elasticity: f64 = 2.0, [0.1, 100.0], "elasticity", "Manning 2003 ch. 4: in steady state the recruitment elasticity equals minus the separation elasticity, so the firm's elasticity is twice the quit elasticity (labour.quit_wage_elasticity, 1); Sokolova & Sorensen 2021 (ILR Review 74) meta-analysis: estimates mostly 1-5";
        /// Exponent of the Pareto size distribution of the initial generated industrial firms (registered enterprises).
        industrial_size_exponent: f64 = 0.6, [0.3, 3.0], "exponent", "brief (seed 004): Biysk's industry in the 2000s had 44 large or medium (over 100 workers) among 132 enterprises, P(size > 100 | size >= 16) = 1/3 gives (16/100)^a = 1/3, a = 0.6";
        /// Smallest generated industrial firm at the start: industrial micro-firms below it are aggregated into the registered enterprises (counts follow from the town's industrial jobs).
        registered_firm_min_workers: f64 = 16.0, [1.0, 1000.0], "workers", "Rosstat / 209-FZ: small enterprises from 16 workers, micro-enterprises (up to 15) not in enterprise counts";
        /// Cash of a start-up at birth (before the incubator bonus).
        startup_cash_months: f64 = 2.0, [0.0, 120.0], "months of wage bill", "assumption (was a literal in code)";
        /// Cash of a firm relocated from the capital at birth.
        relocation_cash_months: f64 = 6.0, [0.0, 120.0], "months of wage bill", "assumption (was a literal in code)";
        /// Cash of a spin-off at birth.
        spinoff_cash_months: f64 = 4.0, [0.0, 120.0], "months of wage bill", "assumption (was a literal in code)";
        /// Cash of each unit of a restructured giant at birth.
        unit_cash_months: f64 = 3.0, [0.0, 120.0], "months of wage bill", "assumption (was a literal in code)";
        /// Smallest workforce of a generated large firm that spawns spin-offs (named firms always can).
        spinoff_parent_min_workers: f64 = 200.0, [0.0, 1.0e6], "workers", "assumption (was a literal in code)";
        /// Productivity of a spin-off relative to its parent (inherited know-how).
        spinoff_productivity_premium: f64 = 1.05, [0.0, 10.0], "ratio", "Klepper 2007: spin-offs of able parents perform better; assumption (was a literal in code)";
        /// Lowest sector relatedness of a spin-off's sector to its parent's.
        spinoff_relatedness_min: f64 = 0.4, [0.0, 1.0], "index", "Klepper 2007: spin-offs enter the parent's or a related industry; assumption (was a literal in code)";
        /// Cash of every firm at the start.
        initial_cash_months: f64 = 3.0, [0.0, 120.0], "months of wage bill", "assumption (was a literal in code)";
        /// Share of local services in the jobs outside named firms of a town without `sector_shares`.
        default_local_services_share: f64 = 0.6, [0.0, 1.0], "share", "assumption (was a literal in code)";
        /// Share of the public sector in the jobs outside named firms of a town without `sector_shares`.
        default_public_sector_share: f64 = 0.4, [0.0, 1.0], "share", "assumption (was a literal in code)";
        /// Ages of generated firms at the start are uniform between 0 and this.
        initial_firm_age_max_months: f64 = 240.0, [0.0, 1200.0], "months", "assumption (was a literal in code)";
        /// Elasticity (absolute value) of a town's wage level relative to the national norm with respect to its unemployment rate relative to the national rate (the regional wage curve): the town's wage norm is `(u_town / u_national)^(-e)` times the national norm. 0 switches the wage curve off.
        wage_curve_elasticity: f64 = 0.0, [0.0, 1.0], "elasticity", "Blanchflower & Oswald 1994 (The Wage Curve) estimate about 0.1; off (0) by default: in this model it cuts wages without adding jobs (docs/ODD.md, Regional wage curve)";
        /// Monthly share of the gap between a firm's applied wage-curve factor and its town's current factor that is closed (partial adjustment of wages to local unemployment).
        wage_curve_adjustment: f64 = 0.1, [0.0, 1.0], "share/month", "free; prior [0.05, 0.5]: local wages adjust within a year or two (Blanchard & Katz 1992)";
        /// Vacancy yield (hires per vacancy in a month) below which (0 = off) a firm posts fewer vacancies than `hiring_speed` of its gap, in proportion to the yield: a vacancy is posted while its expected hires cover its cost (free entry of vacancies, Pissarides 2000); the yield is the firm's own of last month (Davis, Faberman & Haltiwanger 2013).
        vacancy_min_yield: f64 = 0.3, [0.0, 10.0], "hires/vacancy/month", "not used while firms.vacancy_stock_months > 0, which replaces this rule; free; prior [0.1, 1]; 0.3 set by hand (0.3 and 0.6 tried at 1:1 with hiring_speed 1, looking at vacancy rates and unemployment; README, What was fitted by hand) until the calibration estimates it: Davis, Faberman & Haltiwanger 2013 (QJE 128): US vacancy yield ~1.3 hires per vacancy a month; Russian hires ~2%/month of staff (Gimpelson & Kapeliushnikov 2011) over vacancies of a few % give a yield of the order of 0.5-1";
        /// Open vacancies a firm keeps at most, in months of last month's hires, plus one post (0 = off): a post it does not expect to fill within this many months at its current hiring rate does not cover its cost (free entry of vacancies at the margin, Pissarides 2000); the vacancy stock over the flow of hires is the mean vacancy duration (Davis, Faberman & Haltiwanger 2013). When on it replaces the proportional yield rule of `vacancy_min_yield`.
        vacancy_stock_months: f64 = 0.0, [0.0, 120.0], "months of hires", "off by default (0): measured at 3 alone in the default scenarios, it brings every town's vacancy peak inside 1-6% of the labour force and raises unemployment (Biysk 26.8% in 2020) as low-paying firms shrink instead of paying more; with firms.unfilled_wage_raise 0.03 as well (docs/ODD.md 7.11, 7.12a) the peaks stay low and unemployment does not rise, but the re-estimated fit up to 2002 predicts 2003-2010 worse; free, prior [1, 6]: Davis, Faberman & Haltiwanger 2013 (QJE 128): US mean vacancy duration about a month";
        /// Share of its vacancies a firm still posts while it is losing money over the last year (`profit_year`, after tax); 0 is a hiring freeze. Firms with a social role that still hoard labour keep replacing leavers.
        loss_posting_share: f64 = 1.0, [0.0, 1.0], "share", "off by default (1): a freeze of every firm losing money over the year raises unemployment to 25-35% (ODD 7.12a); Pissarides 2000: a job of negative value is not advertised; hiring falls faster than separations rise in downturns (Shimer 2012, Elsby, Michaels & Solon 2009); free; prior [0.5, 1]";
        /// Upkeep of a city-forming firm's social assets (housing, kindergartens, clinics, heat) as a share of its wage bill, while the firm still holds them.
        social_asset_cost_share: f64 = 0.18, [0.0, 1.0], "share of wage bill", "Commander & Schankerman 1997 (Economics of Transition 5(1)), mid-1994 survey of Russian firms: gross cost of social benefits ~18% of the wage bill, rising with firm size; ~20% for industrial firms in 1993";
        /// Year from which firms pay the upkeep of their social assets out of their own revenue (before: financed through the plan, outside the model).
        social_asset_start_year: f64 = 1992.0, [1800.0, 2200.0], "year", "price liberalisation of January 1992 ended plan financing (Freinkman & Starodubrovskaya 1996, World Bank WPS 1635); assumption";
        /// Year from which firms hand their social assets over to the municipality.
        social_asset_divest_start_year: f64 = 1994.0, [1800.0, 2200.0], "year", "divestiture of enterprise housing to municipalities from 1994 (Freinkman & Starodubrovskaya 1996; Healey, Leksin & Svetsov 1999)";
        /// Share of the remaining social assets a firm hands over to the municipality each year (exponential).
        social_asset_divest_per_year: f64 = 0.15, [0.0, 5.0], "share/year", "free; prior [0.05, 0.3]: most housing divested by the early 2000s, some provision left in 2003 (Haaparanta et al. 2003; Juurikkala & Lazareva 2006)";
        /// Share of its pay a firm with a social role can cut for losses once it can no longer withhold wages (the flexible, bonus part; the tariff wage follows the national norm).
        social_wage_flexible_share: f64 = 0.3, [0.0, 1.0], "share of pay", "Gimpelson & Kapeliushnikov 2011: Russian real wages adjust through inflation, arrears and the flexible bonus part of pay, not tariff cuts; free; prior [0.1, 0.4]";
        /// Year from which holdings review their plants (before it, plants are stand-alone enterprises).
        holding_reviews_start_year: f64 = 2000.0, [1800.0, 2200.0], "year", "multi-plant holdings took control around 2000 (RUSAL founded 2000; EvrazHolding consolidated NTMK, ZSMK and KMK 1999-2002); assumption";
        /// Share of its seasonal excess workforce (staff above the target that only the fall of the month's seasonal demand factor from its peak makes surplus) a firm of a seasonal sector releases each month: fixed-term seasonal contracts end with the season. Inert without a `[seasonality]` profile or weather shocks.
        seasonal_contract_release: f64 = 1.0, [0.0, 1.0], "share/month", "Labour Code of the Russian Federation (2001), art. 59 and ch. 46 (art. 293-296): seasonal work is hired on fixed-term contracts of up to six months that end with the season, on 7 days' notice, instead of the slow lay-offs (`firing_speed`) of permanent staff";
    }
}

param_block! {
    /// Migration decisions: hazard of considering a move, destination choice, liquidity.
    Migration, "migration" {
        /// Monthly probability that an adult aged 40-59 in work considers moving (the base).
        base_hazard: f64 = 0.0010, [0.0, 1.0], "1/month", "hand-set code default (about a third of 18-30s consider moving, brief); the shipped scenarios set 0.000687, the ABC-SMC posterior median of scenarios/calibration/defaults_2010.toml (prior loguniform(0.0005, 0.002))";
        /// Hazard multiplier for ages 18-29.
        young_multiplier: f64 = 4.0, [0.0, 50.0], "ratio", "brief: youth out-migration is the main problem (seed 003)";
        /// Hazard multiplier for ages 30-39.
        thirties_multiplier: f64 = 2.0, [0.0, 50.0], "ratio", "brief: Nizhny Tagil leavers are mostly 18-25 and 30-40";
        /// Hazard multiplier at school-leaving age (leaving to study).
        study_multiplier: f64 = 12.0, [0.0, 100.0], "ratio", "seed 003: leaving to study";
        /// Hazard multiplier for children (they move with families).
        child_multiplier: f64 = 0.8, [0.0, 10.0], "ratio", "assumption";
        /// Hazard multiplier for ages 60+.
        old_multiplier: f64 = 0.3, [0.0, 10.0], "ratio", "assumption";
        /// Hazard multiplier while unemployed.
        unemployed_multiplier: f64 = 2.0, [0.0, 20.0], "ratio", "Harris-Todaro; Andrienko & Guriev 2004";
        /// Hazard multiplier for the poorly paid.
        low_wage_multiplier: f64 = 1.5, [0.0, 20.0], "ratio", "assumption";
        /// Wage below this share of the town's mean counts as poorly paid.
        low_wage_threshold: f64 = 0.7, [0.0, 2.0], "share of town mean wage", "assumption";
        /// Weight of the log expected wage (wage x employment probability, Harris-Todaro) in utility.
        beta_wage: f64 = 2.0, [0.0, 20.0], "utils/log RUB", "Andrienko & Guriev 2004 order of magnitude";
        /// Weight of the amenity index.
        beta_amenity: f64 = 1.0, [0.0, 20.0], "utils/index", "assumption";
        /// Weight of the log housing cost.
        beta_housing: f64 = 0.5, [0.0, 20.0], "utils/log RUB", "assumption";
        /// Weight of the log distance (gravity).
        beta_distance: f64 = 0.8, [0.0, 20.0], "utils/log km", "gravity models of Russian migration, elasticity ~0.5-1";
        /// Weight of log network ties (people from the origin living at the destination).
        beta_network: f64 = 0.3, [0.0, 20.0], "utils/log persons", "network ties (Massey 1993)";
        /// Weight of the log population of the destination (gravity mass: more opportunities in larger places).
        beta_size: f64 = 1.0, [0.0, 5.0], "utils/log persons", "gravity models: destination-mass elasticity ~1";
        /// Population the rest-of-country option counts for in the size term.
        rest_of_country_population: f64 = 2000000.0, [1.0, 1.0e9], "persons", "calibrated (the reachable part of the rest of Russia)";
        /// Utility of staying (attachment and moving frictions).
        stay_bonus: f64 = 1.0, [0.0, 50.0], "utils", "calibrated";
        /// Utility shift of the rest-of-country option (captures its size and variety).
        rest_of_country_bonus: f64 = 0.5, [-50.0, 50.0], "utils", "calibrated";
        /// Distance to the rest of the country.
        rest_of_country_km: f64 = 1500.0, [1.0, 20000.0], "km", "assumption";
        /// Fixed cost of a move.
        moving_cost_krub: f64 = 20.0, [0.0, 10000.0], "thousand RUB", "assumption";
        /// Distance cost of a move.
        moving_cost_krub_per_km: f64 = 0.02, [0.0, 100.0], "thousand RUB/km", "assumption";
        /// Monthly in-migration from the rest of the country per resident (scaled by the town's attractiveness).
        rest_of_country_inflow: f64 = 0.0008, [0.0, 0.1], "1/month", "calibrated to observed in-migration rates ~7-10 per 1,000";
        /// Monthly emigration from a hub per hub resident, shared among the agent towns and the rest of the country by gravity (7.20).
        hub_outflow: f64 = 0.0002, [0.0, 0.1], "1/month", "code default; the shipped scenarios set 0.000241, the ABC-SMC posterior median of scenarios/calibration/defaults_2010.toml (prior loguniform(0.0001, 0.003); 90% interval 0.00014-0.00091)";
        /// Initial network stock between two towns as a share of the destination population, decaying with log distance.
        network_initial_share: f64 = 0.01, [0.0, 1.0], "share", "assumption";
        /// Distance scale of the gravity term: distance enters as log(1 + km / scale) in utility, in the initial network stock and in hubs' outflow.
        distance_scale_km: f64 = 100.0, [1.0, 10000.0], "km", "assumption (was a literal in code)";
        /// Unemployment rate of a hub as a multiple of the national rate (regional centres have tighter labour markets).
        hub_unemployment_ratio: f64 = 0.6, [0.0, 5.0], "ratio to national rate", "assumption (was a literal in code)";
        /// Amenity index of the rest of the country (also the reference of towns' attractiveness to outsiders).
        rest_of_country_amenity: f64 = 1.0, [0.0, 10.0], "index", "assumption (was a literal in code): the national average";
        /// Housing cost in the rest of the country.
        rest_of_country_housing_krub: f64 = 4.0, [0.01, 100.0], "thousand RUB/month", "assumption (was a literal in code)";
        /// Lowest attractiveness of a town to hub and rest-of-country migrants (multiplies their inflow).
        attractiveness_min: f64 = 0.1, [0.0, 1.0], "ratio", "assumption (was a literal in code)";
        /// Highest attractiveness of a town to hub and rest-of-country migrants.
        attractiveness_max: f64 = 5.0, [1.0, 1000.0], "ratio", "assumption (was a literal in code)";
        /// Years after the school-leaving year during which the study multiplier still applies.
        hazard_study_extra_years: f64 = 1.0, [0.0, 10.0], "whole years", "assumption (was a literal in code)";
        /// Age (whole years) from which `thirties_multiplier` replaces `young_multiplier`.
        hazard_young_until_age: f64 = 30.0, [0.0, 120.0], "whole years", "assumption (was a literal in code)";
        /// Age (whole years) from which the base hazard replaces `thirties_multiplier`.
        hazard_thirties_until_age: f64 = 40.0, [0.0, 120.0], "whole years", "assumption (was a literal in code)";
        /// Age (whole years) from which `old_multiplier` applies.
        hazard_old_from_age: f64 = 60.0, [0.0, 120.0], "whole years", "assumption (was a literal in code)";
        /// Youngest age (whole years) hit by youth retention policies.
        youth_policy_min_age: f64 = 16.0, [0.0, 120.0], "whole years", "assumption (was a literal in code)";
        /// Oldest age (whole years) hit by youth retention policies.
        youth_policy_max_age: f64 = 30.0, [0.0, 120.0], "whole years", "assumption (was a literal in code)";
        /// Share of in-migrants from hubs and the rest of the country who are children (aged 0 to `arrival_child_max_age`).
        arrival_children_share: f64 = 0.15, [0.0, 1.0], "share", "assumption (was a literal in code)";
        /// Share of in-migrants who are children or young adults (cumulative).
        arrival_up_to_young_share: f64 = 0.65, [0.0, 1.0], "cumulative share", "assumption (was a literal in code): movers are mostly young adults";
        /// Share of in-migrants who are children, young or middle-aged adults (cumulative); the rest are older.
        arrival_up_to_middle_share: f64 = 0.9, [0.0, 1.0], "cumulative share", "assumption (was a literal in code)";
        /// Oldest age of an arriving child (ages are drawn uniformly within each band).
        arrival_child_max_age: f64 = 17.0, [0.0, 120.0], "years", "assumption (was a literal in code)";
        /// Youngest age of an arriving young adult.
        arrival_young_min_age: f64 = 18.0, [0.0, 120.0], "years", "assumption (was a literal in code)";
        /// Oldest age of an arriving young adult (and youngest of a middle-aged one).
        arrival_young_max_age: f64 = 30.0, [0.0, 120.0], "years", "assumption (was a literal in code)";
        /// Oldest age of an arriving middle-aged adult (and youngest of an older one).
        arrival_middle_max_age: f64 = 40.0, [0.0, 120.0], "years", "assumption (was a literal in code)";
        /// Oldest age of an arriving older adult.
        arrival_old_max_age: f64 = 65.0, [0.0, 120.0], "years", "assumption (was a literal in code)";
        /// Share of in-migrants with basic skill only.
        arrival_basic_share: f64 = 0.3, [0.0, 1.0], "share", "assumption (was a literal in code)";
        /// Share of in-migrants with basic or vocational skill (cumulative); the rest have higher education.
        arrival_up_to_vocational_share: f64 = 0.7, [0.0, 1.0], "cumulative share", "assumption (was a literal in code)";
        /// Share of women among in-migrants.
        arrival_female_share: f64 = 0.5, [0.0, 1.0], "share", "assumption (was a literal in code)";
        /// Savings an in-migrant brings, in months of the destination's start wage for their skill.
        arrival_savings_months: f64 = 2.0, [0.0, 120.0], "months of wage", "assumption (was a literal in code)";
        /// Share of adult women (from `household_couple_min_age`) who start the run living with a partner.
        household_couple_share: f64 = 0.6, [0.0, 1.0], "share", "Rosstat, Perepis 2002 vol. 6 (about 6 in 10 women 20+ married or cohabiting); free; prior [0.5, 0.7]";
        /// Youngest age of a woman living with a partner at the start.
        household_couple_min_age: f64 = 20.0, [14.0, 120.0], "years", "Rosstat 2002 census: mean age at first marriage of women about 22; free; prior [18, 22]";
        /// Age gap between partners (the man older).
        household_partner_age_gap: f64 = 2.0, [-20.0, 20.0], "years", "Rosstat: husbands are on average 2-3 years older; free; prior [1, 4]";
        /// Largest difference between a man's age and the woman's age plus the gap for the two to be paired.
        household_partner_age_tolerance: f64 = 5.0, [0.0, 50.0], "years", "free; prior [3, 10]";
        /// Youngest age of a mother at her child's birth (children are assigned to women of plausible mother age).
        household_mother_min_age: f64 = 18.0, [12.0, 60.0], "years", "Rosstat: births to women under 18 are about 2%; free; prior [16, 20]";
        /// Oldest age of a mother at her child's birth.
        household_mother_max_age: f64 = 45.0, [12.0, 60.0], "years", "Rosstat: births to women over 45 are negligible; free; prior [40, 45]";
        /// Share of unpartnered 18-29-year-olds who start the run living in their parents' household.
        household_adult_child_at_home_share: f64 = 0.6, [0.0, 1.0], "share", "Rosstat, Perepis 2002 vol. 6: most unmarried young adults live with parents; free; prior [0.4, 0.8]";
        /// Oldest age (whole years) at which a non-head adult leaves the household on their own hazard (leaving home); older non-heads move only with the household.
        leave_home_max_age: f64 = 29.0, [0.0, 120.0], "whole years", "leaving-home literature (Billari & Liefbroer 2010): most Russians leave the parental home by 30; free; prior [25, 35]";
        /// Share of arriving adults who arrive with a partner (the next adult drawn in the same flow joins their household).
        arrival_partner_share: f64 = 0.4, [0.0, 1.0], "share", "free; prior [0.2, 0.6] (family migration, Mincer 1978)";
    }
}

param_block! {
    /// Cooperation links, cluster detection and cluster effects.
    Clusters, "clusters" {
        /// Sector relatedness at or above which two co-located firms can link.
        relatedness_threshold: f64 = 0.5, [0.0, 1.0], "index", "Hidalgo et al. 2007 product space; assumption";
        /// Monthly probability that an eligible pair forms a link (tried for a sample of pairs).
        link_probability: f64 = 0.001, [0.0, 1.0], "1/month", "assumption: mean degree of the link graph about 0.5 without policy (no percolation), above 1 with a cluster_seed policy";
        /// Monthly probability that an existing link breaks.
        link_break_probability: f64 = 0.01, [0.0, 1.0], "1/month", "assumption: links last about 8 years";
        /// Smallest number of members of a cluster (an organisation or a link community).
        min_cluster_size: f64 = 5.0, [2.0, 1000.0], "firms", "assumption";
        /// Smallest employment of a cluster (all members, real persons).
        min_cluster_employment: f64 = 300.0, [0.0, 1.0e7], "persons", "assumption: a few hundred workers";
        /// Productivity spillover per log point of the cluster's size relative to the member (1 + others' employment over own).
        spillover: f64 = 0.02, [0.0, 1.0], "share per log point", "agglomeration elasticities 0.02-0.05 (Rosenthal & Strange 2004)";
        /// Discount on capital cost from shared equipment pools.
        pool_capital_discount: f64 = 0.2, [0.0, 1.0], "share", "seed 000: production pools";
        /// Random partners each eligible firm tries to link with each month (whole numbers; a fraction is dropped).
        partner_tries_per_month: f64 = 2.0, [0.0, 100.0], "firms/month", "assumption (was a constant in code)";
        /// Link capacity of a one-worker firm (the capacity grows with the log of size).
        link_capacity_base: f64 = 2.0, [0.0, 1000.0], "links", "free; prior [1, 4]: firms keep few close partners (Uzzi 1997 embeddedness)";
        /// Extra link capacity per log point of a firm's workforce (real workers per firm).
        link_capacity_per_log_worker: f64 = 1.0, [0.0, 100.0], "links per log worker", "free; prior [0.5, 2]: capacity rises with size, less than proportionally";
        /// Smallest mean number of internal links per member for a link community to count as a cluster (a chain or a star has less than 2).
        min_community_degree: f64 = 2.0, [0.0, 100.0], "links per member", "free; prior [1.5, 3]: a cluster is a dense community, not a chain";
        /// Monthly probability that a firm reviews its membership of the cluster organisations it knows of.
        review_probability: f64 = 0.05, [0.0, 1.0], "1/month", "free; prior [0.02, 0.2]: yearly-ish decisions";
        /// Monthly cost of membership of a cluster organisation, in months of the firm's own base wage (a part-time coordinator, fees, meetings).
        membership_cost_wage_months: f64 = 1.0, [0.0, 1000.0], "wage-months/month", "free; prior [0.3, 3]";
        /// Weight of the knowledge a member leaks to the others, per unit of its share of the organisation's employment (large, strong firms gain less and give more).
        leakage_weight: f64 = 1.0, [0.0, 100.0], "spillover units", "Shaver & Flyer 2000; Alcacer & Chung 2007: leading firms avoid clusters; free, prior [0.5, 2]";
        /// Cap on the cluster's size relative to a member (others' employment over own) in the learning spillover.
        max_spillover_ratio: f64 = 100.0, [1.0, 1.0e9], "ratio", "free; prior [20, 500]: diminishing returns to cluster size (Duranton & Puga 2004)";
        /// Capacity of a cluster organisation's shared equipment pool, in member workers (real persons) it can serve at the full discount; with more member workers each member gets capacity / members' workers of it (club congestion). 0 switches congestion off.
        pool_capacity_workers: f64 = 1000.0, [0.0, 1.0e7], "persons", "Buchanan 1965 club congestion; seed 000: one shared centre serves several medium enterprises (4 x 250 workers, the medium-firm bound of 209-FZ); free, prior [300, 3000]";
        /// Absorptive capacity: workforce (real persons per firm) at which a member can use half of the cluster's learning spillover; a firm of n workers uses n / (n + this). 0 switches it off (every firm uses all).
        absorptive_half_size: f64 = 15.0, [0.0, 1.0e6], "persons", "Cohen & Levinthal 1990; Giuliani & Bell 2005: firms with a small knowledge base stay peripheral; 15 = upper bound of a micro firm (Russian Federal Law 209-FZ); free, prior [5, 50]";
    }
}

param_block! {
    /// Municipal budget, amenities and housing.
    Towns, "towns" {
        /// Elasticity of the amenity index to municipal spending per resident.
        amenity_spending_elasticity: f64 = 0.15, [0.0, 2.0], "elasticity", "assumption";
        /// Monthly adjustment speed of amenities towards their spending-implied level.
        amenity_adjustment: f64 = 0.02, [0.0, 1.0], "share/month", "assumption";
        /// Amenity penalty per unit share of metallurgy and mining in local jobs (pollution).
        pollution_penalty: f64 = 0.15, [0.0, 2.0], "index per share", "seeds 003-004: ecology as a constraint";
        /// Elasticity of housing cost to population relative to the start.
        housing_elasticity: f64 = 1.2, [0.0, 10.0], "elasticity", "assumption";
        /// Share of municipal revenue spent on amenities (the rest on infrastructure and services).
        amenity_spending_share: f64 = 0.5, [0.0, 1.0], "share", "assumption";
        /// Revenue transferred from the region per resident each month.
        transfer_krub_per_resident: f64 = 0.5, [0.0, 100.0], "thousand RUB/month", "assumption: equalisation transfers";
        /// Scale of the amenity spending share in the amenity elasticity: the exponent is `amenity_spending_elasticity x amenity_spending_share x scale`, so the default share 0.5 gives the elasticity in full.
        amenity_share_scale: f64 = 2.0, [0.0, 10.0], "factor", "assumption (was a literal in code)";
        /// Months over which the municipality smooths its revenue before spending it (revenue_smooth moves by 1/months of the gap each month).
        revenue_smoothing_months: f64 = 12.0, [1.0, 120.0], "months", "assumption (was a literal in code)";
        /// Average pension, as a share of the national wage, counted in residents' income.
        pension_share_of_national_wage: f64 = 0.35, [0.0, 2.0], "share", "assumption (was a literal in code): Russian replacement rate about a third (Rosstat)";
    }
}

/// Seasonal demand and weather shocks (`[seasonality]`, docs/ODD.md 7.8a): a monthly
/// demand profile per sector and a random snow-season factor per town. Written by hand
/// rather than with `param_block!` because the profiles are tables of arrays; the scalar
/// keys have rows in [`Seasonality::TABLE`] and are range-checked like the other blocks.
/// The default (no profiles, `weather_sd = 0`) is inert: every factor is exactly 1 and no
/// random number is drawn.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Seasonality {
    /// Monthly demand multipliers by sector, January to December (12 values, at least 0,
    /// mean 1): `[seasonality.profile] tourism = [...]`. Sectors not listed are flat.
    pub profile: std::collections::BTreeMap<crate::firms::Sector, Vec<f64>>,
    /// Standard deviation of the log snow-season factor of a town (0 = no weather shocks).
    pub weather_sd: f64,
    /// First calendar month (1-12) of the snow season.
    pub weather_season_start: f64,
    /// Length of the snow season in months.
    pub weather_season_months: f64,
    /// Sectors whose snow-season demand the weather factor multiplies.
    pub weather_sectors: Vec<crate::firms::Sector>,
}

impl Default for Seasonality {
    fn default() -> Self {
        Seasonality {
            profile: std::collections::BTreeMap::new(),
            weather_sd: 0.0,
            weather_season_start: 11.0,
            weather_season_months: 6.0,
            weather_sectors: vec![crate::firms::Sector::Tourism],
        }
    }
}

/// Informal employment (`[informal]`): work without a registered contract in local
/// services (trade) and tourism, a segmented labour market with a free-entry informal tier
/// (Harris & Todaro 1970; Fields 1975) that absorbs job losers (Gimpelson & Kapeliushnikov,
/// eds., 2011). Written by hand rather than with `param_block!` because of the `enabled`
/// switch, which is not a number: off by default, and then the block changes nothing.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Informal {
    /// Switches informal employment on. Off (the default), nobody is ever informally
    /// employed and no random number is drawn for it.
    pub enabled: bool,
    /// Informal jobs the local-services market sustains per formal local-services job located in the town (the informal sector's demand, which follows the local demand of the sector).
    pub local_services_jobs_per_formal_job: f64,
    /// Informal jobs tourism sustains per formal tourism job located in the town.
    pub tourism_jobs_per_formal_job: f64,
    /// Monthly probability that an unemployed member of the labour force who got no formal job takes informal work, when the town's informal demand is all unfilled; it falls in proportion to the filled share (free entry up to the demand).
    pub entry_rate: f64,
    /// Monthly probability that an informal job ends (the work runs out); on top of it, informal jobs in excess of the demand end.
    pub separation_rate: f64,
    /// Informal earnings as a share of the mean wage of the town's formally employed residents last month (no skill premium, no payroll tax).
    pub wage_ratio: f64,
}

impl Default for Informal {
    fn default() -> Self {
        Informal {
            enabled: false,
            local_services_jobs_per_formal_job: 0.5,
            tourism_jobs_per_formal_job: 1.0,
            entry_rate: 0.15,
            separation_rate: 0.04,
            wage_ratio: 0.8,
        }
    }
}

/// Largest gap between the mean of a seasonal profile and 1 that validation accepts (the
/// small rest is divided out, so a profile written with rounded values still has mean 1).
pub const SEASONAL_PROFILE_MEAN_TOLERANCE: f64 = 0.01;

impl Seasonality {
    /// The table rows of the scalar keys (the profiles are documented in docs/ODD.md 7.8a).
    pub const TABLE: &'static [ParamDoc] = &[
        ParamDoc {
            key: "seasonality.weather_sd",
            unit: "log points",
            default: "0.0",
            min: 0.0,
            max: 1.0,
            doc: "Standard deviation of the log snow-season factor drawn once per town and season (lognormal with mean 1) that multiplies the snow-season demand of `weather_sectors`; 0 switches weather shocks off (no draw).",
            source: "off by default; free, prior [0.05, 0.3] (scenarios/sheregesh.toml sets 0.15, an assumption): snow and temperature move ski-area demand from season to season (Hamilton, Brown & Keim 2007, International Journal of Climatology 27: skier visits at New England ski areas; BLS 2008, Issues in Labor Statistics 08-01: January skiing employment in the US West fell by over 1,200 jobs in the warm winter of 2003-04)",
        },
        ParamDoc {
            key: "seasonality.weather_season_start",
            unit: "calendar month",
            default: "11.0",
            min: 1.0,
            max: 12.0,
            doc: "First month (1-12) of the snow season; the season's weather factor is drawn for the season beginning in this month.",
            source: "ski seasons of Siberian and alpine resorts run from November or December to April (Sheregesh: mid-November to April/May)",
        },
        ParamDoc {
            key: "seasonality.weather_season_months",
            unit: "months",
            default: "6.0",
            min: 1.0,
            max: 12.0,
            doc: "Length of the snow season (months from `weather_season_start`) over which the weather factor multiplies demand.",
            source: "as above: November to April",
        },
    ];

    /// Check the profiles (12 values each, at least 0, mean 1 within
    /// [`SEASONAL_PROFILE_MEAN_TOLERANCE`]) and the scalar keys, naming each key path.
    pub(crate) fn validate(&self, problems: &mut Vec<Problem>) {
        for (sector, values) in &self.profile {
            let key = format!("seasonality.profile.{}", sector.name());
            if values.len() != 12 {
                problems.push(Problem::new(
                    key,
                    format!(
                        "needs 12 monthly factors (January to December), found {}",
                        values.len()
                    ),
                ));
                continue;
            }
            let mut bad = false;
            for (m, v) in values.iter().enumerate() {
                if !v.is_finite() || *v < 0.0 {
                    problems.push(Problem::new(
                        format!("{key}[{m}]"),
                        format!("value {v} is outside the valid range [0, inf): a demand factor cannot be negative"),
                    ));
                    bad = true;
                }
            }
            let mean = values.iter().sum::<f64>() / 12.0;
            if !bad && (mean - 1.0).abs() > SEASONAL_PROFILE_MEAN_TOLERANCE {
                problems.push(Problem::new(
                    key,
                    format!(
                        "the 12 monthly factors must average 1 (they move demand within the year, not its level), within {SEASONAL_PROFILE_MEAN_TOLERANCE}: their mean is {mean:.4}"
                    ),
                ));
            }
        }
        for (row, value) in Self::TABLE.iter().zip([
            self.weather_sd,
            self.weather_season_start,
            self.weather_season_months,
        ]) {
            check_range(row.key, value, row.min, row.max, problems);
        }
        for (key, value) in [
            (
                "seasonality.weather_season_start",
                self.weather_season_start,
            ),
            (
                "seasonality.weather_season_months",
                self.weather_season_months,
            ),
        ] {
            if value.fract() != 0.0 {
                problems.push(Problem::new(
                    key,
                    format!("value {value} is not a whole number of months"),
                ));
            }
        }
    }
}

impl Informal {
    /// Whether the block is all defaults (then it is left out when a file is written).
    pub fn is_default(&self) -> bool {
        *self == Informal::default()
    }

    /// The table rows of this block (the numbers; `enabled` is a switch, documented with
    /// the scenario-level inputs).
    pub const TABLE: &'static [ParamDoc] = &[
        ParamDoc {
            key: "informal.local_services_jobs_per_formal_job",
            unit: "jobs per formal job",
            default: "0.5",
            min: 0.0,
            max: 10.0,
            doc: "Informal jobs the local-services market (trade and services) sustains per formal local-services job located in the town; the informal sector's demand follows the local demand of the sector.",
            source: "Rosstat LFS (ONPZ) 2008: 17.9% of the employed work in the informal sector, most of them in trade and services (Gimpelson & Kapeliushnikov, eds., 2011, ch. 2); free, prior [0.2, 1]",
        },
        ParamDoc {
            key: "informal.tourism_jobs_per_formal_job",
            unit: "jobs per formal job",
            default: "1.0",
            min: 0.0,
            max: 10.0,
            doc: "Informal jobs tourism sustains per formal tourism job located in the town (guest houses, instructors, rentals, taxis).",
            source: "assumption: a large shadow sector in resort towns (issue 13, Sheregesh); free, prior [0.3, 3]",
        },
        ParamDoc {
            key: "informal.entry_rate",
            unit: "1/month",
            default: "0.15",
            min: 0.0,
            max: 1.0,
            doc: "Monthly probability that an unemployed member of the labour force who got no formal job takes informal work while the town's informal demand is all unfilled; it falls in proportion to the filled share (free entry up to the demand).",
            source: "Fields 1975 free-entry informal sector; Gimpelson & Kapeliushnikov (eds.) 2011: informality absorbs job losers; free, prior [0.05, 0.4]",
        },
        ParamDoc {
            key: "informal.separation_rate",
            unit: "1/month",
            default: "0.04",
            min: 0.0,
            max: 1.0,
            doc: "Monthly probability that an informal job ends; informal jobs in excess of the town's informal demand end as well.",
            source: "assumption: informal jobs last about two years, shorter than formal ones (Gimpelson & Kapeliushnikov, eds., 2011); free, prior [0.02, 0.1]",
        },
        ParamDoc {
            key: "informal.wage_ratio",
            unit: "share",
            default: "0.8",
            min: 0.0,
            max: 2.0,
            doc: "Informal earnings as a share of the mean wage of the town's formally employed residents last month (no skill premium; no income or payroll tax).",
            source: "assumption: informal pay below formal pay for comparable work (segmented-market literature: Fields 1975; the size not sourced up to 2010); free, prior [0.6, 1]",
        },
    ];

    pub(crate) fn validate(&self, problems: &mut Vec<Problem>) {
        let values = [
            self.local_services_jobs_per_formal_job,
            self.tourism_jobs_per_formal_job,
            self.entry_rate,
            self.separation_rate,
            self.wage_ratio,
        ];
        for (row, value) in Self::TABLE.iter().zip(values) {
            check_range(row.key, value, row.min, row.max, problems);
        }
    }
}

/// All parameter tables, in file order.
pub fn all_tables() -> Vec<&'static [ParamDoc]> {
    vec![
        Demography::TABLE,
        Labour::TABLE,
        Firms::TABLE,
        Migration::TABLE,
        Clusters::TABLE,
        Towns::TABLE,
        Seasonality::TABLE,
        Informal::TABLE,
        PolicyParams::TABLE,
        ShockParams::TABLE,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_inside_their_own_ranges() {
        let mut problems = Vec::new();
        Demography::default().validate(&mut problems);
        Labour::default().validate(&mut problems);
        Firms::default().validate(&mut problems);
        Migration::default().validate(&mut problems);
        Clusters::default().validate(&mut problems);
        Towns::default().validate(&mut problems);
        Informal::default().validate(&mut problems);
        assert!(problems.is_empty(), "{problems:?}");
    }

    /// The `[informal]` block is written by hand: its table rows must state the defaults
    /// the code uses, in field order, and switched off.
    #[test]
    fn informal_table_states_the_defaults_it_uses() {
        let d = Informal::default();
        assert!(!d.enabled && d.is_default());
        let values = [
            d.local_services_jobs_per_formal_job,
            d.tourism_jobs_per_formal_job,
            d.entry_rate,
            d.separation_rate,
            d.wage_ratio,
        ];
        assert_eq!(Informal::TABLE.len(), values.len());
        for (row, v) in Informal::TABLE.iter().zip(values) {
            assert_eq!(row.default.parse::<f64>().unwrap(), v, "{}", row.key);
            assert!(row.key.starts_with("informal."));
        }
        let mut problems = Vec::new();
        Informal {
            entry_rate: 1.5,
            ..d
        }
        .validate(&mut problems);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].to_string().contains("informal.entry_rate"));
    }

    #[test]
    fn every_parameter_is_documented_with_unit_and_source() {
        for table in all_tables() {
            for row in table {
                assert!(!row.doc.trim().is_empty(), "{} has no doc", row.key);
                assert!(
                    !row.unit.is_empty() && !row.source.is_empty(),
                    "{}",
                    row.key
                );
                assert!(row.min <= row.max, "{}", row.key);
            }
        }
    }

    #[test]
    fn out_of_range_value_names_key_and_range() {
        let m = Migration {
            base_hazard: 2.0,
            ..Migration::default()
        };
        let mut problems = Vec::new();
        m.validate(&mut problems);
        assert_eq!(problems.len(), 1);
        let text = problems[0].to_string();
        assert!(
            text.contains("migration.base_hazard") && text.contains("[0, 1]"),
            "{text}"
        );
    }
}

/// The parameter table as Markdown (for `monotown params` and docs/ODD.md).
pub fn markdown_table() -> String {
    let mut s = String::from(
        "| key | unit | default | valid range | meaning | source |\n|---|---|---|---|---|---|\n",
    );
    for table in all_tables() {
        for r in table {
            s.push_str(&format!(
                "| `{}` | {} | {} | [{}, {}] | {} | {} |\n",
                r.key,
                r.unit,
                r.default,
                r.min,
                r.max,
                r.doc.trim(),
                r.source
            ));
        }
    }
    s
}

// ------------------------------------------------------------ policies and shocks

/// One numeric parameter of a policy or shock kind: its table row, its default (`None`
/// when the scenario must give it) and the range the validator checks.
#[derive(Debug, Clone, Copy)]
pub struct SpecParam {
    /// The row of the parameter table; its key is `policy.<kind>.<field>` or
    /// `shock.<kind>.<field>`.
    pub doc: ParamDoc,
    /// Field name inside a `[[policy]]` or `[[shock]]` entry.
    pub field: &'static str,
    /// Default when the entry omits the field; `None` when it is required.
    pub default: Option<f64>,
}

impl SpecParam {
    /// The default value. Panics (at compile time where used in a `const`) for a required field.
    pub const fn default_value(&self) -> f64 {
        match self.default {
            Some(v) => v,
            None => panic!("a required policy or shock field has no default"),
        }
    }

    /// Check `value` of the entry at `entry_key` (e.g. `policy[2]`) against the range.
    pub(crate) fn check(&self, entry_key: &str, value: f64, problems: &mut Vec<Problem>) {
        check_range(
            &format!("{entry_key}.{}", self.field),
            value,
            self.doc.min,
            self.doc.max,
            problems,
        );
    }
}

macro_rules! spec_default {
    (required) => {
        None
    };
    ($v:literal) => {
        Some($v)
    };
}

/// Like `param_block!`, for the fields of `[[policy]]` and `[[shock]]` entries, which are
/// lists keyed by `kind` rather than one table: one `SpecParam` constant per field, and the
/// table rows. A default of `required` means the scenario must give the value.
macro_rules! spec_params {
    (
        $(#[doc = $sdoc:literal])*
        $name:ident, $section:literal {
            $(
                $(#[doc = $doc:literal])*
                $const:ident = $kind:ident . $field:ident : $default:tt, [$min:expr, $max:expr], $unit:literal, $source:literal;
            )*
        }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;

        impl $name {
            $(
                $(#[doc = $doc])*
                pub const $const: SpecParam = SpecParam {
                    doc: ParamDoc {
                        key: concat!($section, ".", stringify!($kind), ".", stringify!($field)),
                        unit: $unit,
                        default: stringify!($default),
                        min: $min as f64,
                        max: $max as f64,
                        doc: concat!($($doc, " "),*),
                        source: $source,
                    },
                    field: stringify!($field),
                    default: spec_default!($default),
                };
            )*

            /// The table rows of this block.
            pub const TABLE: &'static [ParamDoc] = &[ $( Self::$const.doc, )* ];
        }
    };
}

spec_params! {
    /// Parameters of the policies a scenario schedules (`[[policy]]`, by `kind`). Towns'
    /// `institutions` present from the start act with the defaults of the matching policy.
    PolicyParams, "policy" {
        /// Share of the wage bill paid by the state.
        WAGE_SUBSIDY_SHARE = wage_subsidy.share: required, [0.0, 1.0], "share of wages", "set by the scenario";
        /// Grant per worker per month.
        GRANT_KRUB_PER_WORKER = grant.krub_per_worker: required, [0.0, 1000.0], "thousand RUB/worker/month", "set by the scenario";
        /// Reduction of the yearly capital cost.
        SOFT_LOAN_RATE_CUT = soft_loan.rate_cut: required, [0.0, 1.0], "1/year", "set by the scenario";
        /// Share of the profit tax forgiven.
        TAX_BREAK_SHARE = tax_break.share: required, [0.0, 1.0], "share of profit tax", "set by the scenario";
        /// Firms up to this age qualify for the tax break (firms in innovative sectors always do).
        TAX_BREAK_MAX_AGE_YEARS = tax_break.max_age_years: 3.0, [0.0, 100.0], "years", "assumption (was a literal default in code)";
        /// Multiplier on the start-up rate in a special economic zone (at least 1: a zone raises start-ups).
        SPECIAL_ZONE_STARTUP_MULTIPLIER = special_zone.startup_multiplier: 2.0, [1.0, 20.0], "ratio", "assumption (was a literal default in code)";
        /// Share of the profit tax forgiven in a special economic zone.
        SPECIAL_ZONE_TAX_BREAK_SHARE = special_zone.tax_break_share: 0.5, [0.0, 1.0], "share of profit tax", "assumption (was a literal in code)";
        /// Firms up to this age get the zone's tax break.
        SPECIAL_ZONE_MAX_AGE_YEARS = special_zone.max_age_years: 5.0, [0.0, 100.0], "years", "assumption (was a literal in code: 60 months)";
        /// Share of firms' losses covered by the state.
        PPP_RISK_SHARING_LOSS_SHARE = ppp_risk_sharing.loss_share: required, [0.0, 1.0], "share of losses", "set by the scenario";
        /// Multiplier on the start-up rate with a business incubator (at least 1: an incubator raises start-ups).
        INCUBATOR_STARTUP_MULTIPLIER = incubator.startup_multiplier: 2.0, [1.0, 20.0], "ratio", "assumption (was a literal default in code)";
        /// Multiplier on the link formation probability in an industrial park (at least 1).
        INDUSTRIAL_PARK_LINK_MULTIPLIER = industrial_park.link_multiplier: 3.0, [1.0, 50.0], "ratio", "assumption (was a literal default in code)";
        /// Yearly probability that a worker's skill is upgraded by one level.
        TRAINING_UPGRADE_PER_YEAR = training.upgrade_per_year: required, [0.0, 1.0], "1/year", "set by the scenario";
        /// Share by which the migration hazard of 16-30-year-olds falls (the hazard multiplier is 1 - cut; a cut of 1 would stop youth migration entirely).
        YOUTH_RETENTION_HAZARD_CUT = youth_retention.hazard_cut: required, [0.0, 0.9], "share", "set by the scenario";
        /// Multiplier on the travel times of links touching the towns (at most 1: the model ignores slower links; at least 0.1 so that travel stays a cost).
        INFRASTRUCTURE_TRAVEL_TIME_MULTIPLIER = infrastructure.travel_time_multiplier: required, [0.1, 1.0], "ratio", "set by the scenario";
        /// Relocated firms per year per receiving town.
        RELOCATION_FIRMS_PER_YEAR = relocation.firms_per_year: required, [0.0, 1000.0], "firms/year", "set by the scenario";
        /// Workforce of each relocated firm.
        RELOCATION_SIZE = relocation.size: 50.0, [1.0, 10000.0], "workers", "assumption (was a literal default in code)";
        /// Multiplier on link formation among co-located firms of the seeded sectors (at least 1).
        CLUSTER_SEED_LINK_MULTIPLIER = cluster_seed.link_multiplier: 5.0, [1.0, 50.0], "ratio", "assumption (was a literal default in code)";
    }
}

spec_params! {
    /// Parameters of the shocks a scenario schedules (`[[shock]]`, by `kind`). Multipliers
    /// of 0 would remove a market or a vital rate entirely, so their ranges start above 0.
    ShockParams, "shock" {
        /// Multiplier on the sector's world price.
        WORLD_PRICE_MULTIPLIER = world_price.multiplier: required, [0.05, 20.0], "ratio", "set by the scenario";
        /// Multiplier on the cost of imported inputs (0 would make imports free).
        SANCTIONS_IMPORT_COST_MULTIPLIER = sanctions.import_cost_multiplier: required, [0.1, 20.0], "ratio", "set by the scenario";
        /// Multiplier on the cost of all intermediate inputs (relative-price shock).
        INPUT_PRICE_MULTIPLIER = input_price.multiplier: required, [0.1, 20.0], "ratio", "set by the scenario";
        /// Share of the firm's capacity cut (1 = closure).
        PLANT_CLOSURE_SHARE = plant_closure.share: required, [0.0, 1.0], "share", "set by the scenario";
        /// Multiplier on national and local demand during the crisis.
        CRISIS_DEMAND = crisis.demand: 1.0, [0.05, 5.0], "ratio", "assumption (was a literal default in code: no change)";
        /// Multiplier on mortality during the crisis.
        CRISIS_MORTALITY = crisis.mortality: 1.0, [0.1, 10.0], "ratio", "assumption (was a literal default in code: no change)";
        /// Multiplier on fertility during the crisis.
        CRISIS_FERTILITY = crisis.fertility: 1.0, [0.1, 10.0], "ratio", "assumption (was a literal default in code: no change)";
        /// Multiplier on state (defence) orders.
        STATE_ORDERS_MULTIPLIER = state_orders.multiplier: required, [0.05, 20.0], "ratio", "set by the scenario";
        /// Share of the giant's workforce moved to one unit.
        RESTRUCTURE_UNIT_SHARE = restructure.share: required, [0.0, 1.0], "share of workforce", "set by the scenario";
    }
}
