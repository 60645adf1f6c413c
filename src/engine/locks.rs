//! Locks: ACR's changeable attributes (`writeEnabled`, `deleteEnabled`, `readEnabled`,
//! `listEnabled`) on a repository, a tag or a manifest. Tag and manifest attributes are
//! independent: locking a tag does not lock its manifest. A violation is HTTP 405
//! `REGISTRY_DISALLOWED_OPERATION`; `listEnabled = false` hides from listings but a direct pull
//! still works.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::{ErrorCode, RegistryError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attributes {
    /// false: no push to it (a tag cannot move, a repository takes nothing new), and no delete.
    pub write_enabled: bool,
    /// false: cannot be deleted (or untagged); updates allowed.
    pub delete_enabled: bool,
    /// false: cannot be pulled.
    pub read_enabled: bool,
    /// false: hidden from the catalog and tag listings; a direct pull still works.
    pub list_enabled: bool,
}

impl Default for Attributes {
    fn default() -> Self {
        Self { write_enabled: true, delete_enabled: true, read_enabled: true, list_enabled: true }
    }
}

impl Attributes {
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// Whether a delete is allowed (ACR: writeEnabled = false blocks delete too).
    pub fn deletable(&self) -> bool {
        self.write_enabled && self.delete_enabled
    }

    pub fn apply(mut self, patch: &AttributePatch) -> Self {
        self.write_enabled = patch.write_enabled.unwrap_or(self.write_enabled);
        self.delete_enabled = patch.delete_enabled.unwrap_or(self.delete_enabled);
        self.read_enabled = patch.read_enabled.unwrap_or(self.read_enabled);
        self.list_enabled = patch.list_enabled.unwrap_or(self.list_enabled);
        self
    }
}

impl fmt::Display for Attributes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "write {}, delete {}, read {}, list {}",
            onoff(self.write_enabled),
            onoff(self.delete_enabled),
            onoff(self.read_enabled),
            onoff(self.list_enabled)
        )
    }
}

fn onoff(b: bool) -> &'static str {
    if b { "on" } else { "off" }
}

/// A change to some attributes; absent ones keep their value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttributePatch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list_enabled: Option<bool>,
}

/// ACR's refusal: HTTP 405 `REGISTRY_DISALLOWED_OPERATION`, with what is locked.
pub fn disallowed(why: impl fmt::Display) -> RegistryError {
    RegistryError::new(
        ErrorCode::RegistryDisallowedOperation,
        format!("The operation is disallowed on this registry, repository or image: {why}."),
    )
}
