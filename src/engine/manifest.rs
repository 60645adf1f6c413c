//! Manifests: OCI image manifest and image index, Docker v2 schema 2 manifest and manifest
//! list. They are parsed with serde to find what they reference and stored byte-exact; the
//! digest is always that of the exact bytes the client sent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::digest::{Digest, truncate};
use super::error::{ErrorCode, RegistryError, Result, arg, quoted};
use crate::i18n::Arg;

/// Largest manifest accepted (ACR: 4 MiB); above it a push is refused with HTTP 413.
pub const MANIFEST_MAX_BYTES: usize = 4 * 1024 * 1024;

/// The manifest media types the registry accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum MediaType {
    #[serde(rename = "application/vnd.oci.image.manifest.v1+json")]
    OciManifest,
    #[serde(rename = "application/vnd.oci.image.index.v1+json")]
    OciIndex,
    #[serde(rename = "application/vnd.docker.distribution.manifest.v2+json")]
    DockerManifest,
    #[serde(rename = "application/vnd.docker.distribution.manifest.list.v2+json")]
    DockerManifestList,
}

impl MediaType {
    pub const ALL: [MediaType; 4] =
        [Self::OciManifest, Self::OciIndex, Self::DockerManifest, Self::DockerManifestList];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OciManifest => "application/vnd.oci.image.manifest.v1+json",
            Self::OciIndex => "application/vnd.oci.image.index.v1+json",
            Self::DockerManifest => "application/vnd.docker.distribution.manifest.v2+json",
            Self::DockerManifestList => "application/vnd.docker.distribution.manifest.list.v2+json",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }

    /// True for an index or manifest list (it references manifests, not layers).
    pub fn is_index(self) -> bool {
        matches!(self, Self::OciIndex | Self::DockerManifestList)
    }
}

/// Layer media types that live outside the registry (their blobs are never pushed).
const FOREIGN_LAYER_TYPES: [&str; 3] = [
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
    "application/vnd.oci.image.layer.nondistributable.v1.tar",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
];

/// A content descriptor as it appears in a manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    pub media_type: String,
    pub digest: Digest,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urls: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
}

/// The platform of an index entry (OCI image index / Docker manifest list).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Platform {
    pub architecture: String,
    pub os: String,
    #[serde(rename = "os.version", default, skip_serializing_if = "Option::is_none")]
    pub os_version: Option<String>,
    #[serde(rename = "os.features", default, skip_serializing_if = "Option::is_none")]
    pub os_features: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
}

impl Descriptor {
    fn is_foreign(&self) -> bool {
        FOREIGN_LAYER_TYPES.contains(&self.media_type.as_str())
    }

    /// The `org.opencontainers.image.title` annotation (a file name), if any.
    pub fn title(&self) -> Option<&str> {
        self.annotations.as_ref()?.get(TITLE_ANNOTATION).map(String::as_str)
    }
}

pub const TITLE_ANNOTATION: &str = "org.opencontainers.image.title";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawManifest {
    schema_version: u32,
    media_type: Option<String>,
    config: Option<Descriptor>,
    layers: Option<Vec<Descriptor>>,
    manifests: Option<Vec<Descriptor>>,
    subject: Option<Descriptor>,
}

/// What a parsed manifest references: blobs (config and layers) or, for an index, manifests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedManifest {
    pub media_type: MediaType,
    pub config: Option<Descriptor>,
    pub layers: Vec<Descriptor>,
    pub manifests: Vec<Descriptor>,
    pub subject: Option<Descriptor>,
}

impl ParsedManifest {
    /// Blobs that must be in the repository: config and every non-foreign layer.
    pub fn required_blobs(&self) -> Vec<&Descriptor> {
        self.config.iter().chain(self.layers.iter().filter(|d| !d.is_foreign())).collect()
    }
}

/// A `MANIFEST_INVALID` error saying why (`key`, an `errors.manifest_…` key).
fn invalid(key: &'static str, args: impl IntoIterator<Item = Arg>) -> RegistryError {
    RegistryError::keyed(ErrorCode::ManifestInvalid, key, args)
}

/// Parses a manifest body. `content_type` is what the client declared (HTTP Content-Type); if
/// absent the body's `mediaType` field decides, and an OCI body without one is recognised by
/// its shape. Over 4 MiB is refused with HTTP 413 before anything is parsed.
pub fn parse(body: &[u8], content_type: Option<&str>) -> Result<ParsedManifest> {
    if body.len() > MANIFEST_MAX_BYTES {
        return Err(
            invalid("errors.manifest_too_large", [arg(body.len()), arg(MANIFEST_MAX_BYTES)]).with_status(413)
        );
    }
    let raw: RawManifest =
        serde_json::from_slice(body).map_err(|e| invalid("errors.manifest_not_json", [arg(e)]))?;
    if raw.schema_version != 2 {
        return Err(invalid("errors.manifest_schema_version", [arg(raw.schema_version)]));
    }
    let media_type = media_type_of(&raw, content_type)?;
    let (config, layers, manifests) = (raw.config, raw.layers, raw.manifests);
    let parsed = if media_type.is_index() {
        let Some(manifests) = manifests else {
            return Err(invalid("errors.manifest_index_no_manifests", []));
        };
        if let Some(bad) = manifests.iter().find(|d| MediaType::parse(&d.media_type).is_none()) {
            return Err(invalid(
                "errors.manifest_index_entry_type",
                [arg(bad.digest), quoted(truncate(&bad.media_type, 80))],
            ));
        }
        ParsedManifest { media_type, config: None, layers: vec![], manifests, subject: raw.subject }
    } else {
        let (Some(config), Some(layers)) = (config, layers) else {
            return Err(invalid("errors.manifest_no_config_layers", []));
        };
        ParsedManifest { media_type, config: Some(config), layers, manifests: vec![], subject: raw.subject }
    };
    Ok(parsed)
}

