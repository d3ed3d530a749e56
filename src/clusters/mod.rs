//! Clusters: cooperation links among related co-located firms, and their detection.
//!
//! Only traded-sector firms (industry, IT, tourism) take part: local services and the
//! public sector never link. Each month every such firm tries to link with a few random firms of its town or of
//! towns within commuting reach (the agglomeration); a link forms with a probability that
//! rises with sector relatedness (above a threshold), industrial parks and cluster
//! policies, and links break at a small rate or when a firm exits. A cluster is a
//! connected component of the link graph with at least `clusters.min_cluster_size`
//! firms and `clusters.min_cluster_employment` workers (found with union-find). Members get productivity spillovers growing with the
//! log of cluster size (agglomeration economies; Rosenthal & Strange 2004) and cheaper
//! capital through shared equipment pools (seed 000).

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::firms::{Firm, FirmKind, relatedness};
use crate::ids::{ClusterId, FirmId};
use crate::policy::TownLevers;
use crate::rng::{Process, Stream};
use crate::scenario::Clusters;

/// A detected cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Stable id: the smallest firm id among members.
    pub id: ClusterId,
    /// Member firms (sorted).
    pub members: Vec<FirmId>,
    /// Town of most members.
    pub town: usize,
}

/// Links and clusters.
#[derive(Debug, Clone, Default)]
pub struct ClusterState {
    /// Links as ordered pairs of firm indices (a < b).
    pub links: BTreeSet<(u32, u32)>,
    /// Clusters found last.
    pub clusters: Vec<Cluster>,
}

/// Changes in the set of clusters.
#[derive(Debug, Clone, Default)]
pub struct ClusterChanges {
    /// Newly formed (id, town, size).
    pub formed: Vec<(ClusterId, usize, usize)>,
    /// Dissolved (id, town).
    pub dissolved: Vec<(ClusterId, usize)>,
}

/// Firms that can take part in clusters: living traded-sector firms (not hub pools).
fn eligible(f: &Firm) -> bool {
    f.alive && f.kind != FirmKind::Hub && f.sector.can_cluster()
}

/// What the cluster phase reads this month.
#[derive(Debug, Clone, Copy)]
pub struct ClusterMonth<'a> {
    /// `reach[a * n + b]`: towns `a` and `b` are in one agglomeration (commuting reach).
    pub reach: &'a [bool],
    /// Number of towns.
    pub n_towns: usize,
    /// Levers in force by town (parks, cluster seeds).
    pub levers: &'a [TownLevers],
    /// Cluster parameters.
    pub params: &'a Clusters,
    /// Agents per person.
    pub scale: f64,
    /// Seed of the run.
    pub seed: u64,
    /// Months since the start (keys the random streams).
    pub step: u32,
}

impl ClusterState {
    /// One month of link dynamics and detection. `reach[a * n + b]` tells whether towns
    /// are in one agglomeration. Updates each firm's `cluster` and returns the sizes by
    /// firm and the changes.
    pub fn step(&mut self, firms: &mut [Firm], m: &ClusterMonth<'_>) -> (Vec<u32>, ClusterChanges) {
        let ClusterMonth {
            reach,
            n_towns,
            levers,
            params: p,
            scale,
            seed,
            step,
        } = *m;
        // Break links.
        let mut rng = Stream::new(seed, Process::LinkBreaks, 0, step);
        self.links.retain(|&(a, b)| {
            eligible(&firms[a as usize])
                && eligible(&firms[b as usize])
                && !rng.bernoulli(p.link_break_probability)
        });
        let new_links = new_links(firms, reach, n_towns, levers, p, seed, step);
        self.links.extend(new_links);
        let clusters = detect(&self.links, firms, n_towns, p, scale);
        let mut sizes = vec![0u32; firms.len()];
        for f in firms.iter_mut() {
            f.cluster = None;
        }
        for c in &clusters {
            for &m in &c.members {
                firms[m.index()].cluster = Some(c.id);
                sizes[m.index()] = c.members.len() as u32;
            }
        }
        let changes = changes(&self.clusters, &clusters);
        self.clusters = clusters;
        (sizes, changes)
    }
}

