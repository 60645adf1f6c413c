//! Throttling and bandwidth: a tier's request-rate limits as token buckets on the virtual clock,
//! in either published model (domain.md §5.1 and §1.2), and how long a transfer takes at the
//! tier's bandwidth. Counting is exact integer arithmetic: one token is 60,000 units, and a
//! bucket of `r` requests per minute refills `r` units per virtual millisecond.
//!
//! Stowage's choices, where ACR publishes no figure: a bucket holds 10 seconds' worth of its
//! rate (the "short bursts" the 2026 model allows; the legacy model says bursts can throttle
//! even under the per-minute average, which a 10-second bucket reproduces); a request larger
//! than a whole bucket (a big image pushed in one call) is admitted once the bucket is full and
//! leaves it in debt; and the 2019–2022 bandwidth figures apply in both models, since the 2026
//! table gives none.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::clock::Millis;
use super::error::{ErrorCode, RegistryError, Result, arg, quoted};
use super::tier::Tier;

/// Units per token.
const UNIT: i64 = 60_000;
/// A bucket holds this many seconds of its rate.
pub const BURST_SECONDS: u64 = 10;
/// Identity buckets kept before the full ones (which a missing bucket stands for) are
/// forgotten; the threshold doubles when too few are full, so pruning stays amortised O(1).
const IDENTITIES_PRUNE_AT: usize = 65_536;

/// Who a request is counted against: an Entra identity, a token, the admin user or
/// `anonymous` (every anonymous pull counts as one identity). 1–64 of `[A-Za-z0-9._@-]`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Identity(String);

impl Identity {
    pub fn parse(text: &str) -> Result<Self> {
        let ok = (1..=64).contains(&text.len())
            && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"._@-".contains(&b));
        if ok {
            Ok(Self(text.to_string()))
        } else {
            Err(RegistryError::keyed(
                ErrorCode::InvalidArgument,
                "errors.identity_invalid",
                [quoted(super::digest::truncate(text, 80))],
            ))
        }
    }

    /// The registry's admin user: who the engine's own calls are counted against.
    pub fn admin() -> Self {
        Self("admin".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which published limits apply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum RateModel {
    /// The 2026 SKU page: token buckets per registry and per identity for each category.
    #[default]
    #[serde(rename = "2026")]
    Buckets2026,
    /// The 2019–2022 table: ReadOps and WriteOps per minute per registry (deletes are writes).
    #[serde(rename = "2019")]
    PerMinute2019,
    /// No request-rate limits at all (not an ACR model: for comparison). Bandwidth still applies.
    #[serde(rename = "off")]
    Unlimited,
}

impl RateModel {
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "2026" => Ok(Self::Buckets2026),
            "2019" => Ok(Self::PerMinute2019),
            "off" => Ok(Self::Unlimited),
            _ => Err(RegistryError::keyed(
                ErrorCode::InvalidArgument,
                "errors.rate_model_invalid",
                [quoted(super::digest::truncate(text, 40))],
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Buckets2026 => "2026",
            Self::PerMinute2019 => "2019",
            Self::Unlimited => "off",
        }
    }
}

/// What a request is counted as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Category {
    /// GET, HEAD, OPTIONS.
    Read,
    /// PUT, PATCH, POST.
    Write,
    /// DELETE.
    Delete,
    /// GET of the referrers API (also counted as a read).
    ListReferrers,
}

impl Category {
    pub const ALL: [Category; 4] =
        [Category::Read, Category::Write, Category::Delete, Category::ListReferrers];

    /// The name the 2026 table uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "DataplaneRead",
            Self::Write => "DataplaneWrite",
            Self::Delete => "DataplaneDelete",
            Self::ListReferrers => "ListReferrers",
        }
    }
}

/// Requests per minute, per registry and (2026 model) per identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Limit {
    pub per_registry: u64,
    pub per_identity: Option<u64>,
}