fn media_type_of(raw: &RawManifest, content_type: Option<&str>) -> Result<MediaType> {
    let known = |text: &str| {
        MediaType::parse(text).ok_or_else(|| {
            invalid(
                "errors.manifest_media_type",
                [quoted(truncate(text, 80)), arg(MediaType::ALL.map(MediaType::as_str).join(", "))],
            )
        })
    };
    let declared = content_type.filter(|c| !c.is_empty()).map(known).transpose()?;
    let in_body = raw.media_type.as_deref().map(known).transpose()?;
    match (declared, in_body) {
        (Some(d), Some(b)) if d != b => {
            Err(invalid("errors.manifest_media_type_differs", [arg(d.as_str()), arg(b.as_str())]))
        }
        (Some(t), _) | (None, Some(t)) => Ok(t),
        (None, None) if raw.manifests.is_some() => Ok(MediaType::OciIndex),
        (None, None) if raw.config.is_some() => Ok(MediaType::OciManifest),
        (None, None) => Err(invalid("errors.manifest_no_shape", [])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> String {
        Digest::of(s.as_bytes()).to_string()
    }

    fn image(mt: Option<&str>) -> String {
        let mt = mt.map(|m| format!("\"mediaType\":\"{m}\",")).unwrap_or_default();
        format!(
            r#"{{"schemaVersion":2,{mt}"config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":2}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{}","size":3}}]}}"#,
            d("c"),
            d("l")
        )
    }

    #[test]
    fn an_oci_image_manifest_parses_with_or_without_media_type() {
        for body in [image(Some(MediaType::OciManifest.as_str())), image(None)] {
            let m = parse(body.as_bytes(), None).unwrap();
            assert_eq!(m.media_type, MediaType::OciManifest);
            assert_eq!(m.required_blobs().len(), 2);
        }
        let m = parse(image(None).as_bytes(), Some(MediaType::DockerManifest.as_str())).unwrap();
        assert_eq!(m.media_type, MediaType::DockerManifest);
    }

    #[test]
    fn indexes_reference_manifests() {
        let body = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{}","size":7,"platform":{{"os":"linux","architecture":"amd64"}}}}]}}"#,
            d("m")
        );
        let m = parse(body.as_bytes(), None).unwrap();
        assert_eq!(m.media_type, MediaType::OciIndex);
        assert_eq!(m.manifests.len(), 1);
        assert!(m.required_blobs().is_empty());
    }

    #[test]
    fn foreign_layers_are_not_required() {
        let body = image(None).replace("application/vnd.oci.image.layer.v1.tar", FOREIGN_LAYER_TYPES[1]);
        assert_eq!(parse(body.as_bytes(), None).unwrap().required_blobs().len(), 1);
    }

    #[test]
    fn bad_manifests_are_manifest_invalid() {
        let cases = [
            String::new(),
            "{".into(),
            "[]".into(),
            r#"{"schemaVersion":1,"config":{},"layers":[]}"#.into(),
            image(None).replace("\"size\":3", "\"size\":-3"),
            image(None).replace(&d("l"), "sha256:nothex"),
            image(Some("text/plain")),
            r#"{"schemaVersion":2}"#.into(),
            r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"}"#.into(),
            r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}"#
                .into(),
        ];
        for body in cases {
            let e = parse(body.as_bytes(), None).expect_err(&body);
            assert_eq!((e.code, e.http_status), (ErrorCode::ManifestInvalid, 400), "{body}");
        }
        let e = parse(
            image(Some(MediaType::OciManifest.as_str())).as_bytes(),
            Some(MediaType::OciIndex.as_str()),
        );
        assert_eq!(e.map_err(|e| e.code), Err(ErrorCode::ManifestInvalid));
    }

    #[test]
    fn manifests_over_4_mib_are_refused_with_413() {
        let mut body = image(None).into_bytes();
        body.resize(MANIFEST_MAX_BYTES + 1, b' ');
        let e = parse(&body, None).unwrap_err();
        assert_eq!((e.code, e.http_status), (ErrorCode::ManifestInvalid, 413));
        body.truncate(MANIFEST_MAX_BYTES);
        assert!(parse(&body, None).is_ok(), "exactly 4 MiB is accepted");
    }
}
