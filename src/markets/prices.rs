//! World sector prices: AR(1) processes in logs with scheduled shocks on top.
//!
//! Export demand follows world prices (brief). Each sector's log price follows
//! `x_t = rho x_{t-1} + sigma e_t`, with `e_t` standard normal from the stream
//! `(seed, WorldPrice, sector, month)`; scenario shocks multiply the level.

use rand_distr::{Distribution, StandardNormal};

use crate::firms::Sector;
use crate::rng::{Process, Stream};

/// World price state of every sector.
#[derive(Debug, Clone)]
pub struct WorldPrices {
    log_level: [f64; Sector::COUNT],
}

impl Default for WorldPrices {
    fn default() -> Self {
        WorldPrices {
            log_level: [0.0; Sector::COUNT],
        }
    }
}

impl WorldPrices {
    /// Advance one month.
    pub fn step(&mut self, seed: u64, month: u32, persistence: f64, volatility: f64) {
        for s in Sector::ALL {
            let mut rng = Stream::new(seed, Process::WorldPrice, s.index() as u64, month);
            let e: f64 = StandardNormal.sample(&mut rng);
            let x = &mut self.log_level[s.index()];
            *x = persistence * *x + volatility * e;
        }
    }

    /// Price index of a sector before scenario shocks (1 = start level).
    pub fn index(&self, s: Sector) -> f64 {
        self.log_level[s.index()].exp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_reproducible_and_mean_reverting() {
        let mut a = WorldPrices::default();
        let mut b = WorldPrices::default();
        let mut sum = 0.0;
        for m in 0..2400 {
            a.step(9, m, 0.97, 0.03);
            b.step(9, m, 0.97, 0.03);
            sum += a.log_level[0];
        }
        assert_eq!(a.log_level, b.log_level);
        // Stationary mean 0: the long-run average of the log level is near 0.
        assert!((sum / 2400.0).abs() < 0.1, "{}", sum / 2400.0);
    }
}
