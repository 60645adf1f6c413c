//! The virtual clock: simulated milliseconds since the registry was created. Nothing in the
//! engine reads the wall clock; time moves only when the caller runs the event queue.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A virtual instant or duration in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Millis(pub u64);

impl Millis {
    pub const SECOND: Millis = Millis(1_000);
    pub const MINUTE: Millis = Millis(60_000);
    pub const HOUR: Millis = Millis(3_600_000);
    pub const DAY: Millis = Millis(86_400_000);

    pub fn saturating_add(self, other: Millis) -> Millis {
        Millis(self.0.saturating_add(other.0))
    }
}

impl fmt::Display for Millis {
    /// `1d 02:03:04.005`, the day part only when non-zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        let (days, rest) = (ms / Self::DAY.0, ms % Self::DAY.0);
        if days > 0 {
            write!(f, "{days}d ")?;
        }
        let (h, m, s, milli) = (rest / 3_600_000, rest / 60_000 % 60, rest / 1000 % 60, rest % 1000);
        write!(f, "{h:02}:{m:02}:{s:02}.{milli:03}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_read_as_days_and_clock_time() {
        assert_eq!(Millis(0).to_string(), "00:00:00.000");
        assert_eq!(Millis(600_000).to_string(), "00:10:00.000");
        assert_eq!(Millis(Millis::DAY.0 + 7_384_005).to_string(), "1d 02:03:04.005");
        assert_eq!(Millis(u64::MAX - 1).saturating_add(Millis::HOUR), Millis(u64::MAX));
    }
}
