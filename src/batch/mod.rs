//! Batches, replicates and parameter sweeps.

pub mod design;
pub mod sensitivity;
