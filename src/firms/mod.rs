//! Firms: sectors, kinds, owners and the firm table.
//!
//! Firms are few (thousands) next to people (millions), so they are a plain `Vec<Firm>`
//! indexed by [`FirmId`]; ids are append-only and a closed firm keeps its slot with
//! `alive = false`. Production and decisions are in [`production`]; start-ups,
//! spin-offs and relocations in [`entry`]; the split of a giant into units and one-off
//! closures in [`restructure`]; holdings' yearly reviews in [`holdings`].

pub mod arrears;
pub mod entry;
pub mod holdings;
pub mod production;
pub mod restructure;
pub mod social_assets;

use serde::{Deserialize, Serialize};

use crate::ids::{ClusterId, FirmId, HoldingId, TownId};
use crate::scenario::Firms;

/// Sectors of the local economy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Sector {
    Metallurgy,
    MachineryDefence,
    Mining,
    Chemicals,
    PharmaBiotech,
    CompositesMaterials,
    It,
    Tourism,
    LocalServices,
    PublicSector,
}

impl Sector {
    /// Number of sectors.
    pub const COUNT: usize = 10;

    /// All sectors, in output-column order.
    pub const ALL: [Sector; Sector::COUNT] = [
        Sector::Metallurgy,
        Sector::MachineryDefence,
        Sector::Mining,
        Sector::Chemicals,
        Sector::PharmaBiotech,
        Sector::CompositesMaterials,
        Sector::It,
        Sector::Tourism,
        Sector::LocalServices,
        Sector::PublicSector,
    ];

    /// Name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Sector::Metallurgy => "metallurgy",
            Sector::MachineryDefence => "machinery_defence",
            Sector::Mining => "mining",
            Sector::Chemicals => "chemicals",
            Sector::PharmaBiotech => "pharma_biotech",
            Sector::CompositesMaterials => "composites_materials",
            Sector::It => "it",
            Sector::Tourism => "tourism",
            Sector::LocalServices => "local_services",
            Sector::PublicSector => "public_sector",
        }
    }

    /// Position in [`Sector::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Mining or manufacturing (not oil and gas): the sectors that can make a town a
    /// monotown under the 2014 criteria.
    pub fn is_industrial(self) -> bool {
        matches!(
            self,
            Sector::Metallurgy
                | Sector::MachineryDefence
                | Sector::Mining
                | Sector::Chemicals
                | Sector::PharmaBiotech
                | Sector::CompositesMaterials
        )
    }

    /// Non-tradable market sectors whose customers are the town's residents: when a firm
    /// closes, its customers stay in town and move to the survivors (7.16). The public
    /// sector is budget-funded and has no customers of its own.
    pub fn customers_stay_in_town(self) -> bool {
        matches!(self, Sector::LocalServices)
    }

    /// Sectors whose firms can form cluster links: tradable industries, IT and tourism.
    /// Local services and the public sector serve the town's own demand and are not
    /// clustered (Porter 1998: clusters are groups of traded-sector firms).
    pub fn can_cluster(self) -> bool {
        !matches!(self, Sector::LocalServices | Sector::PublicSector)
    }

    /// Innovative sectors (tax breaks, incubator start-ups).
    pub fn is_innovative(self) -> bool {
        matches!(
            self,
            Sector::PharmaBiotech | Sector::CompositesMaterials | Sector::It
        )
    }

    /// Market shares (export, state orders, local) of generated firms of this sector;
    /// the rest is sold nationally.
    pub fn default_markets(self) -> (f64, f64, f64) {
        match self {
            Sector::Metallurgy => (0.5, 0.0, 0.0),
            Sector::MachineryDefence => (0.1, 0.3, 0.0),
            Sector::Mining => (0.45, 0.0, 0.0),
            Sector::Chemicals => (0.25, 0.1, 0.0),
            Sector::PharmaBiotech => (0.15, 0.1, 0.1),
            Sector::CompositesMaterials => (0.2, 0.1, 0.0),
            Sector::It => (0.2, 0.0, 0.2),
            Sector::Tourism => (0.1, 0.0, 0.3),
            Sector::LocalServices => (0.0, 0.0, 1.0),
            Sector::PublicSector => (0.0, 0.0, 1.0),
        }
    }

    /// Imported-input share of generated firms (seed 004: Biysk strongly import-dependent).
    pub fn default_import_share(self) -> f64 {
        match self {
            Sector::PharmaBiotech | Sector::CompositesMaterials => 0.35,
            Sector::Chemicals | Sector::MachineryDefence | Sector::It => 0.2,
            Sector::Metallurgy | Sector::Mining => 0.1,
            _ => 0.05,
        }
    }
}

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

