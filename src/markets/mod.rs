//! Markets: the goods market (demand indices), the labour market (search and matching)
//! and its informal tier, world prices, seasonal demand and weather, and the month's
//! conditions built from them and the levers in force.

pub mod context;
pub mod goods;
pub mod informal;
pub mod labour;
pub mod prices;
pub mod season;

pub use goods::Markets;
