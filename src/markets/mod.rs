//! Markets: the labour market (search and matching) and world prices.

pub mod labour;
pub mod prices;
