//! monotown: an agent-based simulator of Russian single-industry towns.
//!
//! People, firms and towns of the Nizhny Tagil, Biysk and Novokuznetsk patterns, with
//! migration, commuting and the formation of industrial clusters. A run is a pure
//! function of a validated [`scenario::Scenario`] and a seed ([`run::simulate`]); its
//! outputs are tables ([`model::observe::Records`]) written by [`output`].
//!
//! The monthly step ([`model::Model::step`]) is the table of contents of the model.
#![warn(missing_docs)]

pub mod batch;
pub mod calibrate;
pub mod clusters;
pub mod facts;
pub mod firms;
pub mod generate;
pub mod ids;
pub mod markets;
pub mod migration;
pub mod model;
pub mod observed;
pub mod output;
pub mod people;
pub mod plot;
pub mod policy;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod towns;