/// Smallest denominator of the break-even productivity (a numerical guard when costs
/// other than labour eat almost all revenue).
const MIN_LABOUR_SHARE: f64 = 0.05;

/// Productivity that makes a firm break even at the initial margin.
pub fn balanced_productivity(base_wage: f64, p: &Firms) -> f64 {
    let denom = 1.0
        - p.domestic_input_share
        - p.initial_margin
        - p.capital_months_of_output * p.capital_cost / 12.0;
    base_wage * (1.0 + p.payroll_tax) / denom.max(MIN_LABOUR_SHARE)
}

/// Sector relatedness in [0, 1]: how readily firms of two sectors cooperate (supplier
/// links, shared skills). Symmetric; a structural assumption in the spirit of the product
/// space (Hidalgo et al. 2007) and of seed 002 (clusters around a base production whose
/// by-products feed related firms).
pub fn relatedness(a: Sector, b: Sector) -> f64 {
    use Sector::*;
    if a == b {
        return 1.0;
    }
    let pair = if a.index() < b.index() {
        (a, b)
    } else {
        (b, a)
    };
    match pair {
        (Metallurgy, MachineryDefence) => 0.7,
        (Metallurgy, Mining) => 0.8,
        (Metallurgy, Chemicals) => 0.4,
        (Metallurgy, CompositesMaterials) => 0.5,
        (MachineryDefence, Chemicals) => 0.4,
        (MachineryDefence, CompositesMaterials) => 0.6,
        (MachineryDefence, It) => 0.5,
        (Mining, Chemicals) => 0.5,
        (Chemicals, PharmaBiotech) => 0.7,
        (Chemicals, CompositesMaterials) => 0.8,
        (PharmaBiotech, CompositesMaterials) => 0.4,
        (PharmaBiotech, It) => 0.5,
        (CompositesMaterials, It) => 0.4,
        (It, LocalServices) => 0.3,
        (Tourism, LocalServices) => 0.6,
        _ => 0.1,
    }
}

/// Kinds of firm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FirmKind {
    /// City-forming enterprise.
    Giant,
    /// Other large employer.
    Large,
    /// Small or medium firm.
    Sme,
    /// Spin-off of a large firm or unit of a split giant.
    Spinoff,
    /// The job pool a hub city offers commuters (created by the model).
    Hub,
}

impl FirmKind {
    /// Name used in files.
    pub fn name(self) -> &'static str {
        match self {
            FirmKind::Giant => "giant",
            FirmKind::Large => "large",
            FirmKind::Sme => "sme",
            FirmKind::Spinoff => "spinoff",
            FirmKind::Hub => "hub",
        }
    }
}

/// Who owns a firm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Owner {
    /// A holding company headquartered outside the town.
    Holding,
    /// The state.
    State,
    /// Local owners.
    Local,
}

impl Owner {
    /// Name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Owner::Holding => "holding",
            Owner::State => "state",
            Owner::Local => "local",
        }
    }
}

