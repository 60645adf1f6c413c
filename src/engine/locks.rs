//! Locks: ACR's changeable attributes (`writeEnabled`, `deleteEnabled`, `readEnabled`,
//! `listEnabled`) on a repository, a tag or a manifest. Tag and manifest attributes are
//! independent: locking a tag does not lock its manifest. A violation is HTTP 405
//! `REGISTRY_DISALLOWED_OPERATION`; `listEnabled = false` hides from listings but a direct pull
//! still works.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::{ErrorCode, RegistryError};
use crate::i18n::{Arg, Msg};

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

    /// What `Display` says (`write on, delete off, …`), for an error to show in any language.
    pub fn text(&self) -> Msg {
        let flag =
            |on: bool| Arg::from(Msg::key(if on { "errors.attribute_on" } else { "errors.attribute_off" }));
        Msg::new(
            "errors.attributes",
            [
                flag(self.write_enabled),
                flag(self.delete_enabled),
                flag(self.read_enabled),
                flag(self.list_enabled),
            ],
        )
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

/// ACR's refusal: HTTP 405 `REGISTRY_DISALLOWED_OPERATION`, with what is locked: `why` is the
/// catalogue key of a clause (`errors.…`) and `args` fill it.
pub fn disallowed(why: &'static str, args: impl IntoIterator<Item = Arg>) -> RegistryError {
    RegistryError::keyed(
        ErrorCode::RegistryDisallowedOperation,
        "errors.disallowed",
        [Msg::new(why, args).into()],
    )
}