/// Links formed this month: each eligible firm tries a few random partners in towns
/// within reach. Each firm's tries use its own stream, so they run in parallel; the new
/// links are collected in firm order and the set does not depend on insertion order.
fn new_links(
    firms: &[Firm],
    reach: &[bool],
    n_towns: usize,
    levers: &[TownLevers],
    p: &Clusters,
    seed: u64,
    step: u32,
) -> Vec<(u32, u32)> {
    // Candidates per agglomeration: firms by town.
    let mut by_town: Vec<Vec<u32>> = vec![Vec::new(); n_towns];
    for (i, f) in firms.iter().enumerate() {
        if eligible(f) {
            by_town[f.town.index()].push(i as u32);
        }
    }
    // Towns within reach of each town that have candidates.
    let reachable: Vec<Vec<usize>> = (0..n_towns)
        .map(|t| {
            (0..n_towns)
                .filter(|&u| reach[t * n_towns + u] && !by_town[u].is_empty())
                .collect()
        })
        .collect();
    (0..firms.len())
        .into_par_iter()
        .filter(|&i| eligible(&firms[i]))
        .flat_map_iter(|i| {
            let f = &firms[i];
            let t = f.town.index();
            let reachable = &reachable[t];
            let mut rng = Stream::new(seed, Process::ClusterLinks, i as u64, step);
            let mut found = vec![None; p.partner_tries_per_month as usize];
            if !reachable.is_empty() {
                for slot in found.iter_mut() {
                    let u = reachable[rng.below(reachable.len() as u64) as usize];
                    let j = by_town[u][rng.below(by_town[u].len() as u64) as usize];
                    if j as usize == i {
                        continue;
                    }
                    let g = &firms[j as usize];
                    let r = relatedness(f.sector, g.sector);
                    if r < p.relatedness_threshold {
                        continue;
                    }
                    let seeded = levers[t].sector_link_multiplier[f.sector.index()]
                        .max(levers[t].sector_link_multiplier[g.sector.index()]);
                    let prob =
                        (p.link_probability * r * levers[t].link_multiplier * seeded).min(1.0);
                    if rng.bernoulli(prob) {
                        *slot = Some(if (i as u32) < j {
                            (i as u32, j)
                        } else {
                            (j, i as u32)
                        });
                    }
                }
            }
            found.into_iter().flatten()
        })
        .collect()
}

/// Connected components of the link graph (union-find), by smallest member, with their
/// members sorted.
fn components(links: &BTreeSet<(u32, u32)>, n_firms: usize) -> BTreeMap<u32, Vec<u32>> {
    let mut parent: Vec<u32> = (0..n_firms as u32).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    for &(a, b) in links {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            parent[hi as usize] = lo;
        }
    }
    let mut groups: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for &(a, b) in links {
        for x in [a, b] {
            let r = find(&mut parent, x);
            groups.entry(r).or_default().push(x);
        }
    }
    for members in groups.values_mut() {
        members.sort_unstable();
        members.dedup();
    }
    groups
}

/// Clusters: the components with enough members and employment, each in the town of
/// most of its members (the lowest such town on a tie).
fn detect(
    links: &BTreeSet<(u32, u32)>,
    firms: &[Firm],
    n_towns: usize,
    p: &Clusters,
    scale: f64,
) -> Vec<Cluster> {
    let mut clusters = Vec::new();
    for (root, members) in components(links, firms.len()) {
        let employment: f64 = members
            .iter()
            .map(|&m| firms[m as usize].real_workforce(scale))
            .sum();
        if members.len() >= p.min_cluster_size as usize && employment >= p.min_cluster_employment {
            let mut count = vec![0usize; n_towns];
            for &m in &members {
                count[firms[m as usize].town.index()] += 1;
            }
            let town = (0..n_towns)
                .max_by_key(|&t| (count[t], std::cmp::Reverse(t)))
                .unwrap_or(0);
            clusters.push(Cluster {
                id: ClusterId::founded_by(FirmId::from_index(root as usize)),
                members: members
                    .into_iter()
                    .map(|m| FirmId::from_index(m as usize))
                    .collect(),
                town,
            });
        }
    }
    clusters
}

