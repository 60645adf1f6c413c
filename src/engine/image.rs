//! Building an image from files: each file becomes one layer (its bytes unchanged, its name in
//! the `org.opencontainers.image.title` annotation, as ORAS does), plus an OCI image config and
//! an OCI image manifest. Synthetic layers are marked with an annotation.

use std::collections::BTreeMap;

use serde::Serialize;

use super::digest::Digest;
use super::manifest::{Descriptor, MediaType, TITLE_ANNOTATION};

pub const LAYER_MEDIA_TYPE: &str = "application/vnd.oci.image.layer.v1.tar";
pub const SYNTHETIC_LAYER_MEDIA_TYPE: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
pub const CONFIG_MEDIA_TYPE: &str = "application/vnd.oci.image.config.v1+json";
/// Annotation set on a synthetic layer's descriptor: its seed.
pub const SYNTHETIC_ANNOTATION: &str = "io.stowage.synthetic.seed";

/// A layer for `Registry::push_image`: a file's bytes, or a synthetic layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LayerInput {
    File {
        name: String,
        bytes: Vec<u8>,
    },
    Synthetic {
        size_bytes: u64,
        seed: Option<u64>,
    },
    /// A blob the repository already holds, uploaded before the manifest as clients do (an
    /// upload session, or a push of the blob): its digest and size, and a file name as title.
    Uploaded {
        name: String,
        digest: Digest,
        size_bytes: u64,
    },
}

/// One layer of an image being built, already in the registry as a blob.
#[derive(Clone, Debug)]
pub struct BuiltLayer {
    pub digest: Digest,
    pub size_bytes: u64,
    pub title: Option<String>,
    pub synthetic_seed: Option<u64>,
}

impl BuiltLayer {
    /// The manifest facts of `input` once its digest (and a synthetic layer's seed) is known:
    /// its size, its file name as title, its seed.
    pub fn of(input: &LayerInput, digest: Digest, seed: Option<u64>) -> Self {
        match input {
            LayerInput::File { name, bytes } => BuiltLayer {
                digest,
                size_bytes: bytes.len() as u64,
                title: Some(name.clone()).filter(|n| !n.is_empty()),
                synthetic_seed: None,
            },
            LayerInput::Synthetic { size_bytes, .. } => {
                BuiltLayer { digest, size_bytes: *size_bytes, title: None, synthetic_seed: seed }
            }
            LayerInput::Uploaded { name, size_bytes, .. } => BuiltLayer {
                digest,
                size_bytes: *size_bytes,
                title: Some(name.clone()).filter(|n| !n.is_empty()),
                synthetic_seed: None,
            },
        }
    }
}

#[derive(Serialize)]
struct Config<'a> {
    architecture: &'a str,
    os: &'a str,
    rootfs: RootFs,
    config: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct RootFs {
    #[serde(rename = "type")]
    kind: &'static str,
    diff_ids: Vec<Digest>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Manifest<'a> {
    schema_version: u32,
    media_type: &'a str,
    config: Descriptor,
    layers: Vec<Descriptor>,
}

/// The config blob for these layers (linux/amd64; layers are uncompressed, so diff_ids are
/// the layer digests).
pub fn config_bytes(layers: &[BuiltLayer]) -> Vec<u8> {
    let config = Config {
        architecture: "amd64",
        os: "linux",
        rootfs: RootFs { kind: "layers", diff_ids: layers.iter().map(|l| l.digest).collect() },
        config: BTreeMap::new(),
    };
    serde_json::to_vec(&config).unwrap_or_default()
}

/// The OCI image manifest for a config blob and layers.
pub fn manifest_bytes(config: &[u8], layers: &[BuiltLayer]) -> Vec<u8> {
    let manifest = Manifest {
        schema_version: 2,
        media_type: MediaType::OciManifest.as_str(),
        config: descriptor(CONFIG_MEDIA_TYPE, Digest::of(config), config.len() as u64, BTreeMap::new()),
        layers: layers.iter().map(layer_descriptor).collect(),
    };
    serde_json::to_vec_pretty(&manifest).unwrap_or_default()
}

fn layer_descriptor(layer: &BuiltLayer) -> Descriptor {
    let mut annotations = BTreeMap::new();
    if let Some(title) = &layer.title {
        annotations.insert(TITLE_ANNOTATION.to_string(), title.clone());
    }
    let media_type = match layer.synthetic_seed {
        Some(seed) => {
            annotations.insert(SYNTHETIC_ANNOTATION.to_string(), seed.to_string());
            SYNTHETIC_LAYER_MEDIA_TYPE
        }
        None => LAYER_MEDIA_TYPE,
    };
    descriptor(media_type, layer.digest, layer.size_bytes, annotations)
}

fn descriptor(
    media_type: &str,
    digest: Digest,
    size: u64,
    annotations: BTreeMap<String, String>,
) -> Descriptor {
    Descriptor {
        media_type: media_type.to_string(),
        digest,
        size,
        urls: None,
        annotations: (!annotations.is_empty()).then_some(annotations),
        platform: None,
    }
}
