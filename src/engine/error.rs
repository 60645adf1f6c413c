//! Errors a client sees: the OCI distribution-spec error codes (plus ACR's and Stowage's few
//! extras), each with the HTTP status a registry would answer with and a message a person reads.

use std::fmt;

use crate::i18n::{Arg, Lang, Msg};

/// An error code from the distribution spec (`errors[].code`), ACR, or Stowage itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorCode {
    BlobUnknown,
    BlobUploadInvalid,
    BlobUploadUnknown,
    DigestInvalid,
    ManifestBlobUnknown,
    ManifestInvalid,
    ManifestUnknown,
    NameInvalid,
    NameUnknown,
    SizeInvalid,
    Unauthorized,
    Denied,
    Unsupported,
    TooManyRequests,
    /// Distribution's code for a bad `n` in a paginated listing.
    PaginationNumberInvalid,
    /// ACR: locks, storage limit reached, and other refusals (HTTP 405).
    RegistryDisallowedOperation,
    /// Stowage: a stored record failed authentication or its digest check (HTTP 500).
    /// The registry never serves bytes that fail this check.
    IntegrityError,
    /// Stowage: an argument of the JS API that is not a registry input (options, offsets).
    InvalidArgument,
    /// Stowage: the content exists but no copy can be read now (storage failed over inside the
    /// recovery point window) or it was lost with a destroyed primary (HTTP 503).
    Unavailable,
    /// Anything else (HTTP 500), e.g. the CSPRNG failed.
    Unknown,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 20] = [
        Self::BlobUnknown,
        Self::BlobUploadInvalid,
        Self::BlobUploadUnknown,
        Self::DigestInvalid,
        Self::ManifestBlobUnknown,
        Self::ManifestInvalid,
        Self::ManifestUnknown,
        Self::NameInvalid,
        Self::NameUnknown,
        Self::SizeInvalid,
        Self::Unauthorized,
        Self::Denied,
        Self::Unsupported,
        Self::TooManyRequests,
        Self::PaginationNumberInvalid,
        Self::RegistryDisallowedOperation,
        Self::IntegrityError,
        Self::InvalidArgument,
        Self::Unavailable,
        Self::Unknown,
    ];

    /// The code named on the wire, e.g. `MANIFEST_BLOB_UNKNOWN`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// The code as it appears on the wire, e.g. `MANIFEST_BLOB_UNKNOWN`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BlobUnknown => "BLOB_UNKNOWN",
            Self::BlobUploadInvalid => "BLOB_UPLOAD_INVALID",
            Self::BlobUploadUnknown => "BLOB_UPLOAD_UNKNOWN",
            Self::DigestInvalid => "DIGEST_INVALID",
            Self::ManifestBlobUnknown => "MANIFEST_BLOB_UNKNOWN",
            Self::ManifestInvalid => "MANIFEST_INVALID",
            Self::ManifestUnknown => "MANIFEST_UNKNOWN",
            Self::NameInvalid => "NAME_INVALID",
            Self::NameUnknown => "NAME_UNKNOWN",
            Self::SizeInvalid => "SIZE_INVALID",
            Self::Unauthorized => "UNAUTHORIZED",
            Self::Denied => "DENIED",
            Self::Unsupported => "UNSUPPORTED",
            Self::TooManyRequests => "TOOMANYREQUESTS",
            Self::PaginationNumberInvalid => "PAGINATION_NUMBER_INVALID",
            Self::RegistryDisallowedOperation => "REGISTRY_DISALLOWED_OPERATION",
            Self::IntegrityError => "INTEGRITY_ERROR",
            Self::InvalidArgument => "INVALID_ARGUMENT",
            Self::Unavailable => "UNAVAILABLE",
            Self::Unknown => "UNKNOWN",
        }
    }

    /// The HTTP status a registry typically answers with for this code.
    pub fn http_status(self) -> u16 {
        match self {
            Self::BlobUnknown | Self::BlobUploadUnknown | Self::ManifestUnknown | Self::NameUnknown => 404,
            Self::Unauthorized => 401,
            Self::Denied => 403,
            Self::Unsupported | Self::RegistryDisallowedOperation => 405,
            Self::TooManyRequests => 429,
            Self::IntegrityError | Self::Unknown => 500,
            Self::Unavailable => 503,
            _ => 400,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refused operation. Whatever was refused changed nothing in the registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryError {
    pub code: ErrorCode,
    pub http_status: u16,
    /// The message in English.
    pub message: String,
    /// The same message as a catalogue key and its arguments, for the page to show in its
    /// language (`errors.untranslated` when the message has no key of its own yet).
    pub text: Msg,
    /// For TOOMANYREQUESTS: the `Retry-After` a registry sends, in whole seconds.
    pub retry_after_s: Option<u64>,
}

impl RegistryError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let message = message.into();
        let text = Msg::new("errors.untranslated", [Arg::Text(message.clone())]);
        Self { code, http_status: code.http_status(), message, text, retry_after_s: None }
    }

    /// An error whose message is the catalogue's `key` (`src/i18n/errors.rs`) filled with
    /// `args`; `message` is its English text.
    pub fn keyed(code: ErrorCode, key: &'static str, args: impl IntoIterator<Item = Arg>) -> Self {
        let text = Msg::new(key, args);
        let message = text.text(Lang::En);
        Self { code, http_status: code.http_status(), message, text, retry_after_s: None }
    }

    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after_s = Some(seconds);
        self
    }

    /// The same error answered with another HTTP status (e.g. 413 for a manifest too large).
    pub fn with_status(mut self, http_status: u16) -> Self {
        self.http_status = http_status;
        self
    }
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for RegistryError {}

