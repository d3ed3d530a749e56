//! Typed identifiers.
//!
//! Ids are append-only: a closed firm's id is never handed to a new firm, so an old
//! reference can never silently point at a different agent.

use std::num::NonZeroU32;

/// Index of a town in the scenario's town list (modelled towns and aggregate hubs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TownId(pub u16);

impl TownId {
    /// Position in the town vectors.
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A firm. Stored as `index + 1` in a `NonZeroU32`, so `Option<FirmId>` costs 4 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FirmId(NonZeroU32);

impl FirmId {
    /// The id of the firm at position `index` of the firm table.
    #[inline]
    pub fn from_index(index: usize) -> Self {
        let raw = u32::try_from(index + 1).expect("more than u32::MAX firms");
        FirmId(NonZeroU32::new(raw).expect("index + 1 is never zero"))
    }

    /// Position in the firm table.
    #[inline]
    pub fn index(self) -> usize {
        (self.0.get() - 1) as usize
    }

    /// Stable numeric id used in output tables (1-based).
    #[inline]
    pub fn get(self) -> u32 {
        self.0.get()
    }
}

/// A holding company deciding for its plants from outside their towns: an index into the
/// scenario's holdings, in order of first mention among the named firms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HoldingId(pub u16);

impl HoldingId {
    /// Position in the holding list.
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A person's lifetime serial number: assigned at creation, never reused. It keys the
/// person's random streams, so draws do not depend on where the person sits in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PersonId(pub u32);

/// A cluster of linked firms: the smallest 1-based [`FirmId`] among its members, so a
/// cluster keeps its id while its founding member stays in it. Written as that number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClusterId(pub u32);

impl ClusterId {
    /// The cluster whose smallest member is `firm`.
    #[inline]
    pub fn founded_by(firm: FirmId) -> Self {
        ClusterId(firm.get())
    }

    /// Numeric id used in output tables and events.
    #[inline]
    pub fn get(self) -> u32 {
        self.0
    }
}

impl std::fmt::Display for ClusterId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn firm_id_round_trips_and_option_is_niche_packed() {
        for i in [0usize, 1, 7, 1_000_000] {
            assert_eq!(FirmId::from_index(i).index(), i);
        }
        assert_eq!(std::mem::size_of::<Option<FirmId>>(), 4);
    }
}
