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
/// Distinct images the preset's repositories share (fewer if it has fewer repositories).
pub const PRESET_IMAGES: u32 = 1_000;

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

/// A preset being loaded a slice at a time (so a page can show progress): first the shared
/// images are pushed, then the repositories filled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresetLoad {
    pub(super) next: u32,
    pub(super) repos: u32,
    tags_per_repo: u32,
    /// The shared images pushed so far (their manifest and its blobs), of `image_count`.
    images: Vec<(super::digest::Digest, std::collections::BTreeSet<super::digest::Digest>)>,
    image_count: u32,
}

/// How far a preset load has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PresetProgress {
    /// Repositories filled, of `repositories` (they are filled once every image is pushed).
    pub done: u32,
    pub repositories: u32,
    /// Shared images pushed, of `images`.
    pub images_done: u32,
    pub images: u32,
}

/// What pushing one shared image costs, in repositories filled: a slice of `n` units pushes
/// `n / IMAGE_WEIGHT` images (at least one). An image (three layers sealed and hashed, a config
/// and a manifest) takes as long as filling about 35 repositories of 10 tags natively (0.40 ms
/// against 0.011 ms) and about 90 in Chromium; at 50, a call of 500 units stays within a few
/// milliseconds in either.
pub const IMAGE_WEIGHT: u32 = 50;

impl PresetProgress {
    /// The share of the work done, from 0 to 1 (images weighted by `IMAGE_WEIGHT`).
    pub fn fraction(&self) -> f64 {
        let images = u64::from(self.images) * u64::from(IMAGE_WEIGHT);
        let done = u64::from(self.images_done) * u64::from(IMAGE_WEIGHT) + u64::from(self.done);
        let all = images + u64::from(self.repositories);
        if all == 0 { 1.0 } else { done as f64 / all as f64 }
    }
}

impl PresetLoad {
    fn progress(&self) -> PresetProgress {
        PresetProgress {
            done: self.next,
            repositories: self.repos,
            images_done: self.images.len() as u32,
            images: self.image_count,
        }
    }
}

/// Shared image `m`: a 30 MiB base every image has, one of 20 12-MiB middles, its own layer.
fn image_layers(m: u32) -> Vec<LayerInput> {
    vec![
        LayerInput::Synthetic { size_bytes: 30 << 20, seed: Some(1) },
        LayerInput::Synthetic { size_bytes: 12 << 20, seed: Some(2 + u64::from(m % 20)) },
        LayerInput::File { name: "app".into(), bytes: format!("service build {m}").into_bytes() },
    ]
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
        self.continue_large_preset(u32::MAX)?;
        self.finish_preset_report(repos, tags_per_repo)
    }

    /// Starts a preset load: checks, and pushes the first shared image for real (so a registry
    /// that refuses pushes refuses the load here); `continue_large_preset` does the rest.
    /// (Anything else done to the registry before it ends finishes the load first, so a
    /// replay of the log, which loads it whole, matches.)
    pub(super) fn begin_large_preset_direct(
        &mut self,
        repos: u32,
        tags_per_repo: u32,
    ) -> Result<PresetProgress> {
        self.large_preset_refusal(repos, tags_per_repo)?;
        let image_count = PRESET_IMAGES.min(repos);
        let mut load = PresetLoad {
            next: 0,
            repos,
            tags_per_repo,
            images: Vec::with_capacity(image_count as usize),
            image_count,
        };
        load.images.push(self.push_shared_image(0)?);
        let progress = load.progress();
        self.preset = Some(load);
        Ok(progress)
    }

    /// Why a preset load would be refused before it changes anything, if it would: its size,
    /// or a registry that is not empty.
    pub(super) fn large_preset_refusal(&self, repos: u32, tags_per_repo: u32) -> Result<()> {
        if repos == 0 || repos > PRESET_REPOS_MAX || tags_per_repo == 0 {
            return err_k(ErrorCode::InvalidArgument, "errors.preset_size", []);
        }
        let tags = u64::from(repos) * u64::from(tags_per_repo);
        if tags > PRESET_TAGS_MAX {
            return err_k(ErrorCode::InvalidArgument, "errors.preset_tags", []);
        }
        if self.preset.is_some() || self.repos.live() > 0 || self.replicas.len() > 1 {
            return err_k(ErrorCode::InvalidArgument, "errors.preset_not_empty", []);
        }
        Ok(())
    }

    /// Pushes shared image `m` (the push a client would make) and gives its manifest's digest
    /// and blobs, for the repositories to link. Part of the load's one recorded call: the
    /// clock the transfer moves is not recorded again, wherever a slice runs it.
    fn push_shared_image(
        &mut self,
        m: u32,
    ) -> Result<(super::digest::Digest, std::collections::BTreeSet<super::digest::Digest>)> {
        let pushed = self.nested(|r| r.put_image(&preset_repo(m), "v1", image_layers(m)))?;
        let blobs = self.manifests.get(&pushed.digest).map(|meta| meta.blobs.clone()).unwrap_or_default();
        Ok((pushed.digest, blobs))
    }

    /// Does up to `units` more of the preset being loaded: pushes shared images (each counts
    /// `IMAGE_WEIGHT` units) until all are pushed, then fills repositories (one unit each).
    /// Gives how far it has got (None: no load under way); the last slice logs the load's one
    /// event. A push refused part way (a full registry) stops the load there, with the error:
    /// what was pushed stays, as it would for a client's pushes.
    pub fn continue_large_preset(&mut self, units: u32) -> Result<Option<PresetProgress>> {
        let Some(mut load) = self.preset.take() else { return Ok(None) };
        // The recorded call is being carried out: what a save holds changes with it.
        self.edited();
        let mut units = units.max(1);
        while (load.images.len() as u32) < load.image_count {
            if units == 0 {
                let progress = load.progress();
                self.preset = Some(load);
                return Ok(Some(progress));
            }
            let m = load.images.len() as u32;
            load.images.push(self.push_shared_image(m)?);
            units = units.saturating_sub(IMAGE_WEIGHT);
        }
        let (now, region) = (self.now, self.region.name);
        let end = load.next.saturating_add(units).min(load.repos);
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
            let mut r = self.repos.get_or_default(&name);
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
        let progress = load.progress();
        if end < load.repos {
            self.preset = Some(load);
        } else {
            let tags = u64::from(load.repos) * u64::from(load.tags_per_repo);
            let billed = self.usage().total_billed_bytes;
            let what = [load.repos.to_string(), tags.to_string(), count.to_string(), billed.to_string()];
            self.log(EventKind::feature(crate::i18n::Msg::new("events.large_preset", what.map(Into::into))));
        }
        Ok(Some(progress))
    }

    /// Finishes a preset load under way, if any (before anything else is done). A load a
    /// refused push stopped stays stopped: its images stay, as they did when it was made.
    pub(super) fn finish_preset(&mut self) {
        if self.preset.is_some() {
            let _ = self.continue_large_preset(u32::MAX);
        }
    }

    /// How far the preset load under way has got (None: none under way).
    pub fn preset_progress(&self) -> Option<PresetProgress> {
        self.preset.as_ref().map(PresetLoad::progress)
    }

    fn finish_preset_report(&self, repos: u32, tags_per_repo: u32) -> Result<PresetReport> {
        Ok(PresetReport {
            repositories: repos,
            tags: u64::from(repos) * u64::from(tags_per_repo),
            images: PRESET_IMAGES.min(repos),
            billed_bytes: self.usage().total_billed_bytes,
        })
    }
}