/// One firm.
#[derive(Debug, Clone)]
pub struct Firm {
    /// Name (generated firms get `<town> <sector> #<id>`).
    pub name: String,
    /// Location.
    pub town: TownId,
    /// Sector.
    pub sector: Sector,
    /// Kind.
    pub kind: FirmKind,
    /// Owner.
    pub owner: Owner,
    /// Holding index, when owned by a holding.
    pub holding: Option<HoldingId>,
    /// How many real firms this firm stands for (1 for named firms, 1/scale for generated ones).
    pub weight: f64,
    /// Still operating.
    pub alive: bool,
    /// Month index of entry.
    pub born_month: i32,
    /// Agents employed (recounted every month from the people).
    pub workforce: u32,
    /// Workforce wanted (agents).
    pub target: f64,
    /// Vacancies posted this month (agents).
    pub vacancies: u32,
    /// Hires made last month.
    pub hires: u32,
    /// Probability that each worker is laid off this month.
    pub layoff_probability: f32,
    /// Base wage (thousand RUB/month), scaled by each worker's skill multiplier.
    pub base_wage: f64,
    /// Output per worker-month at base prices (thousand RUB).
    pub productivity: f64,
    /// Demand at base indices (thousand RUB/month).
    pub base_demand: f64,
    /// Idiosyncratic demand factor (log random walk).
    pub demand_shock: f64,
    /// Market shares.
    pub export_share: f64,
    /// State-order share.
    pub state_order_share: f64,
    /// Local share.
    pub local_share: f64,
    /// Imported-input share of intermediate inputs.
    pub import_share: f64,
    /// Keeps jobs through losses.
    pub social_role: bool,
    /// Capital stock (thousand RUB).
    pub capital: f64,
    /// Accumulated cash (thousand RUB); negative is debt.
    pub cash: f64,
    /// Last month's output (thousand RUB).
    pub output: f64,
    /// Last month's profit after tax (thousand RUB).
    pub profit: f64,
    /// Profit over the last 12 months (for holding reviews), updated monthly with decay.
    pub profit_year: f64,
    /// Modernisation stage reached: 0 none, 1 organisational, 2 digital, 3 capital.
    pub modernisation: u8,
    /// Cluster the firm belongs to.
    pub cluster: Option<ClusterId>,
    /// Share of the cluster's equipment pool this member can use (1 unless the pool is
    /// congested; 7.18, club congestion).
    pub pool_share: f64,
    /// Multiplier on target from closure shocks.
    pub capacity: f64,
    /// Wage arrears: wages owed to the workers but not yet paid (thousand RUB).
    pub arrears: f64,
    /// Cash paid to the workers this month over the wages due (1 normally; below 1 while
    /// wages are withheld, above 1 while arrears are repaid). People receive
    /// `base_wage * pay_ratio`.
    pub pay_ratio: f64,
    /// Cash flows of the last month, recorded for the stock-flow tests (not read by the
    /// model).
    pub last_month: FirmFlows,
    /// The firm a spin-off came from (Klepper 2007: spin-offs inherit their parent's
    /// know-how); `None` for other firms.
    pub parent: Option<FirmId>,
    /// Log productivity an entrant still has to learn (0 for incumbents; Jovanovic 1982).
    pub learning_gap: f64,
    /// The regional wage-curve factor already applied to the firm's wage (its town's
    /// wage level relative to the national norm from local unemployment;
    /// [`crate::markets::goods::Markets::apply_wage_curve`]).
    pub wage_curve: f64,
    /// Log points by which a firm with a social role has cut its wage below the national
    /// norm for losses (0 for other firms; see `production::set_wage`).
    pub wage_cut: f64,
}

/// One month's cash flows of a firm (thousand RUB, agents' units). Recorded so that
/// `cash(t+1) = cash(t) + inflows - outflows` can be checked; the model does not read
/// them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FirmFlows {
    /// Sales.
    pub revenue: f64,
    /// Wage subsidies and grants per worker received.
    pub support: f64,
    /// Losses covered by a public-private partnership.
    pub loss_cover: f64,
    /// Wages paid, before payroll taxes.
    pub wages: f64,
    /// Payroll taxes.
    pub payroll_tax: f64,
    /// Intermediate inputs, imports included.
    pub inputs: f64,
    /// Cost of capital (interest), after rate cuts and cluster pooling.
    pub capital_cost: f64,
    /// Profit tax paid, after tax breaks.
    pub profit_tax: f64,
    /// Spending on modernisation.
    pub investment: f64,
    /// Wages due this month but withheld (new wage arrears: a forced loan from the workers).
    pub arrears_incurred: f64,
    /// Wage arrears paid back this month.
    pub arrears_repaid: f64,
    /// Upkeep of the social assets the firm still holds ([`social_assets`]).
    pub social_assets: f64,
    /// Upkeep of the social assets the firm has handed over, paid by the municipal budget
    /// (not a flow of the firm's cash; recorded here for the town's tally).
    pub social_assets_divested: f64,
    /// Dividends paid to the owners (outside the modelled towns) out of free cash.
    pub dividends: f64,
}

