//! The large-registry preset: an empty registry filled at once with many repositories and
//! tags (100,000 and 1,000,000 by default) over synthetic layers, to see listings, storage
//! and the page at scale. A thousand distinct images are pushed for real (sealed, hashed);
//! every repository then links one or two of them and points its tags at them, as a
//! cross-repository mount would, with one event for the whole load.

use serde::Serialize;

use super::error::{ErrorCode, Result, err};
use super::events::EventKind;
use super::image::LayerInput;
use super::names::{RepoName, Tag};
use super::registry::Registry;

pub const PRESET_REPOS_MAX: u32 = 200_000;
pub const PRESET_TAGS_MAX: u64 = 2_000_000;
/// Distinct images the preset's repositories share.
const IMAGES: u32 = 1_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PresetReport {
    pub repositories: u32,
    pub tags: u64,
    pub images: u32,
    pub billed_bytes: u64,
}

/// The name of preset repository `i`: 50 teams, services numbered within.
pub fn preset_repo(i: u32) -> String {
    format!("team{:02}/service-{i:06}", i % 50)
}

impl Registry {
    /// Fills an empty registry (no replicas) with `repos` repositories of `tags_per_repo` tags.
    pub(super) fn load_large_preset_direct(
        &mut self,
        repos: u32,
        tags_per_repo: u32,
    ) -> Result<PresetReport> {
        if repos == 0 || repos > PRESET_REPOS_MAX || tags_per_repo == 0 {
            return err(
                ErrorCode::InvalidArgument,
                "the preset has 1 to 200,000 repositories and at least 1 tag each",
            );
        }
        let tags = u64::from(repos) * u64::from(tags_per_repo);
        if tags > PRESET_TAGS_MAX {
            return err(ErrorCode::InvalidArgument, "the preset has at most 2,000,000 tags");
        }
        if self.repos.values().any(|r| !r.manifests.is_empty()) || self.replicas.len() > 1 {
            return err(
                ErrorCode::InvalidArgument,
                "the large preset fills a new, empty registry without replicas: start a new registry first",
            );
        }
        let images = IMAGES.min(repos);
        let mut digests = Vec::with_capacity(images as usize);
        for m in 0..images {
            let layers = vec![
                LayerInput::Synthetic { size_bytes: 30 << 20, seed: Some(1) },
                LayerInput::Synthetic { size_bytes: 12 << 20, seed: Some(2 + u64::from(m % 20)) },
                LayerInput::File { name: "app".into(), bytes: format!("service build {m}").into_bytes() },
            ];
            let pushed = self.push_image(&preset_repo(m), "v1", layers)?;
            let blobs = self.manifests.get(&pushed.digest).map(|meta| meta.blobs.clone()).unwrap_or_default();
            digests.push((pushed.digest, blobs));
        }
        let now = self.now;
        let region = self.region.name;
        for i in 0..repos {
            let name = RepoName::parse(&preset_repo(i))?;
            let own = &digests[(i % images) as usize];
            let other = &digests[((i + 1) % images) as usize];
            for (d, blobs) in [own, other] {
                for b in blobs {
                    self.link(&name, *b);
                }
                self.hold_manifest(&name, *d);
            }
            let r = self.repos.entry(name).or_default();
            for k in 0..tags_per_repo {
                let tag = Tag::parse(&format!("v{}", k + 1))?;
                // The newest fifth of the tags point at the newer image.
                let d = if k >= tags_per_repo - tags_per_repo.div_ceil(5) { other.0 } else { own.0 };
                r.tags.insert(tag.clone(), d);
                r.tag_stamps.insert(tag, (now, region));
            }
        }
        let billed_bytes = self.usage().total_billed_bytes;
        self.log(EventKind::FeatureChanged {
            what: format!(
                "large preset: {repos} repositories, {tags} tags over {images} images ({billed_bytes} bytes billed)"
            ),
        });
        Ok(PresetReport { repositories: repos, tags, images, billed_bytes })
    }
}