pub type Result<T, E = RegistryError> = std::result::Result<T, E>;

/// Shorthand for an error with no key of its own (`errors.untranslated`): `err(code, "…")`.
pub fn err<T>(code: ErrorCode, message: impl Into<String>) -> Result<T> {
    Err(RegistryError::new(code, message))
}

/// Shorthand used across the engine for a translatable error:
/// `err_k(ErrorCode::NameUnknown, "errors.repo_unknown", [arg(repo)])`.
pub fn err_k<T>(code: ErrorCode, key: &'static str, args: impl IntoIterator<Item = Arg>) -> Result<T> {
    Err(RegistryError::keyed(code, key, args))
}

/// A placeholder's value that reads the same in every language (a name, a digest, a number),
/// as it displays.
pub fn arg(value: impl fmt::Display) -> Arg {
    Arg::Text(value.to_string())
}

/// A placeholder's value quoted as Rust's `{:?}` quotes it (`"my repo"`).
pub fn quoted(value: impl fmt::Debug) -> Arg {
    Arg::Text(format!("{value:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{
        AttributePatch, Digest, FaultKind, Identity, LayerInput, Millis, RateModel, Registry,
        RegistryOptions, RepoName, Scenario, StorageCopy, StorageEra, Tag, Tier,
    };
    use crate::i18n::{placeholders, t};

    /// The key of `m` and of every text nested in it.
    fn keys(m: &Msg, out: &mut Vec<&'static str>) {
        out.push(m.key);
        for a in &m.args {
            if let Arg::Msg(inner) = a {
                keys(inner, out);
            }
        }
    }

    /// `e` has keys of its own all the way down, all in the catalogue; its English is its
    /// `message`; Dutch and French are whole (no placeholder left) and differ from the English.
    fn check(label: &str, e: &RegistryError) {
        let mut found = vec![];
        keys(&e.text, &mut found);
        assert!(!found.contains(&"errors.untranslated"), "{label}: no key of its own in {e}");
        for key in &found {
            assert_ne!(t(Lang::En, key), *key, "{label}: {key} is not in the catalogue");
        }
        assert_eq!(e.message, e.text.text(Lang::En), "{label}");
        for lang in [Lang::Nl, Lang::Fr] {
            let text = e.text.text(lang);
            assert!(placeholders(&text).is_empty(), "{label} ({}): {text}", lang.code());
            assert_ne!(text, e.message, "{label} ({}): not translated", lang.code());
        }
    }

    fn file(name: &str, text: &str) -> LayerInput {
        LayerInput::File { name: name.into(), bytes: text.as_bytes().to_vec() }
    }

    fn registry(tier: Tier) -> Registry {
        Registry::new(RegistryOptions { tier, ..RegistryOptions::default() }).expect("a registry")
    }

    #[test]
    fn real_errors_read_in_dutch_and_french() {
        let mut r = registry(Tier::Standard);
        r.push_image("app", "v1", vec![file("a", "a")]).expect("pushed");
        let unknown = r.pull_manifest("nope", "latest").expect_err("unknown repository");
        let digest = Digest::parse("sha256:xyz").expect_err("bad digest");
        let patch = AttributePatch { delete_enabled: Some(false), ..AttributePatch::default() };
        r.set_attributes("app", None, &patch).expect("locked");
        let locked = r.delete_manifest("app", "v1").expect_err("locked delete");
        for (label, e) in
            [("unknown repository", &unknown), ("bad digest", &digest), ("locked delete", &locked)]
        {
            check(label, e);
        }
        assert_eq!(unknown.code, ErrorCode::NameUnknown);
        assert_eq!(unknown.message, "repository nope is not known");
        assert_eq!(unknown.text.text(Lang::Nl), "opslagplaats nope is onbekend");
        assert_eq!(unknown.text.text(Lang::Fr), "le référentiel nope est inconnu");
        assert_eq!(digest.text.key, "errors.digest_length");
        assert!(digest.text.text(Lang::Fr).contains("\"sha256:xyz\""), "{}", digest.text.text(Lang::Fr));
        // A refusal and what it refuses are translated both.
        assert_eq!(
            locked.message,
            "The operation is disallowed on this registry, repository or image: repository app is locked against deletes."
        );
        assert_eq!(
            locked.text.text(Lang::Nl),
            "De bewerking is niet toegestaan op dit register, deze opslagplaats of deze image: opslagplaats app is vergrendeld tegen verwijderen."
        );
        assert!(locked.text.text(Lang::Fr).contains("le référentiel app est verrouillé"));
    }

    /// Walks as many of the engine's refusals as is cheap: none has `errors.untranslated`
    /// (the one left, serialising a layout's index.json, cannot fail).
    #[test]
    fn engine_errors_have_keys_of_their_own() {
        let mut seen: Vec<(&str, RegistryError)> = vec![];
        macro_rules! refused {
            ($label:expr, $call:expr) => {
                match $call {
                    Ok(_) => panic!("{} was not refused", $label),
                    Err(e) => seen.push(($label, e)),
                }
            };
        }
        let options = RegistryOptions::default;
        // Creating a registry.
        refused!("registry name", Registry::new(RegistryOptions { name: "A".into(), ..options() }));
        refused!("region", Registry::new(RegistryOptions { region: "mars".into(), ..options() }));
        refused!("gc delay", Registry::new(RegistryOptions { gc_delay: Millis(u64::MAX), ..options() }));
        refused!("geo lag", Registry::new(RegistryOptions { geo_lag: Millis(u64::MAX), ..options() }));
        refused!("accounts", Registry::new(RegistryOptions { storage_accounts: 0, ..options() }));
        refused!(
            "cmk on Standard",
            Registry::new(RegistryOptions {
                customer_managed_key: Some(crate::engine::key_vault::RotationMode::Manual),
                ..options()
            })
        );
        // Names, digests, parsed values.
        for bad in ["", "A", "a//b", "-a", "a+b", &"a".repeat(256)] {
            refused!("repository name", RepoName::parse(bad));
        }
        for bad in ["", ".a", "a b", &"a".repeat(129)] {
            refused!("tag", Tag::parse(bad));
        }
        for bad in ["abc", "md5:00", "sha256:00", &format!("sha256:{}", "Z".repeat(64))] {
            refused!("digest", Digest::parse(bad));
        }
        refused!("tier", Tier::parse("Gold"));
        refused!("era", StorageEra::parse("1999"));
        refused!("rate model", RateModel::parse("fast"));
        refused!("identity", Identity::parse("a b"));
        refused!("record key", crate::engine::storage_account::RecordKey::parse("x"));
        refused!("synthetic", crate::engine::synthetic::SyntheticLayer::new(0, 1));
        refused!("page", crate::engine::listing::page_size(Some(1 << 40)));
        refused!("webhook action", crate::engine::WebhookAction::parse("pull"));
        // Manifests.
        let big = vec![b' '; crate::engine::manifest::MANIFEST_MAX_BYTES + 1];
        refused!("manifest size", crate::engine::manifest::parse(&big, None));
        for (label, body, content_type) in [
            ("manifest json", "{", None),
            ("schema version", r#"{"schemaVersion":1}"#, None),
            ("media type", r#"{"schemaVersion":2,"mediaType":"text/plain"}"#, None),
            (
                "media types differ",
                r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"}"#,
                Some("application/vnd.oci.image.manifest.v1+json"),
            ),
            ("no shape", r#"{"schemaVersion":2}"#, None),
            ("index", r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"}"#, None),
            (
                "image",
                r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}"#,
                None,
            ),
        ] {
            refused!(label, crate::engine::manifest::parse(body.as_bytes(), content_type));
        }
        // Pushes, pulls, deletes, locks.
        let mut r = registry(Tier::Standard);
        let pushed = r.push_image("app", "v1", vec![file("a", "layer a")]).expect("pushed");
        let manifest = pushed.digest.to_string();
        refused!("claimed digest", r.push_blob("app", b"x", Some(&Digest::of(b"y").to_string())));
        refused!("unknown repository", r.pull_manifest("nope", "v1"));
        refused!("unknown manifest", r.pull_manifest("app", "v9"));
        refused!("blob not in repository", r.pull_blob("app", &Digest::of(b"zz").to_string()));
        refused!("no layers", r.push_image("app", "v2", vec![]));
        refused!("unknown tag", r.untag("app", "v9"));
        refused!("untag in unknown repository", r.untag("nope", "v1"));
        let body = r.pull_manifest("app", "v1").expect("pulled").bytes;
        refused!(
            "manifest by wrong digest",
            r.push_manifest("app", &Digest::of(b"q").to_string(), &body, None)
        );
        let missing = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":1}},"layers":[]}}"#,
            Digest::of(b"absent")
        );
        refused!("missing blob", r.push_manifest("app", "v3", missing.as_bytes(), None));
        refused!("catalog page", r.catalog(Some(1 << 40), None));
        refused!("nodes", r.scale_out_pull("app", "v1", 0, false));
        refused!("geo lag now", r.set_geo_lag(Millis(u64::MAX)));
        refused!("tier now", r.set_tier("Gold"));
        refused!("seal view", r.seal_view("app", &Digest::of(b"zz").to_string()));
        refused!("tamper key", r.tamper_record("blobs/x", 0));
        let layer = format!("blobs/sha256/{}", Digest::of(b"layer a").hex());
        refused!("tamper bit", r.tamper_record(&layer, u64::MAX));
        let tag_lock = AttributePatch { delete_enabled: Some(false), ..AttributePatch::default() };
        r.set_attributes("app", Some("v1"), &tag_lock).expect("tag locked");
        refused!("locked tag", r.untag("app", "v1"));
        refused!("locked manifest's tag", r.delete_manifest("app", &manifest));
        let read_lock = AttributePatch { read_enabled: Some(false), ..AttributePatch::default() };
        r.set_attributes("app", Some("v1"), &read_lock).expect("tag read-locked");
        refused!("read-locked tag", r.pull_manifest("app", "v1"));
        r.set_attributes("app", Some(&manifest), &read_lock).expect("manifest read-locked");
        refused!("read-locked manifest", r.pull_manifest("app", &manifest));
        let repo_lock = AttributePatch {
            write_enabled: Some(false),
            delete_enabled: Some(false),
            read_enabled: Some(false),
            ..AttributePatch::default()
        };
        r.set_attributes("app", None, &repo_lock).expect("repository locked");
        refused!("write-locked repository", r.push_blob("app", b"new", None));
        refused!("read-locked repository", r.pull_blob("app", &Digest::of(b"layer a").to_string()));
        refused!("delete-locked repository", r.delete_repository("app"));
        refused!("delete-locked untag", r.untag("app", "v1"));
        refused!("delete-locked delete", r.delete_manifest("app", "v1"));
        refused!("keep-last what-if", r.keep_last_what_if("nope", 1));
        // The service-managed key.
        refused!("add key version", r.add_key_version());
        refused!("rotate key", r.rotate_key(None));
        refused!("disable key", r.disable_key());
        refused!("restore key", r.restore_key("x"));
        // Standard-tier refusals of Premium features, and features.
        refused!("private endpoint", r.add_private_endpoint("endpoint1"));
        refused!("content trust", r.set_content_trust(true));
        refused!("retention", r.set_retention_policy(true, None));
        refused!("geo-replication", r.add_replica("eastus"));
        refused!("webhook name", r.add_regional_webhook("a", &["push"], None, "westeurope"));
        refused!("webhook actions", r.add_regional_webhook("hook1", &[], None, "westeurope"));
        refused!("webhook region", r.add_regional_webhook("hook1", &["push"], None, "eastus"));
        refused!("remove webhook", r.remove_webhook("hook9"));
        refused!("remove endpoint", r.remove_private_endpoint("endpoint9"));
        r.add_regional_webhook("hook1", &["push"], None, "westeurope").expect("a webhook");
        refused!("webhook twice", r.add_regional_webhook("hook1", &["push"], None, "westeurope"));
        for i in 2..=10 {
            r.add_regional_webhook(&format!("hook{i}"), &["delete"], None, "westeurope").expect("a webhook");
        }
        refused!("webhooks full", r.add_regional_webhook("hook11", &["push"], None, "westeurope"));
        refused!("tier down with webhooks", r.set_tier("Basic"));
        refused!("soft-delete days", r.set_soft_delete_policy(true, Some(0)));
        refused!("restore nothing", r.restore_soft_deleted("app", "v1", &manifest, false));
        // Faults.
        let fault = |kind| r.clone().inject_fault(kind, Millis(0), None);
        refused!("fault region", fault(FaultKind::ZoneFailure { region: "mars".into() }));
        refused!("fault replica", fault(FaultKind::ZoneFailure { region: "eastus".into() }));
        refused!(
            "fault account",
            fault(FaultKind::StorageAccountFailure { account: "x".into(), destroyed: false })
        );
        refused!(
            "fault link",
            fault(FaultKind::SlowLink { from: "eastus".into(), to: "eastus".into(), factor: 2 })
        );
        refused!(
            "fault factor",
            fault(FaultKind::SlowLink { from: "eastus".into(), to: "westeurope".into(), factor: 1 })
        );
        refused!("fault divisor", fault(FaultKind::ThrottleBurst { divisor: 1 }));
        refused!(
            "fault record",
            fault(FaultKind::BitRot {
                key: format!("blobs/sha256/{}", "0".repeat(64)),
                copy: StorageCopy::Primary,
                bit: 0
            })
        );
        refused!(
            "fault bit",
            fault(FaultKind::BitRot { key: layer.clone(), copy: StorageCopy::Primary, bit: u64::MAX })
        );
        refused!(
            "bit rot heals",
            r.inject_fault(
                FaultKind::BitRot { key: layer.clone(), copy: StorageCopy::Primary, bit: 0 },
                Millis(0),
                Some(Millis(1))
            )
        );
        refused!("unknown fault", r.heal_fault(99));
        // Clients.
        refused!("client region", r.add_client("ci", "mars", false, None));
        r.add_client("ci", "westeurope", false, None).expect("a client");
        refused!("client twice", r.add_client("ci", "westeurope", false, None));
        refused!("unknown client", r.client_pull_image("cd", "app", "v1"));
        refused!("client's image without layers", r.client_push_image("ci", "web", "v1", vec![]));
        let report = r.client_pull_image("ci", "nope", "v1").expect("a report");
        let text = report.error_text.expect("what the client saw");
        check(
            "client report",
            &RegistryError::keyed(ErrorCode::NameUnknown, "errors.client_report", [text.into(), arg("x")]),
        );
        // Scenarios and the guide.
        refused!("scenario json", Scenario::parse("{"));
        refused!("guide ended", r.guide_continue());
        refused!("no frame", r.guide_back());
        // Archives.
        let mut empty = registry(Tier::Standard);
        refused!("nothing to export", empty.export_oci_layout(None));
        refused!("not an image archive", empty.import_archive(&[0u8; 1024], "app"));
        let mut source = registry(Tier::Standard);
        source.push_image("app", "v1", vec![file("a", "exported")]).expect("pushed");
        let archive = source.export_oci_layout(None).expect("exported").bytes;
        empty.push_image("app", "v0", vec![file("a", "there")]).expect("pushed");
        let write_lock = AttributePatch { write_enabled: Some(false), ..AttributePatch::default() };
        empty.set_attributes("app", None, &write_lock).expect("locked");
        refused!("import refused", empty.import_archive(&archive, "app"));
        // Premium: the customer-managed key, replicas, retention, soft delete.
        let mut p = Registry::new(RegistryOptions {
            tier: Tier::Premium,
            customer_managed_key: Some(crate::engine::key_vault::RotationMode::Manual),
            ..options()
        })
        .expect("a Premium registry");
        p.push_image("app", "v1", vec![file("a", "premium")]).expect("pushed");
        refused!("key version range", p.rotate_key(Some(99)));
        refused!("content trust with a customer-managed key", p.set_content_trust(true));
        refused!("tier down with a customer-managed key", p.set_tier("Standard"));
        refused!("retention days", p.set_retention_policy(true, Some(400)));
        refused!("restore an enabled key", p.restore_key("x"));
        p.disable_key().expect("disabled");
        refused!("disabled key", p.pull_manifest("app", "v1"));
        refused!("disabled again", p.disable_key());
        refused!("wrong backup", p.restore_key("not a backup"));
        let mut q = registry(Tier::Premium);
        refused!("replica region", q.add_replica("mars"));
        q.add_replica("eastus").expect("a replica");
        refused!("replica twice", q.add_replica("eastus"));
        refused!("remove home replica", q.remove_replica("westeurope"));
        refused!("remove unknown replica", q.remove_replica("japaneast"));
        refused!("replica routing", q.set_replica_routing("japaneast", false));
        refused!("soft delete with replicas", q.set_soft_delete_policy(true, None));
        refused!("tier down with replicas", q.set_tier("Standard"));
        let mut s = registry(Tier::Premium);
        s.set_soft_delete_policy(true, None).expect("soft delete");
        refused!("replica with soft delete", s.add_replica("eastus"));
        refused!("retention with soft delete", s.set_retention_policy(true, None));
        let mut u = registry(Tier::Premium);
        u.set_retention_policy(true, None).expect("retention");
        refused!("soft delete with retention", u.set_soft_delete_policy(true, None));
        refused!("tier down with retention", u.set_tier("Standard"));
        u.set_retention_policy(false, None).expect("retention off");
        u.add_private_endpoint("endpoint1").expect("an endpoint");
        refused!("endpoint twice", u.add_private_endpoint("endpoint1"));
        refused!("endpoint name", u.add_private_endpoint("e"));
        refused!("tier down with endpoints", u.set_tier("Standard"));

        assert!(seen.len() > 100, "walked {} refusals", seen.len());
        for (label, e) in &seen {
            check(label, e);
        }
        // The locks a refusal names are translated too.
        let locked =
            seen.iter().find(|(label, _)| *label == "locked tag").map(|(_, e)| e.text.text(Lang::Nl));
        assert!(
            locked.as_deref().is_some_and(|t| t.contains("(schrijven aan, verwijderen uit, lezen aan")),
            "{locked:?}"
        );
        let keys: std::collections::BTreeSet<&str> = seen.iter().map(|(_, e)| e.text.key).collect();
        assert!(keys.len() > 80, "{} distinct keys", keys.len());
    }
}