/// The published limit of `category` on `tier` in `model`; None when it is not limited (or,
/// in the legacy model, counted under another category).
pub fn limit(model: RateModel, tier: Tier, category: Category) -> Option<Limit> {
    let premium = tier == Tier::Premium;
    let both =
        |registry: u64, identity: u64| Some(Limit { per_registry: registry, per_identity: Some(identity) });
    match (model, category) {
        (RateModel::Unlimited, _) => None,
        (RateModel::Buckets2026, Category::Read) if premium => both(20_000, 10_000),
        (RateModel::Buckets2026, Category::Read) => both(10_000, 5_000),
        (RateModel::Buckets2026, Category::Write) if premium => both(4_000, 2_000),
        (RateModel::Buckets2026, Category::Write) => both(2_000, 1_000),
        (RateModel::Buckets2026, Category::Delete) if premium => both(4_000, 2_000),
        (RateModel::Buckets2026, Category::Delete) => both(1_000, 500),
        (RateModel::Buckets2026, Category::ListReferrers) if premium => both(2_000, 1_000),
        (RateModel::Buckets2026, Category::ListReferrers) => both(500, 250),
        (RateModel::PerMinute2019, Category::Read) => Some(Limit {
            per_registry: match tier {
                Tier::Basic => 1_000,
                Tier::Standard => 3_000,
                Tier::Premium => 10_000,
            },
            per_identity: None,
        }),
        (RateModel::PerMinute2019, Category::Write) => Some(Limit {
            per_registry: match tier {
                Tier::Basic => 100,
                Tier::Standard => 500,
                Tier::Premium => 2_000,
            },
            per_identity: None,
        }),
        (RateModel::PerMinute2019, Category::Delete | Category::ListReferrers) => None,
    }
}

/// Download and upload bandwidth in bytes per second (2019 table: 30/60/100 and 10/20/50 MB/s).
pub fn bandwidth(tier: Tier) -> (u64, u64) {
    const MB: u64 = 1_000_000;
    match tier {
        Tier::Basic => (30 * MB, 10 * MB),
        Tier::Standard => (60 * MB, 20 * MB),
        Tier::Premium => (100 * MB, 50 * MB),
    }
}

/// Virtual time to move `bytes` at `bytes_per_s`, rounded up to a whole millisecond.
pub fn transfer_time(bytes: u64, bytes_per_s: u64) -> Millis {
    if bytes == 0 || bytes_per_s == 0 {
        return Millis(0);
    }
    Millis(((bytes as u128 * 1000).div_ceil(bytes_per_s as u128)).min(u64::MAX as u128) as u64)
}

/// How many requests of each category one operation makes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cost {
    pub reads: u32,
    pub writes: u32,
    pub deletes: u32,
    pub referrers: u32,
}

impl Cost {
    pub fn reads(n: u32) -> Self {
        Self { reads: n, ..Self::default() }
    }
    pub fn writes(n: u32) -> Self {
        Self { writes: n, ..Self::default() }
    }
    pub fn deletes(n: u32) -> Self {
        Self { deletes: n, ..Self::default() }
    }

