//! A push of large files, sent the way a registry client sends them: each file layer through
//! an upload session (`start_upload`, its bytes in chunks with `append_upload`, then
//! `finish_upload` with the digest the page computed as it sent them), then the image's
//! manifest naming the uploaded layers. The page asks for one `PushSlice` per animation frame
//! (after the frame is painted) and each slice works for at most `SLICE_BUDGET_MS`, so the page
//! keeps answering and the push form shows how far it has got. Pushes of small files still go
//! in one call (`State::push`).

use sha2::{Digest as _, Sha256};

use crate::engine::{Digest, LayerInput, Millis, Registry, RegistryError};
use crate::i18n::Msg;

use super::{PendingLayer, RetryOp, State, UiError};

/// File bytes above which a push is sent in slices.
pub const SLICED_FROM_BYTES: u64 = 2 << 20;
/// Bytes per `append_upload` call.
const CHUNK_BYTES: usize = 512 << 10;
/// Real milliseconds of work per slice (a chunk's step takes 10–20 ms, so a slice stays well
/// under the 100 ms a long task is).
const SLICE_BUDGET_MS: f64 = 30.0;

/// A sliced push under way.
#[derive(Clone, Debug)]
pub struct PushJob {
    repo: String,
    tag: String,
    identity: String,
    layers: Vec<PendingLayer>,
    /// The layer being sent (file layers are sent in order; synthetic ones are skipped here).
    layer: usize,
    /// Its upload, once started, and the bytes of it sent so far.
    upload: Option<String>,
    sent: usize,
    hasher: Sha256,
    /// Digests of the file layers sent, by layer index.
    digests: Vec<Option<Digest>>,
    /// The registry's generation the push began in (a replaced registry ends it).
    generation: u64,
    started_at: Millis,
    pub progress: PushProgress,
}

/// How far a sliced push has got, as the push form shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PushProgress {
    pub sent_bytes: u64,
    pub total_bytes: u64,
    /// The file being sent (1-based) of how many.
    pub file: usize,
    pub files: usize,
    pub slices: u32,
}

impl PushProgress {
    /// Per cent sent, 0 to 100.
    pub fn percent(&self) -> u64 {
        (self.sent_bytes * 100).checked_div(self.total_bytes).unwrap_or(100)
    }
}

/// What one step of a push did.
enum Step {
    /// More to do.
    Going,
    /// Every file is uploaded: the image's layers, to push.
    Sent(Vec<LayerInput>),
}

impl PushJob {
    fn new(
        repo: &str,
        tag: &str,
        identity: &str,
        layers: Vec<PendingLayer>,
        generation: u64,
        now: Millis,
    ) -> Self {
        let files: Vec<&PendingLayer> = layers.iter().filter(|l| l.bytes.is_some()).collect();
        let progress = PushProgress {
            sent_bytes: 0,
            total_bytes: files.iter().map(|l| l.size_bytes).sum(),
            file: 1,
            files: files.len(),
            slices: 0,
        };
        PushJob {
            repo: repo.into(),
            tag: tag.into(),
            identity: identity.into(),
            digests: vec![None; layers.len()],
            layers,
            layer: 0,
            upload: None,
            sent: 0,
            hasher: Sha256::new(),
            generation,
            started_at: now,
            progress,
        }
    }

    /// Runs `f` as the push's identity (the admin user when none was given).
    fn as_caller<T>(
        &self,
        r: &mut Registry,
        f: impl FnOnce(&mut Registry) -> Result<T, RegistryError>,
    ) -> Result<T, RegistryError> {
        if self.identity.is_empty() { f(r) } else { r.with_identity(&self.identity, f) }
    }

    /// One engine call: start the next file's upload, send its next chunk, or finish it.
    fn step(&mut self, r: &mut Registry) -> Result<Step, RegistryError> {
        while self.layers.get(self.layer).is_some_and(|l| l.bytes.is_none()) {
            self.layer += 1;
        }
        let Some(bytes) = self.layers.get(self.layer).and_then(|l| l.bytes.clone()) else {
            return Ok(Step::Sent(self.inputs()));
        };
        let repo = self.repo.clone();
        let Some(id) = self.upload.clone() else {
            let started = self.as_caller(r, |r| r.start_upload(&repo))?;
            self.upload = Some(started.id);
            (self.sent, self.hasher) = (0, Sha256::new());
            return Ok(Step::Going);
        };
        let bytes = bytes.0.as_slice();
        if self.sent < bytes.len() {
            let chunk = &bytes[self.sent..bytes.len().min(self.sent + CHUNK_BYTES)];
            self.hasher.update(chunk);
            let from = self.sent as u64;
            self.as_caller(r, |r| r.append_upload(&id, chunk, Some(from)))?;
            self.sent += chunk.len();
            self.progress.sent_bytes += chunk.len() as u64;
            return Ok(Step::Going);
        }
        let digest = Digest::from_sha256(self.hasher.clone()).to_string();
        let size = bytes.len() as u64;
        let stored = self.as_caller(r, |r| r.finish_upload(&id, &digest, Some(size)))?;
        self.digests[self.layer] = Some(stored);
        self.upload = None;
        self.layer += 1;
        self.progress.file = (self.progress.file + 1).min(self.progress.files);
        Ok(Step::Going)
    }

