//! Markets: the goods market (demand indices), the labour market (search and matching)
//! and world prices.

pub mod goods;
pub mod labour;
pub mod prices;

pub use goods::Markets;
