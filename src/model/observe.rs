//! Observation: what the model records each month and each year.
//!
//! Records are kept as plain rows in memory (a run is a few thousand town-months) and
//! turned into Parquet/CSV tables by `crate::output`. Counts are converted to real
//! persons here (agents / scale), once.

/// One town in one month.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs)]
pub struct TownRow {
    pub town: String,
    pub is_hub: bool,
    pub year: i32,
    pub month: i32,
    pub population: i64,
    pub pop_band: [i64; 5],
    pub pop_skill: [i64; 3],
    pub labour_force: i64,
    pub employed: i64,
    pub unemployed: i64,
    pub unemployment_rate: f64,
    pub vacancies: i64,
    pub jobs: i64,
    pub mean_wage_krub: f64,
    pub median_wage_krub: f64,
    pub births: i64,
    pub deaths: i64,
    pub in_migrants: i64,
    pub out_migrants: i64,
    pub out_band: [i64; 5],
    pub commuters_out: i64,
    pub commuters_in: i64,
    pub hires: i64,
    pub separations: i64,
    pub firms: i64,
    pub firms_kind: [i64; 4],
    pub firms_sector: [i64; 10],
    pub emp_giant: i64,
    pub emp_sector: [i64; 10],
    pub largest_employer_share: f64,
    pub diversification_index: f64,
    pub clusters: i64,
    pub cluster_employment: i64,
    pub cluster_output_share: f64,
    pub amenity_index: f64,
    pub housing_cost_krub: f64,
    pub budget_revenue_krub: f64,
    pub budget_spending_krub: f64,
    pub budget_balance_krub: f64,
    pub monotown_status: bool,
    pub monotown_category: i32,
}

/// Yearly origin-destination flow.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct OdRow {
    pub year: i32,
    pub origin: String,
    pub destination: String,
    pub migrants: i64,
    pub migrants_18_29: i64,
}

/// Yearly firm snapshot row.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct FirmRow {
    pub year: i32,
    pub firm_id: u32,
    pub name: String,
    pub town: String,
    pub sector: &'static str,
    pub kind: &'static str,
    pub owner: &'static str,
    pub workforce: i64,
    pub represents: f64,
    pub wage_krub: f64,
    pub productivity: f64,
    pub capital_krub: f64,
    pub output_krub: f64,
    pub profit_krub: f64,
    pub modernisation_stage: i32,
    pub export_share: f64,
    pub import_share: f64,
    pub cluster_id: Option<u32>,
    pub age_months: i32,
}

/// Yearly cluster snapshot row.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct ClusterRow {
    pub year: i32,
    pub town: String,
    pub cluster_id: u32,
    pub members: i64,
    pub employment: i64,
    pub output_share: f64,
    pub sectors: String,
}

/// Event log row.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct EventRow {
    pub year: i32,
    pub month: i32,
    pub town: Option<String>,
    pub kind: &'static str,
    pub subject: String,
    pub detail: String,
}

/// Everything recorded by a run.
#[derive(Debug, Clone, Default)]
pub struct Records {
    /// Town x month.
    pub towns: Vec<TownRow>,
    /// Year x origin x destination.
    pub od: Vec<OdRow>,
    /// Year x firm.
    pub firms: Vec<FirmRow>,
    /// Year x cluster.
    pub clusters: Vec<ClusterRow>,
    /// Events.
    pub events: Vec<EventRow>,
}