/// Clusters formed and dissolved between two months.
fn changes(old: &[Cluster], new: &[Cluster]) -> ClusterChanges {
    let old_ids: BTreeMap<ClusterId, usize> = old.iter().map(|c| (c.id, c.town)).collect();
    let new_ids: BTreeMap<ClusterId, usize> = new.iter().map(|c| (c.id, c.town)).collect();
    let mut changes = ClusterChanges::default();
    for c in new {
        if !old_ids.contains_key(&c.id) {
            changes.formed.push((c.id, c.town, c.members.len()));
        }
    }
    for (&id, &town) in &old_ids {
        if !new_ids.contains_key(&id) {
            changes.dissolved.push((id, town));
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firms::Sector;
    use crate::ids::TownId;

    fn firm(sector: Sector) -> Firm {
        crate::firms::entry::make_firm(
            crate::firms::entry::NewFirm {
                town: TownId(0),
                sector,
                kind: FirmKind::Sme,
                size: 10.0,
                productivity: 30.0,
                base_wage: 10.0,
                demand_index: 1.0,
                cash_months: 2.0,
                weight: 1.0,
                month: 0,
                name: "x".into(),
            },
            &crate::scenario::Firms::default(),
        )
    }

    #[test]
    fn related_firms_form_a_cluster_and_unrelated_do_not() {
        let mut firms: Vec<Firm> = (0..12).map(|_| firm(Sector::PharmaBiotech)).collect();
        firms.extend((0..12).map(|_| firm(Sector::PublicSector)));
        let p = Clusters {
            link_probability: 0.5,
            min_cluster_employment: 0.0,
            ..Clusters::default()
        };
        let levers = vec![TownLevers::default()];
        let mut state = ClusterState::default();
        let mut formed = 0;
        for step in 0..24 {
            let (_, ch) = state.step(
                &mut firms,
                &ClusterMonth {
                    reach: &[true],
                    n_towns: 1,
                    levers: &levers,
                    params: &p,
                    scale: 1.0,
                    seed: 3,
                    step,
                },
            );
            formed += ch.formed.len();
        }
        assert!(formed >= 1);
        assert!(!state.clusters.is_empty());
        for c in &state.clusters {
            assert!(
                c.members
                    .iter()
                    .all(|&m| firms[m.index()].sector == Sector::PharmaBiotech)
            );
        }
        assert!(firms[12..].iter().all(|f| f.cluster.is_none()));
    }

    #[test]
    fn a_linked_group_below_the_employment_threshold_is_no_cluster() {
        let mut firms: Vec<Firm> = (0..6).map(|_| firm(Sector::Chemicals)).collect();
        for f in firms.iter_mut() {
            f.workforce = 40;
        }
        let levers = vec![TownLevers::default()];
        let run = |min_employment: f64, firms: &mut Vec<Firm>| {
            let p = Clusters {
                link_probability: 1.0,
                link_break_probability: 0.0,
                min_cluster_size: 3.0,
                min_cluster_employment: min_employment,
                ..Clusters::default()
            };
            let mut state = ClusterState::default();
            for step in 0..12 {
                state.step(
                    firms,
                    &ClusterMonth {
                        reach: &[true],
                        n_towns: 1,
                        levers: &levers,
                        params: &p,
                        scale: 1.0,
                        seed: 9,
                        step,
                    },
                );
            }
            state.clusters.len()
        };
        // 6 firms x 40 workers = 240 persons at scale 1.
        assert!(run(200.0, &mut firms) >= 1);
        assert_eq!(run(300.0, &mut firms), 0);
        assert!(firms.iter().all(|f| f.cluster.is_none()));
    }

    #[test]
    fn exits_dissolve_links() {
        let mut firms: Vec<Firm> = (0..8).map(|_| firm(Sector::Chemicals)).collect();
        let p = Clusters {
            link_probability: 1.0,
            min_cluster_size: 3.0,
            min_cluster_employment: 0.0,
            ..Clusters::default()
        };
        let levers = vec![TownLevers::default()];
        let mut state = ClusterState::default();
        for step in 0..12 {
            state.step(
                &mut firms,
                &ClusterMonth {
                    reach: &[true],
                    n_towns: 1,
                    levers: &levers,
                    params: &p,
                    scale: 1.0,
                    seed: 5,
                    step,
                },
            );
        }
        assert!(!state.clusters.is_empty());
        for f in firms.iter_mut() {
            f.alive = false;
        }
        let (_, ch) = state.step(
            &mut firms,
            &ClusterMonth {
                reach: &[true],
                n_towns: 1,
                levers: &levers,
                params: &p,
                scale: 1.0,
                seed: 5,
                step: 12,
            },
        );
        assert!(state.links.is_empty() && state.clusters.is_empty());
        assert!(!ch.dissolved.is_empty());
    }
}
