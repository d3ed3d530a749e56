//! Portable, counter-based random streams.
//!
//! Every random draw in the model comes from a stream keyed by
//! `(seed, process, entity, month)`. A stream is SplitMix64 (Steele, Lea & Flood 2014)
//! started from a hash of that key, so the draw a person gets in a month depends only on
//! the key, never on which thread handled the person or in what order. This is what makes
//! runs bit-identical whatever the thread count. SplitMix64 is fully specified here, so
//! outputs do not change when a dependency is upgraded (unlike `StdRng`).
//!
//! `Stream` implements `rand_core::TryRng`, so `rand_distr` distributions can draw from it.

use std::convert::Infallible;

/// The processes that draw random numbers. Each gets its own streams, keyed by
/// `(seed, process, entity, month)`; the entity key of each process is documented
/// below, and a process never packs other information into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Process {
    /// The initial residents of a town: age, sex, skill and savings. Entity: the town
    /// index; month 0.
    Initialise = 1,
    /// A person's month in the person pass: death, birth, education, migration, jobs.
    /// Entity: the person's lifetime serial ([`crate::ids::PersonId`]).
    Person = 2,
    /// A sector's world price innovation in a month. Entity: the sector index.
    WorldPrice = 4,
    /// A firm's month: its demand shock, stochastic rounding of vacancies and the
    /// modernisation trial. Entity: the firm index.
    FirmDecision = 5,
    /// A firm's partner tries for cluster links in a month. Entity: the firm index.
    ClusterLinks = 8,
    /// Which unit of a split giant a worker moves to. Entity: the person's serial.
    Restructure = 9,
    /// A batch run's seed, derived from (master seed, scenario, point, replicate).
    /// Entity: a hash of the scenario and point; month: the replicate (see
    /// `batch::plan::run_seed`). The seeds of `monotown compare` under common random
    /// numbers use a fixed entity (a hash of a constant text) so that they depend on the
    /// master seed and replicate only (`batch::plan::compare_seed`).
    Replicate = 10,
    /// Sweep designs (Latin hypercube, Morris) and bootstrap resamples of the sensitivity
    /// indices. Entity and month: see `batch::design` and `batch::sensitivity`.
    Design = 11,
    /// A generated national system (`monotown generate national`, `src/generate.rs`).
    /// Entity: the place's index in the written `[[town]]` list (agent towns by rank,
    /// then hubs); month 0: its size and position, month 1: its attributes and firms.
    Generate = 12,
    /// Start-ups of a town in a month: their number, sectors and productivity. Entity:
    /// the town index.
    StartUp = 20,
    /// Firms relocated from the capital to a town in a month: their number. Entity: the
    /// town index.
    Relocation = 21,
    /// Spin-offs of a large firm in a month: their number and sectors. Entity: the
    /// parent's firm index.
    SpinOff = 22,
    /// Sizes and ages of a town's generated firms at the start. Entity: the town index.
    InitialFirms = 23,
    /// The shuffle that assigns a town's labour force to its job slots at the start.
    /// Entity: the town index.
    JobSlots = 24,
    /// Which cluster links break in a month (one stream for all links). Entity: 0.
    LinkBreaks = 25,
    /// Whether a firm reviews its cluster membership in a month. Entity: the firm index.
    ClusterMembership = 60,
    /// Migrants a hub sends to the agent towns this month: the Poisson count, then
    /// each migrant's destination. Entity: the hub's town index.
    HubOutflow = 30,
    /// Migrants from the rest of the country into an agent town this month (a Poisson
    /// count). Entity: the destination town index.
    RestOfCountryInflow = 31,
    /// Age, skill and sex of the in-migrants of one flow from outside the agent
    /// population. Entity: the flow's index `destination * (towns + 1) + origin`
    /// (origin: a town, or the rest of the country last).
    ArrivalTraits = 32,
    /// The initial households of a town: couples, children and young adults placed with
    /// their mothers. Entity: the town index.
    InitialHouseholds = 45,
    /// A household's migration decision this month (Mincer 1978): whether its head
    /// considers a move and the destination. Entity: the household's serial.
    HouseholdMove = 46,
    /// Households of the in-migrants of one flow from outside the agent population:
    /// partners and the adults children arrive with. Entity: the flow's index
    /// `destination * (towns + 1) + origin`.
    ArrivalHouseholds = 47,
    /// The snow-season weather factor of a town (docs/ODD.md 7.8a): one standard normal
    /// per town and season, drawn only when `seasonality.weather_sd > 0`. Entity: the
    /// town index; month: the absolute month index (`year * 12 + month - 1`) of the
    /// season's first month.
    Weather = 48,
    /// A calibration's proposal: the prior draw (generation 0) or the weighted pick of a
    /// previous particle and its perturbation. Entity: the attempt number within the
    /// generation; month: the generation (see `calibrate::abc`).
    CalibrateProposal = 90,
    /// The model seeds of a calibration attempt's replicates. Entity: the attempt number;
    /// month: the generation.
    CalibrateSeed = 91,
    /// A calibration's posterior-predictive draw. Entity: the draw number; month 0: the
    /// weighted pick of a particle of the final generation; month 1: the model seeds of
    /// the draw's replicates, in order (see `calibrate::predictive`).
    CalibratePredictive = 92,
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function: a bijective 64-bit mixer.
#[inline(always)]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hash the `(seed, process, month)` part of a key. Loops over many entities compute it
/// once and derive each entity's stream with [`Stream::for_entity`].
#[inline(always)]
pub fn base_key(seed: u64, process: Process, month: u32) -> u64 {
    let a = mix64(seed ^ (process as u64).wrapping_mul(GOLDEN));
    mix64(a ^ u64::from(month).wrapping_mul(0xA076_1D64_78BD_642F))
}

