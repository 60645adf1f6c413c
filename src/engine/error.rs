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

/// Shorthand used across the engine: `err(ErrorCode::NameUnknown, "…")`.
pub fn err<T>(code: ErrorCode, message: impl Into<String>) -> Result<T> {
    Err(RegistryError::new(code, message))
}
