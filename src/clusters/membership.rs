//! Cluster organisations and voluntary membership.
//!
//! A cluster policy (`cluster_seed`) founds one organisation per town and distinct set of
//! sectors. Firms of related sectors within commuting reach may join it when membership
//! pays: the learning spillover (growing with the log of the others' employment relative
//! to the firm's own, capped; Duranton & Puga 2004) and the shared equipment pool, minus
//! the knowledge the firm leaks to the other members (its share of the organisation's
//! employment: large leading firms give more than they get, Shaver & Flyer 2000) and a
//! membership cost. A firm can use only as much of the learning spillover as its own
//! knowledge base lets it absorb (absorptive capacity, Cohen & Levinthal 1990; Giuliani &
//! Bell 2005): the share `n / (n + absorptive_half_size)` of a firm of `n` workers, so
//! micro firms gain little and stay outside. Every firm of the organisation's own (seeded) sectors in its town knows
//! of it from its founding, whatever its size: the programme is public and approaches
//! them (seed 004: the Biysk business incubator hosts the cluster partnerships). Firms of
//! related sectors, and firms of other towns within reach, learn of it only through a
//! supplier link to a member (partners tell partners). Each firm reviews its membership
//! with a monthly probability and joins the organisation that pays most (or leaves when
//! none pays). City-forming giants never join. The equipment pool serves a limited number
//! of member workers: past its capacity each member's share of it shrinks (club
//! congestion, Buchanan 1965), so the pool stops attracting members once the club is full.

use crate::firms::{Firm, FirmKind, Sector, relatedness};
use crate::ids::ClusterId;
use crate::rng::{Process, Stream};

use super::{ClusterMonth, eligible};

/// A cluster organisation founded by a policy seed.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterOrg {
    /// Id: the first member's firm id (None before anyone joined).
    pub id: Option<ClusterId>,
    /// Town of the seed.
    pub town: usize,
    /// Seeded sectors (bit `Sector::index`).
    pub mask: u32,
    /// Member firm indices (sorted).
    pub members: Vec<u32>,
}

/// What a firm needs to weigh a membership, in real units per represented firm.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    /// Workforce of one represented firm (agent persons; only ratios matter).
    pub employment: f64,
    /// Monthly output (thousand RUB).
    pub output: f64,
    /// Capital (thousand RUB).
    pub capital: f64,
    /// Base wage (thousand RUB/month).
    pub wage: f64,
    /// Workforce of one represented firm in real persons (for absorptive capacity).
    pub workers: f64,
    /// Workforce of all the firms the agent firm represents (agent persons, the unit of
    /// the organisation's employment), for the pool's congestion.
    pub represented: f64,
}

/// Share of the shared equipment pool each member can use when the members employ
/// `workers` real persons and the pool serves `capacity` of them at the full discount
/// (club congestion, Buchanan 1965): `min(1, capacity / workers)`; 1 when `capacity` is 0
/// (congestion off) or nobody works.
pub fn pool_share(workers: f64, capacity: f64) -> f64 {
    if capacity <= 0.0 || workers <= capacity {
        1.0
    } else {
        capacity / workers
    }
}

/// Share of the learning spillover a firm of `workers` real persons can absorb
/// (Cohen & Levinthal 1990): `n / (n + half)`, or all of it when `half` is 0.
pub fn absorptive_share(workers: f64, half: f64) -> f64 {
    if half <= 0.0 {
        1.0
    } else {
        let n = workers.max(0.0);
        n / (n + half)
    }
}

/// Net monthly benefit (thousand RUB) of membership for a firm, given the employment of
/// the other members (agent persons, same units as `c.employment`).
pub fn net_benefit(c: &Candidate, others: f64, m: &ClusterMonth<'_>) -> f64 {
    let p = m.params;
    if c.employment <= 0.0 {
        return f64::NEG_INFINITY;
    }
    let ratio = (others / c.employment).min(p.max_spillover_ratio);
    let learning =
        absorptive_share(c.workers, p.absorptive_half_size) * p.spillover * ratio.ln_1p();
    let leakage = p.leakage_weight * p.spillover * c.employment / (c.employment + others);
    let users = (others + c.represented) / m.scale.max(f64::MIN_POSITIVE);
    let pool = p.pool_capital_discount
        * pool_share(users, p.pool_capacity_workers)
        * c.capital
        * m.capital_cost
        / 12.0;
    c.output * (learning - leakage) + pool - p.membership_cost_wage_months * c.wage
}

/// Relatedness of a sector to the sectors of a mask (the largest).
pub fn mask_relatedness(s: Sector, mask: u32) -> f64 {
    Sector::ALL
        .iter()
        .filter(|o| mask & (1 << o.index()) != 0)
        .map(|&o| relatedness(s, o))
        .fold(0.0, f64::max)
}

fn candidate(f: &Firm, scale: f64) -> Candidate {
    let w = f.weight.max(1.0);
    Candidate {
        employment: f.workforce as f64 / w,
        output: f.output / (scale * w),
        capital: f.capital / (scale * w),
        wage: f.base_wage,
        workers: f.workforce as f64 / (scale * w),
        represented: f.workforce as f64,
    }
}