/// Hash a key tuple into one 64-bit word.
#[inline(always)]
pub fn key(seed: u64, process: Process, entity: u64, month: u32) -> u64 {
    entity_key(base_key(seed, process, month), entity)
}

#[inline(always)]
fn entity_key(base: u64, entity: u64) -> u64 {
    mix64(base ^ entity.wrapping_mul(0xD6E8_FEB8_6659_FD93))
}

/// A SplitMix64 stream.
#[derive(Debug, Clone)]
pub struct Stream {
    state: u64,
}

impl Stream {
    /// The stream for `(seed, process, entity, month)`.
    #[inline(always)]
    pub fn new(seed: u64, process: Process, entity: u64, month: u32) -> Self {
        Stream {
            state: key(seed, process, entity, month),
        }
    }

    /// The stream of `entity` under a precomputed [`base_key`]: identical to
    /// `Stream::new(seed, process, entity, month)` at one hash instead of three.
    #[inline(always)]
    pub fn for_entity(base: u64, entity: u64) -> Self {
        Stream {
            state: entity_key(base, entity),
        }
    }

    /// Next 64 random bits.
    #[inline(always)]
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix64(self.state)
    }

    /// Uniform in [0, 1) with 53 bits of precision.
    #[inline(always)]
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, 1) as f32 (24 bits), for cheap Bernoulli trials.
    #[inline(always)]
    pub fn uniform_f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 * (1.0 / (1u32 << 24) as f32)
    }

    /// Two independent uniforms in [0, 1) as f32 (24 bits each) from one 64-bit draw:
    /// bits 40..64 and 16..40. Halves the hashing for pairs of cheap Bernoulli trials.
    #[inline(always)]
    pub fn two_uniforms_f32(&mut self) -> (f32, f32) {
        const SCALE: f32 = 1.0 / (1u32 << 24) as f32;
        let r = self.next_u64();
        (
            (r >> 40) as f32 * SCALE,
            ((r >> 16) & 0xFF_FFFF) as f32 * SCALE,
        )
    }

    /// Three independent uniforms in [0, 1) as f32 (21 bits each, resolution 4.8e-7)
    /// from one 64-bit draw: bits 43..64, 22..43 and 1..22.
    #[inline(always)]
    pub fn three_uniforms_f32(&mut self) -> [f32; 3] {
        const MASK: u64 = (1 << 21) - 1;
        const SCALE: f32 = 1.0 / (1u32 << 21) as f32;
        let r = self.next_u64();
        [
            (r >> 43) as f32 * SCALE,
            ((r >> 22) & MASK) as f32 * SCALE,
            ((r >> 1) & MASK) as f32 * SCALE,
        ]
    }

    /// True with probability `p`.
    #[inline(always)]
    pub fn bernoulli(&mut self, p: f64) -> bool {
        self.uniform() < p
    }

    /// Uniform integer in `0..n` (n > 0), by Lemire's multiply-shift.
    #[inline(always)]
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

