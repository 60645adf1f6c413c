//! Faults injected on purpose, and their timeline. A fault has a target, a start and an
//! optional end; it is applied at its start (now, or later as a queued job) and healed at its
//! end or by hand. Today: a storage account's primary failing (recoverable or destroyed), a
//! whole region's storage failing, and bit rot in one copy of a record. Region outages, zones,
//! partitions, slow links and replication faults come with geo-replication.

use serde::{Deserialize, Serialize};

use super::clock::Millis;
use super::error::{ErrorCode, RegistryError, Result, err};
use super::events::EventKind;
use super::registry::Registry;
use super::scheduler::Job;
use super::storage_account::{RecordKey, StorageCopy};

/// Most faults a registry's timeline keeps.
pub const FAULTS_MAX: usize = 10_000;

/// What fails.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", deny_unknown_fields)]
pub enum FaultKind {
    /// One storage account's primary copy fails: reads and writes go to its paired-region copy.
    StorageAccountFailure { account: String, destroyed: bool },
    /// Every storage account of the registry's region fails at once.
    RegionStorageFailure { destroyed: bool },
    /// One bit of one copy of a record flips (detected by authentication, never served).
    BitRot { key: String, copy: StorageCopy, bit: u64 },
}

impl FaultKind {
    /// The colour the timeline shades this fault in (a CSS colour the page uses as is).
    pub fn colour(&self) -> &'static str {
        match self {
            Self::StorageAccountFailure { .. } => "#d97706",
            Self::RegionStorageFailure { .. } => "#dc2626",
            Self::BitRot { .. } => "#7c3aed",
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::StorageAccountFailure { account, destroyed } => format!(
                "storage account {account}'s primary {}",
                if *destroyed { "destroyed" } else { "fails" }
            ),
            Self::RegionStorageFailure { destroyed } => {
                format!("the region's storage {}", if *destroyed { "is destroyed" } else { "fails" })
            }
            Self::BitRot { key, copy, bit } => format!("bit rot: bit {bit} of the {copy:?} copy of {key}"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FaultState {
    Scheduled,
    Active,
    Healed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    pub id: u32,
    pub fault: FaultKind,
    pub text: String,
    pub colour: &'static str,
    pub starts_at_ms: Millis,
    /// When it ends by itself, if it does.
    pub ends_at_ms: Option<Millis>,
    pub state: FaultState,
    pub healed_at_ms: Option<Millis>,
}

impl Registry {
    /// Injects a fault starting after `delay` (now if zero) and, with `duration`, healing by
    /// itself that long after it starts. Checked whole before anything is scheduled.
    pub fn inject_fault(
        &mut self,
        fault: FaultKind,
        delay: Millis,
        duration: Option<Millis>,
    ) -> Result<Fault> {
        self.check_fault(&fault)?;
        if self.faults.len() >= FAULTS_MAX {
            return err(ErrorCode::InvalidArgument, "the fault timeline is full (10,000 faults)");
        }
        if matches!(fault, FaultKind::BitRot { .. }) && duration.is_some() {
            return err(ErrorCode::InvalidArgument, "bit rot does not heal by itself: heal it by hand");
        }
        let id = u32::try_from(self.faults.len() + 1).unwrap_or(u32::MAX);
        let starts_at = self.now.saturating_add(delay);
        let ends_at = duration.map(|d| starts_at.saturating_add(d));
        let text = fault.describe();
        self.faults.push(Fault {
            id,
            colour: fault.colour(),
            fault,
            text,
            starts_at_ms: starts_at,
            ends_at_ms: ends_at,
            state: FaultState::Scheduled,
            healed_at_ms: None,
        });
        if delay.0 == 0 {
            self.start_fault(id);
        } else {
            self.queue.push(starts_at, Job::FaultStart { id });
        }
        if let Some(end) = ends_at {
            self.queue.push(end, Job::FaultEnd { id });
        }
        self.fault(id)
    }

    fn check_fault(&self, fault: &FaultKind) -> Result<()> {
        match fault {
            FaultKind::StorageAccountFailure { account, .. } => {
                if self.store.account_index(account).is_none() {
                    return err(
                        ErrorCode::InvalidArgument,
                        format!("there is no storage account {account:?}"),
                    );
                }
            }
            FaultKind::RegionStorageFailure { .. } => {}
            FaultKind::BitRot { key, bit, copy } => {
                let parsed = RecordKey::parse(key)?;
                let Some(record) = self.store.get(&parsed) else {
                    return err(ErrorCode::InvalidArgument, format!("there is no record {key} in storage"));
                };
                if *bit >= record.sealed.ciphertext.len() as u64 * 8 {
                    return err(ErrorCode::InvalidArgument, format!("bit {bit} is past the end of {key}"));
                }
                let present = match copy {
                    StorageCopy::Primary => record.copies.primary,
                    StorageCopy::Secondary => record.copies.secondary,
                };
                if !present {
                    return err(ErrorCode::InvalidArgument, format!("{key} has no {copy:?} copy yet"));
                }
            }
        }
        Ok(())
    }

    pub fn fault(&self, id: u32) -> Result<Fault> {
        self.faults
            .iter()
            .find(|f| f.id == id)
            .cloned()
            .ok_or_else(|| RegistryError::new(ErrorCode::InvalidArgument, format!("there is no fault {id}")))
    }

    /// The timeline: every fault injected, in order.
    pub fn faults(&self) -> &[Fault] {
        &self.faults
    }

    pub(super) fn start_fault(&mut self, id: u32) {
        let Some(f) = self.faults.iter_mut().find(|f| f.id == id && f.state == FaultState::Scheduled) else {
            return;
        };
        f.state = FaultState::Active;
        let (fault, text) = (f.fault.clone(), f.text.clone());
        let now = self.now;
        let mut lost = 0;
        match &fault {
            FaultKind::StorageAccountFailure { account, destroyed } => {
                if let Some(a) = self.store.account_index(account).and_then(|i| self.store.account_mut(i)) {
                    lost += a.fail(now, *destroyed);
                }
            }
            FaultKind::RegionStorageFailure { destroyed } => {
                for i in 0..self.store.accounts().len() {
                    if let Some(a) = self.store.account_mut(i) {
                        lost += a.fail(now, *destroyed);
                    }
                }
            }
            FaultKind::BitRot { key, copy, bit } => {
                if let Ok(parsed) = RecordKey::parse(key) {
                    // Checked at injection; a record gone meanwhile makes this a no-op.
                    let _ = self.store.flip_bit(&parsed, *bit, *copy);
                }
            }
        }
        self.log(EventKind::FaultStarted { id, text, lost_records: lost });
    }

    /// Heals a fault now (by hand, or at its scheduled end).
    pub fn heal_fault(&mut self, id: u32) -> Result<Fault> {
        let f = self.fault(id)?;
        if f.state == FaultState::Healed {
            return err(ErrorCode::InvalidArgument, format!("fault {id} is healed already"));
        }
        self.end_fault(id);
        self.fault(id)
    }

    pub(super) fn end_fault(&mut self, id: u32) {
        let now = self.now;
        let Some(f) = self.faults.iter_mut().find(|f| f.id == id && f.state != FaultState::Healed) else {
            return;
        };
        let was_active = f.state == FaultState::Active;
        f.state = FaultState::Healed;
        f.healed_at_ms = Some(now);
        let (fault, text) = (f.fault.clone(), f.text.clone());
        if !was_active {
            self.log(EventKind::FaultHealed { id, text });
            return;
        }
        let accounts: Vec<usize> = match &fault {
            FaultKind::StorageAccountFailure { account, .. } => {
                self.store.account_index(account).into_iter().collect()
            }
            FaultKind::RegionStorageFailure { .. } => (0..self.store.accounts().len()).collect(),
            FaultKind::BitRot { key, copy, bit } => {
                if let Ok(parsed) = RecordKey::parse(key) {
                    let _ = self.store.flip_bit(&parsed, *bit, *copy);
                }
                vec![]
            }
        };
        for i in accounts {
            // Another active fault on the same account keeps it failed.
            if self.account_still_failed(i, id) {
                continue;
            }
            let waiting = self.store.account_mut(i).map(|a| a.heal()).unwrap_or_default();
            for (key, written_at) in waiting {
                self.schedule_geo_copy(key, written_at);
            }
        }
        self.log(EventKind::FaultHealed { id, text });
    }

    fn account_still_failed(&self, index: usize, healing: u32) -> bool {
        let name = self.store.accounts().get(index).map(|a| a.name().to_string()).unwrap_or_default();
        self.faults.iter().any(|f| {
            f.id != healing
                && f.state == FaultState::Active
                && match &f.fault {
                    FaultKind::StorageAccountFailure { account, .. } => *account == name,
                    FaultKind::RegionStorageFailure { .. } => true,
                    FaultKind::BitRot { .. } => false,
                }
        })
    }
}