    /// Requests per category as `model` counts them: a referrers call is also a read; in the
    /// legacy model a delete is a write operation.
    fn demand(&self, model: RateModel) -> [(Category, u32); 4] {
        let reads = self.reads + self.referrers;
        match model {
            RateModel::PerMinute2019 => [
                (Category::Read, reads),
                (Category::Write, self.writes + self.deletes),
                (Category::Delete, 0),
                (Category::ListReferrers, 0),
            ],
            _ => [
                (Category::Read, reads),
                (Category::Write, self.writes),
                (Category::Delete, self.deletes),
                (Category::ListReferrers, self.referrers),
            ],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Bucket {
    /// May be negative: a request larger than the bucket leaves it in debt.
    units: i64,
    at: Millis,
}

impl Bucket {
    fn full(cap: i64, at: Millis) -> Self {
        Self { units: cap, at }
    }

    /// The bucket as it is at `now`, refilled since it was last touched (up to `cap`).
    fn at(self, rate: u64, cap: i64, now: Millis) -> Self {
        let elapsed = now.0.saturating_sub(self.at.0) as i128;
        let units = (self.units as i128 + elapsed * rate as i128).min(cap as i128);
        Self { units: units as i64, at: now.max(self.at) }
    }
}

fn capacity(rate: u64) -> i64 {
    (rate * BURST_SECONDS * 1000).min(i64::MAX as u64 / 2) as i64
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Scope {
    Registry,
    Identity,
}

/// A request the throttle admitted; charging it is a separate step, taken only when the
/// operation succeeds (a refused operation changes nothing, buckets included).
#[derive(Debug)]
#[must_use]
pub struct Ticket {
    identity: Identity,
    cost: Cost,
}

/// Per-category counts the page shows beside the limits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryView {
    pub category: Category,
    pub name: &'static str,
    /// None when this model does not limit the category.
    pub limit: Option<Limit>,
    /// Requests the registry-wide bucket could admit now (negative while in debt).
    pub available: Option<i64>,
    pub capacity: Option<u64>,
    pub admitted: u64,
    pub throttled: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ThrottleView {
    pub model: RateModel,
    pub burst_seconds: u64,
    pub categories: Vec<CategoryView>,
    /// Identities with a bucket that is not full, busiest (fewest read tokens) first.
    pub identities: Vec<IdentityView>,
    pub download_bytes_per_s: u64,
    pub upload_bytes_per_s: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityView {
    pub identity: Identity,
    pub category: Category,
    pub available: i64,
    /// Requests the identity's full bucket holds.
    pub capacity: u64,
}

/// The buckets of one registry.
#[derive(Clone, Debug, Default)]
pub struct Throttle {
    model: RateModel,
    registry: BTreeMap<Category, Bucket>,
    identities: BTreeMap<(Identity, Category), Bucket>,
    admitted: BTreeMap<Category, u64>,
    throttled: BTreeMap<Category, u64>,
    prune_at: usize,
    /// A throttle-burst fault shrinks every bucket to 1/divisor (1: normal).
    divisor: u64,
}

impl Throttle {
    pub fn new(model: RateModel) -> Self {
        Self { model, prune_at: IDENTITIES_PRUNE_AT, divisor: 1, ..Self::default() }
    }

    /// Requests of `category` admitted so far.
    pub fn admitted(&self, category: Category) -> u64 {
        self.admitted.get(&category).copied().unwrap_or(0)
    }

    pub fn model(&self) -> RateModel {
        self.model
    }

    /// Shrinks every bucket to 1/`divisor` of its size (1 restores it).
    pub fn set_divisor(&mut self, divisor: u64) {
        self.divisor = divisor.max(1);
    }

    /// A bucket's capacity at `rate`, in units, under the current divisor.
    fn cap(&self, rate: u64) -> i64 {
        capacity(rate) / self.divisor.max(1) as i64
    }

    /// Switches model; every bucket starts full under the new limits.
    pub fn set_model(&mut self, model: RateModel) {
        self.model = model;
        self.registry.clear();
        self.identities.clear();
    }

    fn bucket(
        &self,
        scope: Scope,
        identity: &Identity,
        category: Category,
        rate: u64,
        now: Millis,
    ) -> Bucket {
        let stored = match scope {
            Scope::Registry => self.registry.get(&category),
            Scope::Identity => self.identities.get(&(identity.clone(), category)),
        };
        let cap = self.cap(rate);
        stored.map_or_else(|| Bucket::full(cap, now), |b| b.at(rate, cap, now))
    }

    /// Admits `cost` for `identity` at `now`, or refuses with TOOMANYREQUESTS and the seconds
    /// to wait. An admission changes nothing (`charge` the ticket when the operation succeeds);
    /// a refusal is counted (the category's `throttled`).
    pub fn admit(&mut self, tier: Tier, now: Millis, identity: &Identity, cost: Cost) -> Result<Ticket> {
        self.check(tier, now, identity, cost).map_err(|(category, refused)| {
            *self.throttled.entry(category).or_default() += 1;
            refused
        })
    }

    /// What `admit` would answer, changing nothing: the ticket, or the refusal and the
    /// category it would be counted in.
    pub fn check(
        &self,
        tier: Tier,
        now: Millis,
        identity: &Identity,
        cost: Cost,
    ) -> std::result::Result<Ticket, (Category, RegistryError)> {
        let mut wait: Option<(Millis, Category, Scope, u64)> = None;
        for (category, n) in cost.demand(self.model) {
            let Some(limit) = limit(self.model, tier, category).filter(|_| n > 0) else { continue };
            let scopes = [(Scope::Registry, Some(limit.per_registry)), (Scope::Identity, limit.per_identity)];
            for (scope, rate) in scopes {
                let Some(rate) = rate else { continue };
                let bucket = self.bucket(scope, identity, category, rate, now);
                let need = (n as i64 * UNIT).min(self.cap(rate));
                if bucket.units < need {
                    let ms = Millis(((need - bucket.units) as u64).div_ceil(rate.max(1)));
                    if wait.is_none_or(|(w, ..)| ms > w) {
                        wait = Some((ms, category, scope, rate));
                    }
                }
            }
        }
        if let Some((ms, category, scope, rate)) = wait {
            let retry_after_s = ms.0.div_ceil(1000).max(1);
            let (name, model, retry) = (arg(category.as_str()), arg(self.model.as_str()), arg(retry_after_s));
            let refused = match scope {
                Scope::Registry => RegistryError::keyed(
                    ErrorCode::TooManyRequests,
                    "errors.throttled_registry",
                    [name, arg(rate), model, retry],
                ),
                Scope::Identity => RegistryError::keyed(
                    ErrorCode::TooManyRequests,
                    "errors.throttled_identity",
                    [arg(identity), name, arg(rate), model, retry],
                ),
            };
            return Err((category, refused.with_retry_after(retry_after_s)));
        }
        Ok(Ticket { identity: identity.clone(), cost })
    }

    /// Takes an admitted request's tokens from its buckets.
    pub fn charge(&mut self, tier: Tier, now: Millis, ticket: Ticket) {
        for (category, n) in ticket.cost.demand(self.model) {
            if n == 0 {
                continue;
            }
            *self.admitted.entry(category).or_default() += u64::from(n);
            let Some(limit) = limit(self.model, tier, category) else { continue };
            let take = n as i64 * UNIT;
            let b = self.bucket(Scope::Registry, &ticket.identity, category, limit.per_registry, now);
            self.registry.insert(category, Bucket { units: b.units - take, at: now });
            if let Some(rate) = limit.per_identity {
                let b = self.bucket(Scope::Identity, &ticket.identity, category, rate, now);
                self.identities
                    .insert((ticket.identity.clone(), category), Bucket { units: b.units - take, at: now });
            }
        }
        if self.identities.len() > self.prune_at {
            self.forget_full(tier, now);
            self.prune_at = IDENTITIES_PRUNE_AT.max(2 * self.identities.len());
        }
    }

    /// Drops buckets that have refilled: a missing bucket is a full one.
    fn forget_full(&mut self, tier: Tier, now: Millis) {
        let (model, divisor) = (self.model, self.divisor.max(1) as i64);
        self.identities.retain(|(_, c), b| {
            let rate = limit(model, tier, *c).and_then(|l| l.per_identity).unwrap_or(0);
            let cap = capacity(rate) / divisor;
            b.at(rate, cap, now).units < cap
        });
    }

    /// The limits, the registry-wide buckets and the identities currently drawing on theirs.
    pub fn view(&self, tier: Tier, now: Millis) -> ThrottleView {
        let admin = Identity::admin();
        let categories = Category::ALL
            .into_iter()
            .map(|category| {
                let limit = limit(self.model, tier, category);
                let bucket =
                    limit.map(|l| self.bucket(Scope::Registry, &admin, category, l.per_registry, now));
                CategoryView {
                    category,
                    name: category.as_str(),
                    limit,
                    available: bucket.map(|b| b.units.div_euclid(UNIT)),
                    capacity: limit.map(|l| l.per_registry * BURST_SECONDS / 60 / self.divisor.max(1)),
                    admitted: self.admitted.get(&category).copied().unwrap_or(0),
                    throttled: self.throttled.get(&category).copied().unwrap_or(0),
                }
            })
            .collect();
        let mut identities: Vec<IdentityView> = self
            .identities
            .iter()
            .filter_map(|((identity, category), b)| {
                let rate = limit(self.model, tier, *category)?.per_identity?;
                let b = b.at(rate, self.cap(rate), now);
                (b.units < self.cap(rate)).then(|| IdentityView {
                    identity: identity.clone(),
                    category: *category,
                    available: b.units.div_euclid(UNIT),
                    capacity: (self.cap(rate) / UNIT) as u64,
                })
            })
            .collect();
        identities.sort_by(|a, b| a.available.cmp(&b.available).then_with(|| a.identity.cmp(&b.identity)));
        identities.truncate(20);
        let (download_bytes_per_s, upload_bytes_per_s) = bandwidth(tier);
        ThrottleView {
            model: self.model,
            burst_seconds: BURST_SECONDS,
            categories,
            identities,
            download_bytes_per_s,
            upload_bytes_per_s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> Identity {
        Identity::parse(s).unwrap()
    }

    #[test]
    fn the_tables_match_the_published_numbers() {
        let l = |m, t, c| limit(m, t, c).map(|l| (l.per_registry, l.per_identity));
        assert_eq!(l(RateModel::Buckets2026, Tier::Standard, Category::Read), Some((10_000, Some(5_000))));
        assert_eq!(l(RateModel::Buckets2026, Tier::Premium, Category::Delete), Some((4_000, Some(2_000))));
        assert_eq!(l(RateModel::Buckets2026, Tier::Basic, Category::ListReferrers), Some((500, Some(250))));
        assert_eq!(l(RateModel::PerMinute2019, Tier::Basic, Category::Write), Some((100, None)));
        assert_eq!(l(RateModel::PerMinute2019, Tier::Premium, Category::Read), Some((10_000, None)));
        assert_eq!(l(RateModel::Unlimited, Tier::Basic, Category::Read), None);
        assert_eq!(bandwidth(Tier::Basic), (30_000_000, 10_000_000));
        assert_eq!(transfer_time(2 << 30, 10_000_000), Millis(214_749));
        assert_eq!(transfer_time(1, 50_000_000), Millis(1));
    }

    #[test]
    fn a_burst_over_the_bucket_is_refused_with_the_exact_wait_and_then_admitted() {
        // Standard, 2026: writes 1,000/min per identity, so the bucket holds 166 (10 s) and
        // refills one write every 60 ms.
        let mut t = Throttle::new(RateModel::Buckets2026);
        let ci = id("ci-bot");
        for _ in 0..166 {
            let ticket = t.admit(Tier::Standard, Millis(0), &ci, Cost::writes(1)).unwrap();
            t.charge(Tier::Standard, Millis(0), ticket);
        }
        let e = t.admit(Tier::Standard, Millis(0), &ci, Cost::writes(1)).unwrap_err();
        assert_eq!((e.code, e.http_status, e.retry_after_s), (ErrorCode::TooManyRequests, 429, Some(1)));
        assert!(
            e.message.contains("identity ci-bot's DataplaneWrite limit is 1000 per minute"),
            "{}",
            e.message
        );
        // Another identity still has its own bucket, and the registry's (2,000/min) has room.
        assert!(t.admit(Tier::Standard, Millis(0), &id("other"), Cost::writes(1)).is_ok());
        // 166 writes took 9,960,000 units of 10,000,000: 40,000 left, 20,000 short of one write,
        // which takes 20 ms to refill at 1,000 units per ms.
        assert!(t.admit(Tier::Standard, Millis(19), &ci, Cost::writes(1)).is_err());
        assert!(t.admit(Tier::Standard, Millis(20), &ci, Cost::writes(1)).is_ok());
        let view = t.view(Tier::Standard, Millis(0));
        let writes = &view.categories[1];
        assert_eq!((writes.admitted, writes.throttled, writes.capacity), (166, 2, Some(333)));
        assert_eq!(writes.available, Some(333 - 166));
    }

    #[test]
    fn a_request_larger_than_the_bucket_waits_for_a_full_bucket_and_leaves_debt() {
        // Basic, 2019: 100 writes/min per registry, a 16-write bucket; a 40-layer push needs 81.
        let mut t = Throttle::new(RateModel::PerMinute2019);
        let ticket = t.admit(Tier::Basic, Millis(0), &id("a"), Cost::writes(81)).unwrap();
        t.charge(Tier::Basic, Millis(0), ticket);
        let e = t.admit(Tier::Basic, Millis(0), &id("b"), Cost::deletes(1)).unwrap_err();
        // Deletes count as writes in the legacy model: the bucket is 81 - 16.67 = 64.3 writes in
        // debt, so one more write needs 65.3 writes' worth at 100/min = 39.2 s.
        assert_eq!(e.retry_after_s, Some(40));
        assert!(e.message.contains("the registry's DataplaneWrite limit is 100 per minute (2019 model)"));
        assert!(t.admit(Tier::Basic, Millis(39_200), &id("b"), Cost::deletes(1)).is_ok());
    }

    #[test]
    fn identities_are_checked_at_the_edge() {
        assert!(Identity::parse("node-7@aks").is_ok());
        assert_eq!(Identity::parse("").map_err(|e| e.code), Err(ErrorCode::InvalidArgument));
        assert!(Identity::parse("a b").is_err());
        assert!(Identity::parse(&"x".repeat(65)).is_err());
        assert_eq!(RateModel::parse("2019"), Ok(RateModel::PerMinute2019));
        assert!(RateModel::parse("2020").is_err());
    }
}
