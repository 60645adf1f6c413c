//! The large-registry preset: an empty registry filled at once with many repositories and
//! tags (100,000 and 1,000,000 by default) over synthetic layers, to see listings, storage
//! and the page at scale. A thousand distinct images are pushed for real (sealed, hashed);
//! every repository then links one or two of them and points its tags at them, as a
//! cross-repository mount would, with one event for the whole load.

use serde::Serialize;

use super::error::{ErrorCode, Result, err_k};
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

/// A preset being loaded a slice at a time (so a page can show progress).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresetLoad {
    pub(super) next: u32,
    pub(super) repos: u32,
    tags_per_repo: u32,
    images: Vec<(super::digest::Digest, std::collections::BTreeSet<super::digest::Digest>)>,
}

/// How far a preset load has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PresetProgress {
    pub done: u32,
    pub repositories: u32,
}

impl Registry {
    /// Fills an empty registry (no replicas) with `repos` repositories of `tags_per_repo` tags,
    /// all at once.
    pub(super) fn load_large_preset_direct(
        &mut self,
        repos: u32,
        tags_per_repo: u32,
    ) -> Result<PresetReport> {
        self.begin_large_preset_direct(repos, tags_per_repo)?;
        self.continue_large_preset(u32::MAX);
        self.finish_preset_report(repos, tags_per_repo)
    }

    /// Starts a preset load: checks, pushes the shared images for real, and leaves the
    /// repositories to `continue_large_preset`. (Anything else done to the registry before it
    /// ends finishes the load first, so a replay of the log, which loads it whole, matches.)
    pub(super) fn begin_large_preset_direct(
        &mut self,
        repos: u32,
        tags_per_repo: u32,
    ) -> Result<PresetProgress> {
        if repos == 0 || repos > PRESET_REPOS_MAX || tags_per_repo == 0 {
            return err_k(ErrorCode::InvalidArgument, "errors.preset_size", []);
        }
        let tags = u64::from(repos) * u64::from(tags_per_repo);
        if tags > PRESET_TAGS_MAX {
            return err_k(ErrorCode::InvalidArgument, "errors.preset_tags", []);
        }
        if self.preset.is_some()
            || self.repos.values().any(|r| !r.manifests.is_empty())
            || self.replicas.len() > 1
        {
            return err_k(ErrorCode::InvalidArgument, "errors.preset_not_empty", []);
        }
        let count = IMAGES.min(repos);
        let mut images = Vec::with_capacity(count as usize);
        for m in 0..count {
            let layers = vec![
                LayerInput::Synthetic { size_bytes: 30 << 20, seed: Some(1) },
                LayerInput::Synthetic { size_bytes: 12 << 20, seed: Some(2 + u64::from(m % 20)) },
                LayerInput::File { name: "app".into(), bytes: format!("service build {m}").into_bytes() },
            ];
            let pushed = self.push_image(&preset_repo(m), "v1", layers)?;
            let blobs = self.manifests.get(&pushed.digest).map(|meta| meta.blobs.clone()).unwrap_or_default();
            images.push((pushed.digest, blobs));
        }
        self.preset = Some(PresetLoad { next: 0, repos, tags_per_repo, images });
        Ok(PresetProgress { done: 0, repositories: repos })
    }

    /// Fills up to `max_repos` more repositories of the preset being loaded; returns how far
    /// it has got (None: no load under way). The last slice logs the load's one event.
    pub fn continue_large_preset(&mut self, max_repos: u32) -> Option<PresetProgress> {
        let mut load = self.preset.take()?;
        let (now, region) = (self.now, self.region.name);
        let end = load.next.saturating_add(max_repos).min(load.repos);
        let count = load.images.len() as u32;
        for i in load.next..end {
            let Ok(name) = RepoName::parse(&preset_repo(i)) else { continue };
            let own = &load.images[(i % count) as usize];
            let other = &load.images[((i + 1) % count) as usize];
            for (d, blobs) in [own, other] {
                for b in blobs {
                    self.link(&name, *b);
                }
                self.hold_manifest(&name, *d);
            }
            let r = self.repos.entry(name).or_default();
            let newer_from = load.tags_per_repo - load.tags_per_repo.div_ceil(5);
            for k in 0..load.tags_per_repo {
                let Ok(tag) = Tag::parse(&format!("v{}", k + 1)) else { continue };
                // The newest fifth of the tags point at the newer image.
                let d = if k >= newer_from { other.0 } else { own.0 };
                r.tags.insert(tag.clone(), d);
                r.tag_stamps.insert(tag, (now, region));
            }
        }
        load.next = end;
        let progress = PresetProgress { done: end, repositories: load.repos };
        if end < load.repos {
            self.preset = Some(load);
        } else {
            let tags = u64::from(load.repos) * u64::from(load.tags_per_repo);
            let billed = self.usage().total_billed_bytes;
            self.log(EventKind::FeatureChanged {
                what: format!(
                    "large preset: {} repositories, {tags} tags over {count} images ({billed} bytes billed)",
                    load.repos
                ),
            });
        }
        Some(progress)
    }

    /// Finishes a preset load under way, if any (before anything else is done).
    pub(super) fn finish_preset(&mut self) {
        if self.preset.is_some() {
            self.continue_large_preset(u32::MAX);
        }
    }

    fn finish_preset_report(&self, repos: u32, tags_per_repo: u32) -> Result<PresetReport> {
        Ok(PresetReport {
            repositories: repos,
            tags: u64::from(repos) * u64::from(tags_per_repo),
            images: IMAGES.min(repos),
            billed_bytes: self.usage().total_billed_bytes,
        })
    }
}