impl rand_core::TryRng for Stream {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.next_u64() >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.next_u64())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_is_a_pure_function_of_its_key() {
        let mut a = Stream::new(7, Process::Person, 42, 3);
        let mut b = Stream::new(7, Process::Person, 42, 3);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        let mut c = Stream::new(7, Process::Person, 43, 3);
        assert_ne!(
            Stream::new(7, Process::Person, 42, 3).next_u64(),
            c.next_u64()
        );
    }

    #[test]
    fn precomputed_base_gives_the_same_stream() {
        let base = base_key(11, Process::Person, 5);
        for e in [0u64, 1, 77, u64::MAX] {
            let mut a = Stream::for_entity(base, e);
            let mut b = Stream::new(11, Process::Person, e, 5);
            for _ in 0..10 {
                assert_eq!(a.next_u64(), b.next_u64());
            }
        }
    }

    #[test]
    fn splitmix_reference_values() {
        // SplitMix64 seeded with 0 (reference implementation by Vigna): first outputs.
        let mut s = Stream { state: 0 };
        assert_eq!(s.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(s.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn uniform_mean_is_about_half() {
        let mut s = Stream::new(1, Process::Person, 0, 0);
        let n = 200_000;
        let mean: f64 = (0..n).map(|_| s.uniform()).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.005, "mean {mean}");
        let mut s = Stream::new(1, Process::Person, 0, 0);
        assert!((0..10_000).all(|_| s.below(6) < 6));
    }

    #[test]
    fn paired_uniforms_are_uniform_and_uncorrelated() {
        let mut s = Stream::new(3, Process::Person, 9, 1);
        let n = 200_000;
        let (mut sa, mut sb, mut sab) = (0.0f64, 0.0f64, 0.0f64);
        for _ in 0..n {
            let (a, b) = s.two_uniforms_f32();
            assert!((0.0..1.0).contains(&a) && (0.0..1.0).contains(&b));
            sa += a as f64;
            sb += b as f64;
            sab += a as f64 * b as f64;
        }
        let (ma, mb) = (sa / n as f64, sb / n as f64);
        assert!((ma - 0.5).abs() < 0.005 && (mb - 0.5).abs() < 0.005);
        let cov = sab / n as f64 - ma * mb;
        assert!(cov.abs() < 0.002, "covariance {cov}");
    }

    #[test]
    fn triple_uniforms_hit_small_probabilities_at_the_right_rate() {
        let mut s = Stream::new(5, Process::Person, 1, 2);
        let n = 2_000_000;
        let p = 0.001f32;
        let mut hits = [0u32; 3];
        for _ in 0..n {
            let u = s.three_uniforms_f32();
            for k in 0..3 {
                assert!((0.0..1.0).contains(&u[k]));
                hits[k] += u32::from(u[k] < p);
            }
        }
        // Expected 2000 each; 5 standard deviations is about 224.
        for h in hits {
            assert!((h as f64 - 2000.0).abs() < 224.0, "hits {hits:?}");
        }
    }

    #[test]
    fn works_with_rand_distr() {
        use rand_distr::{Distribution, Poisson};
        let mut s = Stream::new(3, Process::HubOutflow, 1, 1);
        let p = Poisson::new(4.0).unwrap();
        let x: f64 = (0..20_000).map(|_| p.sample(&mut s)).sum::<f64>() / 20_000.0;
        assert!((x - 4.0).abs() < 0.1);
    }
}