impl FirmFlows {
    /// Inflows minus outflows: the change of cash these flows imply.
    pub fn net(&self) -> f64 {
        self.revenue + self.support + self.loss_cover
            - self.wages
            - self.payroll_tax
            - self.inputs
            - self.capital_cost
            - self.profit_tax
            - self.investment
            - self.social_assets
            - self.dividends
            + self.arrears_incurred
            - self.arrears_repaid
    }
}

impl Firm {
    /// A live firm in its neutral starting state: no workers, hires, output, profit,
    /// arrears, cluster, parent or learning gap; full capacity, pool share, pay ratio and
    /// wage-curve factor. Its identity, plan, markets and balance sheet are placeholders
    /// (an unnamed local-services SME of weight 1 in town 0 with nothing to sell): every
    /// constructor sets those and takes the rest from here with `..Firm::neutral()`, so a
    /// new dynamic field gets its starting value in one place.
    pub fn neutral() -> Firm {
        Firm {
            name: String::new(),
            town: TownId(0),
            sector: Sector::LocalServices,
            kind: FirmKind::Sme,
            owner: Owner::Local,
            holding: None,
            weight: 1.0,
            alive: true,
            born_month: 0,
            workforce: 0,
            target: 0.0,
            vacancies: 0,
            hires: 0,
            layoff_probability: 0.0,
            base_wage: 0.0,
            productivity: 0.0,
            base_demand: 0.0,
            demand_shock: 0.0,
            export_share: 0.0,
            state_order_share: 0.0,
            local_share: 0.0,
            import_share: 0.0,
            social_role: false,
            capital: 0.0,
            cash: 0.0,
            output: 0.0,
            profit: 0.0,
            profit_year: 0.0,
            modernisation: 0,
            cluster: None,
            pool_share: 1.0,
            capacity: 1.0,
            arrears: 0.0,
            pay_ratio: 1.0,
            last_month: FirmFlows::default(),
            parent: None,
            learning_gap: 0.0,
            wage_curve: 1.0,
            wage_cut: 0.0,
        }
    }

    /// Cash wage per worker actually received this month, before the skill multiplier.
    pub fn paid_wage(&self) -> f64 {
        self.base_wage * self.pay_ratio
    }
}

impl Firm {
    /// Workforce in real persons represented by the whole firm (all firms it stands for).
    pub fn real_workforce(&self, scale: f64) -> f64 {
        self.workforce as f64 / scale
    }
}

/// A firm for unit tests: built like an entrant (balanced accounts), in town 0, with a
/// productivity of 40 and a base wage of 20, and no workers yet.
#[cfg(test)]
pub(crate) fn test_firm(name: &str, sector: Sector, kind: FirmKind, size: f64, p: &Firms) -> Firm {
    entry::make_firm(
        entry::NewFirm {
            town: TownId(0),
            sector,
            kind,
            size,
            productivity: 40.0,
            base_wage: 20.0,
            demand_index: 1.0,
            cash_months: 2.0,
            weight: 1.0,
            month: 0,
            name: name.into(),
        },
        p,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relatedness_is_symmetric_and_one_on_the_diagonal() {
        for a in Sector::ALL {
            assert_eq!(relatedness(a, a), 1.0);
            for b in Sector::ALL {
                assert_eq!(relatedness(a, b), relatedness(b, a));
                assert!((0.0..=1.0).contains(&relatedness(a, b)));
            }
        }
    }

    #[test]
    fn default_markets_leave_a_non_negative_national_share() {
        for s in Sector::ALL {
            let (e, g, l) = s.default_markets();
            assert!(e + g + l <= 1.0 + 1e-12, "{s:?}");
        }
    }
}