/// Founds the organisations of the seeds in force that do not exist yet.
pub fn found_orgs(orgs: &mut Vec<ClusterOrg>, m: &ClusterMonth<'_>) {
    for (town, l) in m.levers.iter().enumerate() {
        for &mask in l.cluster_seeds.iter().filter(|&&s| s != 0) {
            if !orgs.iter().any(|o| o.town == town && o.mask == mask) {
                orgs.push(ClusterOrg {
                    id: None,
                    town,
                    mask,
                    members: Vec::new(),
                });
            }
        }
    }
}

/// Link adjacency in compressed rows: neighbours of `v` are
/// `targets[offsets[v]..offsets[v + 1]]`.
pub struct Adjacency {
    /// Row starts.
    pub offsets: Vec<u32>,
    /// Neighbours.
    pub targets: Vec<u32>,
}

impl Adjacency {
    /// Builds the adjacency of `n` nodes from sorted undirected links.
    pub fn new<'a>(n: usize, links: impl Iterator<Item = &'a (u32, u32)> + Clone) -> Self {
        let mut offsets = vec![0u32; n + 1];
        for &(a, b) in links.clone() {
            offsets[a as usize + 1] += 1;
            offsets[b as usize + 1] += 1;
        }
        for v in 0..n {
            offsets[v + 1] += offsets[v];
        }
        let mut fill = offsets.clone();
        let mut targets = vec![0u32; offsets[n] as usize];
        for &(a, b) in links {
            targets[fill[a as usize] as usize] = b;
            fill[a as usize] += 1;
            targets[fill[b as usize] as usize] = a;
            fill[b as usize] += 1;
        }
        Adjacency { offsets, targets }
    }

    /// Neighbours of `v`.
    pub fn of(&self, v: usize) -> &[u32] {
        &self.targets[self.offsets[v] as usize..self.offsets[v + 1] as usize]
    }
}

/// A firm of one of the organisation's own sectors in its town knows of it (the
/// programme approaches them), at any size of the organisation.
pub fn knows_of(o: &ClusterOrg, f: &Firm) -> bool {
    o.town == f.town.index() && o.mask & (1 << f.sector.index()) != 0
}

/// Firm `i` has a link to a member of organisation `k` (word of mouth).
fn linked_to(adj: &Adjacency, org_of: &[u32], i: usize, k: usize) -> bool {
    adj.of(i).iter().any(|&j| org_of[j as usize] == k as u32)
}

/// One month of membership reviews. `org_of[i]` is the organisation index of firm `i`
/// (`u32::MAX` for none); it and the member lists are updated.
pub fn review(
    orgs: &mut [ClusterOrg],
    org_of: &mut [u32],
    firms: &[Firm],
    adj: &Adjacency,
    m: &ClusterMonth<'_>,
) {
    // Members that exited or stopped being eligible leave.
    for o in orgs.iter_mut() {
        o.members.retain(|&i| eligible(&firms[i as usize]));
    }
    for (i, k) in org_of.iter_mut().enumerate() {
        if *k != u32::MAX && !eligible(&firms[i]) {
            *k = u32::MAX;
        }
    }
    let mut employment: Vec<f64> = orgs
        .iter()
        .map(|o| {
            o.members
                .iter()
                .map(|&i| firms[i as usize].workforce as f64)
                .sum()
        })
        .collect();
    for (i, f) in firms.iter().enumerate() {
        // City-forming giants run their own (Soviet-era, vertically integrated) supply
        // chains and do not join; the seeds describe the clusters as groups of small
        // firms and units of split giants (seed 004).
        if orgs.is_empty() || !eligible(f) || f.kind == FirmKind::Giant {
            continue;
        }
        let mut rng = Stream::new(m.seed, Process::ClusterMembership, i as u64, m.step);
        if !rng.bernoulli(m.params.review_probability) {
            continue;
        }
        let current = org_of[i];
        let t = f.town.index();
        let mut best: Option<(usize, f64)> = None;
        for (k, o) in orgs.iter().enumerate() {
            let member = current == k as u32;
            if !(member || knows_of(o, f) || linked_to(adj, org_of, i, k))
                || !m.reach[t * m.n_towns + o.town]
            {
                continue;
            }
            if mask_relatedness(f.sector, o.mask) < m.params.relatedness_threshold {
                continue;
            }
            let c = candidate(f, m.scale);
            let own = if member { f.workforce as f64 } else { 0.0 };
            let others = (employment[k] - own).max(0.0);
            let net = net_benefit(&c, others, m);
            if net > 0.0 && best.is_none_or(|(_, b)| net > b) {
                best = Some((k, net));
            }
        }
        let choice = best.map_or(u32::MAX, |(k, _)| k as u32);
        if choice == current {
            continue;
        }
        if current != u32::MAX {
            let o = &mut orgs[current as usize];
            o.members.retain(|&x| x as usize != i);
            employment[current as usize] -= f.workforce as f64;
        }
        if choice != u32::MAX {
            let o = &mut orgs[choice as usize];
            if let Err(pos) = o.members.binary_search(&(i as u32)) {
                o.members.insert(pos, i as u32);
            }
            o.id.get_or_insert(ClusterId::founded_by(crate::ids::FirmId::from_index(i)));
            employment[choice as usize] += f.workforce as f64;
        }
        org_of[i] = choice;
    }
}