    /// The image's layers: the uploaded files by digest, the synthetic layers as they are.
    fn inputs(&self) -> Vec<LayerInput> {
        self.layers
            .iter()
            .zip(&self.digests)
            .map(|(l, d)| match d {
                Some(digest) => {
                    LayerInput::Uploaded { name: l.name.clone(), digest: *digest, size_bytes: l.size_bytes }
                }
                None => LayerInput::Synthetic { size_bytes: l.size_bytes, seed: None },
            })
            .collect()
    }
}

impl State {
    /// Whether this push's files are large enough to send in slices.
    pub(super) fn sliced(&self) -> bool {
        let files: u64 = self.pending.iter().filter(|l| l.bytes.is_some()).map(|l| l.size_bytes).sum();
        files > SLICED_FROM_BYTES
    }

    /// Begins a sliced push of the pending layers (the first slice comes after a paint).
    pub(super) fn begin_sliced_push(&mut self, repo: &str, tag: &str, identity: &str) {
        let now = self.with(|r| Ok(r.now())).unwrap_or_default();
        let job = PushJob::new(repo, tag, identity, self.pending.clone(), self.generation, now);
        self.note(Msg::new(
            "notes.push_sending",
            [format!("{repo}:{tag}").into(), crate::i18n::Arg::Bytes(job.progress.total_bytes)],
        ));
        self.push_job = Some(job);
    }

    /// One slice of the push under way: engine calls until `SLICE_BUDGET_MS` is spent.
    pub(super) fn push_slice(&mut self) {
        let Some(mut job) = self.push_job.take() else { return };
        if job.generation != self.generation {
            // The registry was replaced: its uploads went with it.
            return;
        }
        job.progress.slices += 1;
        let started = super::preset::now_ms();
        let stepped = self.change(|r| {
            loop {
                match job.step(r)? {
                    Step::Sent(layers) => return Ok(Some(layers)),
                    Step::Going if super::preset::now_ms() - started > SLICE_BUDGET_MS => return Ok(None),
                    Step::Going => {}
                }
            }
        });
        match stepped {
            Some(None) => self.push_job = Some(job),
            Some(Some(layers)) => {
                let sent = job.progress.total_bytes;
                let pushed_ids: Vec<u64> = job.layers.iter().map(|l| l.id).collect();
                let (repo, tag, identity) = (job.repo.clone(), job.tag.clone(), job.identity.clone());
                if self.finish_push(&repo, &tag, &identity, layers, sent, Some(job.started_at)) {
                    self.pending.retain(|p| !pushed_ids.contains(&p.id));
                }
            }
            None => self.push_failed(&job),
        }
    }

    /// A refused step ends the push: the upload left open is cancelled (what was sent is
    /// dropped, and the log says so); the layers stay pending, to push again.
    fn push_failed(&mut self, job: &PushJob) {
        if let (Some(id), Some(reg)) = (&job.upload, &self.registry)
            && let Ok(mut r) = reg.try_borrow_mut()
        {
            let _ = job.as_caller(&mut r, |r| r.cancel_upload(id));
            self.version += 1;
        }
        if let Some(retry) = &mut self.retry {
            retry.op = RetryOp::Push {
                repo: job.repo.clone(),
                tag: job.tag.clone(),
                identity: job.identity.clone(),
            };
        }
    }

    /// "Stop": the push under way ends and its open upload is cancelled.
    pub(super) fn stop_push(&mut self) {
        let Some(job) = self.push_job.take() else { return };
        self.push_failed(&job);
        self.note(Msg::new("notes.push_stopped", [format!("{}:{}", job.repo, job.tag).into()]));
    }

    /// Refuses a second push while one is being sent.
    pub(super) fn push_under_way(&mut self) -> bool {
        if self.push_job.is_some() {
            self.fail(UiError::page("PUSH_UNDER_WAY", Msg::key("notes.push_under_way")));
            return true;
        }
        false
    }
}
