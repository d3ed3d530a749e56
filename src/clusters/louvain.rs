//! Deterministic Louvain community detection (Blondel et al. 2008) on an unweighted
//! undirected graph: local moving of nodes in fixed (index) order to the neighbouring
//! community with the largest modularity gain (ties to the smallest community id), then
//! aggregation of communities into nodes, repeated until no move improves modularity.

use std::collections::BTreeMap;

/// Weighted graph in adjacency lists: `adj[v]` holds `(neighbour, weight)`, self-loops
/// counted once with their weight.
struct Graph {
    adj: Vec<Vec<(u32, f64)>>,
    /// Weighted degree of each node (a self-loop counts twice).
    degree: Vec<f64>,
    /// Total edge weight (m).
    total: f64,
}

impl Graph {
    fn from_edges(n: usize, edges: &[(u32, u32)]) -> Self {
        let mut adj = vec![Vec::new(); n];
        for &(a, b) in edges {
            if a != b {
                adj[a as usize].push((b, 1.0));
                adj[b as usize].push((a, 1.0));
            }
        }
        Graph::new(adj)
    }

    fn new(adj: Vec<Vec<(u32, f64)>>) -> Self {
        let degree: Vec<f64> = adj
            .iter()
            .enumerate()
            .map(|(v, nb)| {
                nb.iter()
                    .map(|&(u, w)| if u as usize == v { 2.0 * w } else { w })
                    .sum()
            })
            .collect();
        let total = degree.iter().sum::<f64>() / 2.0;
        Graph { adj, degree, total }
    }
}

/// One local-moving phase; returns the community of each node (renumbered 0..k in order
/// of first appearance) and whether any node moved.
fn local_moving(g: &Graph) -> (Vec<u32>, bool) {
    let n = g.adj.len();
    let mut comm: Vec<u32> = (0..n as u32).collect();
    let mut comm_degree = g.degree.clone();
    let m2 = 2.0 * g.total;
    let mut moved_any = false;
    // Links from the node to each neighbouring community (reused across nodes).
    let mut to_comm: BTreeMap<u32, f64> = BTreeMap::new();
    loop {
        let mut moved = false;
        for v in 0..n {
            let cv = comm[v];
            let kv = g.degree[v];
            to_comm.clear();
            for &(u, w) in &g.adj[v] {
                if u as usize != v {
                    *to_comm.entry(comm[u as usize]).or_insert(0.0) += w;
                }
            }
            comm_degree[cv as usize] -= kv;
            let gain = |c: u32, k_in: f64| k_in - comm_degree[c as usize] * kv / m2;
            let mut best = (cv, gain(cv, to_comm.get(&cv).copied().unwrap_or(0.0)));
            for (&c, &k_in) in &to_comm {
                let q = gain(c, k_in);
                if q > best.1 + 1e-12 {
                    best = (c, q);
                }
            }
            comm_degree[best.0 as usize] += kv;
            if best.0 != cv {
                comm[v] = best.0;
                moved = true;
                moved_any = true;
            }
        }
        if !moved {
            break;
        }
    }
    let mut renumber: BTreeMap<u32, u32> = BTreeMap::new();
    for c in comm.iter_mut() {
        let next = renumber.len() as u32;
        *c = *renumber.entry(*c).or_insert(next);
    }
    (comm, moved_any)
}

/// Communities of an aggregated graph become its nodes.
fn aggregate(g: &Graph, comm: &[u32]) -> Graph {
    let k = comm.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut weights: Vec<BTreeMap<u32, f64>> = vec![BTreeMap::new(); k];
    for (v, nb) in g.adj.iter().enumerate() {
        for &(u, w) in nb {
            let (a, b) = (comm[v], comm[u as usize]);
            // Each undirected edge is seen from both ends; a self-loop once.
            let w = if u as usize == v { w } else { w / 2.0 };
            if a == b {
                *weights[a as usize].entry(a).or_insert(0.0) += w;
            } else {
                *weights[a as usize].entry(b).or_insert(0.0) += w;
                *weights[b as usize].entry(a).or_insert(0.0) += w;
            }
        }
    }
    Graph::new(
        weights
            .into_iter()
            .map(|m| m.into_iter().collect())
            .collect(),
    )
}

/// Louvain communities of the graph with `n` nodes and the given undirected edges:
/// the community index of every node (isolated nodes are their own community).
pub fn communities(n: usize, edges: &[(u32, u32)]) -> Vec<u32> {
    let mut g = Graph::from_edges(n, edges);
    let mut node_comm: Vec<u32> = (0..n as u32).collect();
    if g.total <= 0.0 {
        return node_comm;
    }
    loop {
        let (comm, moved) = local_moving(&g);
        if !moved {
            return node_comm;
        }
        for c in node_comm.iter_mut() {
            *c = comm[*c as usize];
        }
        g = aggregate(&g, &comm);
    }
}

/// Newman-Girvan modularity of a partition (for tests and diagnostics).
pub fn modularity(n: usize, edges: &[(u32, u32)], comm: &[u32]) -> f64 {
    let g = Graph::from_edges(n, edges);
    if g.total <= 0.0 {
        return 0.0;
    }
    let k = comm.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut inside = vec![0.0; k];
    let mut degree = vec![0.0; k];
    for &(a, b) in edges {
        if a != b && comm[a as usize] == comm[b as usize] {
            inside[comm[a as usize] as usize] += 1.0;
        }
    }
    for v in 0..n {
        degree[comm[v] as usize] += g.degree[v];
    }
    (0..k)
        .map(|c| inside[c] / g.total - (degree[c] / (2.0 * g.total)).powi(2))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two cliques of `k` nodes joined by one bridge.
    fn planted(k: u32) -> Vec<(u32, u32)> {
        let mut e = Vec::new();
        for base in [0, k] {
            for a in 0..k {
                for b in a + 1..k {
                    e.push((base + a, base + b));
                }
            }
        }
        e.push((0, k));
        e
    }

    #[test]
    fn finds_two_planted_communities() {
        let k = 8;
        let edges = planted(k);
        let c = communities(2 * k as usize, &edges);
        assert!((0..k as usize).all(|v| c[v] == c[0]));
        assert!((k as usize..2 * k as usize).all(|v| c[v] == c[k as usize]));
        assert_ne!(c[0], c[k as usize]);
        let q = modularity(2 * k as usize, &edges, &c);
        assert!(q > 0.4, "modularity {q}");
    }

    #[test]
    fn a_long_chain_is_cut_into_pieces() {
        let n = 60u32;
        let edges: Vec<(u32, u32)> = (0..n - 1).map(|i| (i, i + 1)).collect();
        let c = communities(n as usize, &edges);
        let distinct: std::collections::BTreeSet<u32> = c.iter().copied().collect();
        assert!(distinct.len() >= 4, "{} communities", distinct.len());
    }

    #[test]
    fn is_deterministic_and_isolated_nodes_stay_alone() {
        let mut edges = planted(5);
        edges.push((3, 4));
        let a = communities(12, &edges);
        let b = communities(12, &edges);
        assert_eq!(a, b);
        assert_ne!(a[10], a[11]);
        assert!(a[..10].iter().all(|&c| c != a[10]));
    }
}
