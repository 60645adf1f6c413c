//! Service tiers (Basic, Standard, Premium): one table of their storage numbers and prices
//! (domain.md §1), with the storage-limit era selectable, and the daily cost they imply.
//! Money is integer micro-dollars, so costs are exact and the same on every platform.

use std::fmt;

use serde::Serialize;

use super::error::{ErrorCode, RegistryError, Result, quoted};

const GIB: u64 = 1 << 30;
const TIB: u64 = 1 << 40;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Tier {
    Basic,
    #[default]
    Standard,
    Premium,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Basic, Tier::Standard, Tier::Premium];

    pub fn parse(text: &str) -> Result<Self> {
        Self::ALL.into_iter().find(|t| t.as_str().eq_ignore_ascii_case(text)).ok_or_else(|| {
            RegistryError::keyed(ErrorCode::InvalidArgument, "errors.tier_invalid", [quoted(text)])
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Basic => "Basic",
            Tier::Standard => "Standard",
            Tier::Premium => "Premium",
        }
    }

    /// Storage included in the daily fee: 10 / 100 / 500 GiB.
    pub fn included_bytes(self) -> u64 {
        match self {
            Tier::Basic => 10 * GIB,
            Tier::Standard => 100 * GIB,
            Tier::Premium => 500 * GIB,
        }
    }

    /// The daily fee in micro-dollars: $0.167 / $0.667 / $1.667 (domain.md §1.3).
    pub fn daily_fee_micro_usd(self) -> u64 {
        match self {
            Tier::Basic => 167_000,
            Tier::Standard => 667_000,
            Tier::Premium => 1_667_000,
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which published storage limits apply (domain.md §1.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum StorageEra {
    /// 2018: 5 TB of registry storage on every tier.
    #[serde(rename = "2018")]
    Y2018,
    /// 2022: 20 TiB on every tier.
    #[serde(rename = "2022")]
    Y2022,
    /// 2024: 40 TiB on every tier.
    #[serde(rename = "2024")]
    Y2024,
    /// 2026: 40 / 40 / 100 TiB.
    #[default]
    #[serde(rename = "2026")]
    Y2026,
}

impl StorageEra {
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "2018" => Ok(Self::Y2018),
            "2022" => Ok(Self::Y2022),
            "2024" => Ok(Self::Y2024),
            "2026" => Ok(Self::Y2026),
            _ => Err(RegistryError::keyed(
                ErrorCode::InvalidArgument,
                "errors.storage_era_invalid",
                [quoted(text)],
            )),
        }
    }

    /// The registry storage limit of `tier` in this era.
    pub fn limit_bytes(self, tier: Tier) -> u64 {
        match (self, tier) {
            (Self::Y2018, _) => 5_000_000_000_000,
            (Self::Y2022, _) => 20 * TIB,
            (Self::Y2024, _) | (Self::Y2026, Tier::Basic | Tier::Standard) => 40 * TIB,
            (Self::Y2026, Tier::Premium) => 100 * TIB,
        }
    }
}

/// Price of storage beyond the included amount: $0.003 per GiB per day, all tiers.
pub const OVERAGE_MICRO_USD_PER_GIB_DAY: u64 = 3_000;
/// Where the prices come from, shown beside every cost.
pub const PRICE_SOURCE: &str = "ACR SKU page list prices (azure-docs container-registry-skus.md @395f9c3e): \
Basic $0.167, Standard $0.667, Premium $1.667 per day; extra storage $0.003 per GiB per day";

/// A tier's numbers and what today's storage costs per day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TierView {
    pub tier: Tier,
    pub storage_era: StorageEra,
    pub included_bytes: u64,
    pub limit_bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cost {
    pub tier: Tier,
    pub billed_bytes: u64,
    pub overage_bytes: u64,
    pub tier_fee_micro_usd: u64,
    pub overage_micro_usd: u64,
    /// Geo-replicas beyond the home one, each billed a full Premium daily fee.
    pub replicas: u32,
    pub replicas_micro_usd: u64,
    pub total_micro_usd_per_day: u64,
    pub price_source: &'static str,
}

/// The daily cost of `billed_bytes` on `tier`; overage is charged per byte, pro rata.
pub fn daily_cost(tier: Tier, billed_bytes: u64) -> Cost {
    daily_cost_with_replicas(tier, billed_bytes, 0)
}

/// The daily cost with `replicas` geo-replicas beyond the home one (domain.md §1.3: each adds
/// a full Premium daily fee; storage is shown and charged for the home region).
pub fn daily_cost_with_replicas(tier: Tier, billed_bytes: u64, replicas: u32) -> Cost {
    let overage_bytes = billed_bytes.saturating_sub(tier.included_bytes());
    let overage_micro_usd =
        (overage_bytes as u128 * OVERAGE_MICRO_USD_PER_GIB_DAY as u128 / GIB as u128) as u64;
    let tier_fee_micro_usd = tier.daily_fee_micro_usd();
    Cost {
        tier,
        billed_bytes,
        overage_bytes,
        tier_fee_micro_usd,
        overage_micro_usd,
        replicas,
        replicas_micro_usd: u64::from(replicas) * Tier::Premium.daily_fee_micro_usd(),
        total_micro_usd_per_day: tier_fee_micro_usd
            + overage_micro_usd
            + u64::from(replicas) * Tier::Premium.daily_fee_micro_usd(),
        price_source: PRICE_SOURCE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_matches_the_published_numbers() {
        assert_eq!(Tier::ALL.map(Tier::included_bytes), [10 * GIB, 100 * GIB, 500 * GIB]);
        assert_eq!(Tier::ALL.map(|t| StorageEra::Y2026.limit_bytes(t)), [40 * TIB, 40 * TIB, 100 * TIB]);
        assert_eq!(StorageEra::Y2022.limit_bytes(Tier::Premium), 20 * TIB);
        assert_eq!(StorageEra::Y2018.limit_bytes(Tier::Basic), 5_000_000_000_000);
        assert_eq!(Tier::parse("premium"), Ok(Tier::Premium));
        assert_eq!(Tier::parse("Gold").map_err(|e| e.code), Err(ErrorCode::InvalidArgument));
    }

    #[test]
    fn the_daily_cost_of_25_gib_on_basic_is_the_documented_example() {
        // domain.md §1.3: "25 GB Basic = $0.212/day" (0.167 + 15 × 0.003 = 0.212).
        let c = daily_cost(Tier::Basic, 25 * GIB);
        assert_eq!(
            (c.overage_bytes, c.overage_micro_usd, c.total_micro_usd_per_day),
            (15 * GIB, 45_000, 212_000)
        );
        assert_eq!(daily_cost(Tier::Premium, 10 * GIB).total_micro_usd_per_day, 1_667_000);
    }
}
