//! Saving a blob from the catalog ("Pull layer"), or checking it ("Verify"): the engine opens
//! it (decrypts it and checks its tag and digest) and the browser saves it. A large one is opened by a `BlobReader` a
//! slice per animation frame, with a bar and Stop, so the page keeps answering; no byte is
//! saved before the whole blob is checked. Its bytes are then copied out to the browser a part
//! per slice, and saved. Small ones are opened and saved at once.

use std::cell::RefCell;
use std::rc::Rc;

use crate::engine::blob_store::BlobReader;
use crate::engine::{BlobCheck, Digest};
use crate::i18n::{Arg, Msg};
use crate::ui::browser;

use super::{LayerKey, State, UiError};

/// Blobs from this size on are opened a slice at a time.
const SLICED_FROM_BYTES: u64 = 2 << 20;
/// Bytes per `BlobReader::advance` call (10–20 ms of decrypting and hashing).
const STEP_BYTES: usize = 256 << 10;
/// Real milliseconds of work per slice.
const SLICE_BUDGET_MS: f64 = 30.0;
/// Bytes copied out to the browser per slice once the blob is open.
const PART_BYTES: usize = 16 << 20;

/// Where a large blob's saving is: being opened, or open and being copied out.
enum Phase {
    Opening(Box<BlobReader>),
    /// `bytes` copied out up to `at`, into `parts`.
    CopyingOut {
        bytes: Vec<u8>,
        parts: js_sys::Array,
        at: usize,
    },
}

/// A large blob being opened for saving.
#[derive(Clone)]
pub struct DownloadRun {
    pub view: DownloadView,
    phase: Rc<RefCell<Option<Phase>>>,
    /// The registry's generation it began in (a replaced registry ends it).
    generation: u64,
}

impl std::fmt::Debug for DownloadRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadRun").field("view", &self.view).finish_non_exhaustive()
    }
}

/// How far a large blob's opening has got, as the side area shows it; `slices` counts the
/// slices asked for (each new one asks for the next). `verify`: opened to check it (its layer,
/// where the answer goes), not to save it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownloadView {
    pub verify: Option<LayerKey>,
    pub filename: String,
    pub digest: String,
    pub done_bytes: u64,
    pub total_bytes: u64,
    pub slices: u32,
}

impl DownloadView {
    pub fn percent(&self) -> u64 {
        (self.done_bytes * 100).checked_div(self.total_bytes).unwrap_or(100).min(100)
    }
}

impl State {
    /// "Pull layer": the blob opened and saved as `filename`, at once if it is small.
    pub(super) fn download(&mut self, repo: &str, digest: &str, filename: &str) {
        if self.download.is_some() {
            return self.fail(UiError::page("DOWNLOAD_UNDER_WAY", Msg::key("notes.download_under_way")));
        }
        let Some(mut reader) = self.with(|r| r.begin_read_blob(repo, digest)) else { return };
        let (_, total_bytes) = reader.progress();
        if total_bytes < SLICED_FROM_BYTES {
            match open_all(&mut reader) {
                Ok(bytes) => self.save(filename, digest, &bytes),
                Err(e) => self.fail(e.into()),
            }
            return;
        }
        let view = DownloadView {
            verify: None,
            filename: filename.to_string(),
            digest: digest.to_string(),
            done_bytes: 0,
            total_bytes,
            slices: 1,
        };
        let phase = Rc::new(RefCell::new(Some(Phase::Opening(Box::new(reader)))));
        self.download = Some(DownloadRun { view, phase, generation: self.generation });
    }

    /// "Verify" of a large blob: opened a slice per frame, as a pull is (whether `key`'s blob is
    /// large enough to be, and so was begun).
    pub(super) fn verify_sliced(&mut self, key: &LayerKey) -> bool {
        if self.download.is_some() {
            self.fail(UiError::page("DOWNLOAD_UNDER_WAY", Msg::key("notes.download_under_way")));
            return true;
        }
        let reader = match &self.registry {
            Some(reg) => reg.try_borrow().ok().and_then(|r| r.begin_read_blob(&key.0, &key.1).ok()),
            None => None,
        };
        // A blob that cannot be opened is refused by `verify_blob`, in words.
        let Some(reader) = reader.filter(|r| r.progress().1 >= SLICED_FROM_BYTES) else { return false };
        let view = DownloadView {
            verify: Some(key.clone()),
            filename: String::new(),
            digest: key.1.clone(),
            done_bytes: 0,
            total_bytes: reader.progress().1,
            slices: 1,
        };
        let phase = Rc::new(RefCell::new(Some(Phase::Opening(Box::new(reader)))));
        self.download = Some(DownloadRun { view, phase, generation: self.generation });
        true
    }

    /// One slice of the blob being opened: `advance` calls until `SLICE_BUDGET_MS` is spent;
    /// once it is open and checked, a part of it copied out per slice; then the browser saves it.
    pub(super) fn download_slice(&mut self) {
        let Some(mut run) = self.download.take() else { return };
        if run.generation != self.generation {
            return;
        }
        let Some(phase) = run.phase.borrow_mut().take() else { return };
        let next = match (phase, run.view.verify.clone()) {
            (Phase::Opening(reader), Some(key)) => match open_some(reader) {
                Ok(Phase::CopyingOut { bytes, .. }) => {
                    let expected = Digest::parse(&key.1).map_err(UiError::from);
                    let check = expected.map(|expected| BlobCheck {
                        expected,
                        recomputed: expected,
                        served_bytes: bytes.len() as u64,
                        matches: true,
                    });
                    return self.verified(key, check);
                }
                Err(e) => return self.verified(key, Err(e.into())),
                opening => opening,
            },
            (Phase::Opening(reader), None) => open_some(reader),
            (Phase::CopyingOut { bytes, parts, at }, _) => {
                let end = at.saturating_add(PART_BYTES).min(bytes.len());
                parts.push(&js_sys::Uint8Array::from(bytes.get(at..end).unwrap_or_default()));
                if end == bytes.len() {
                    return self.saved(
                        &run.view,
                        browser::save_parts(&run.view.filename, &parts),
                        bytes.len(),
                    );
                }
                Ok(Phase::CopyingOut { bytes, parts, at: end })
            }
        };
        match next {
            Ok(phase) => {
                let (done, total) = match &phase {
                    Phase::Opening(reader) => reader.progress(),
                    Phase::CopyingOut { bytes, .. } => (bytes.len() as u64, bytes.len() as u64),
                };
                run.view = DownloadView {
                    done_bytes: done,
                    total_bytes: total.max(1),
                    slices: run.view.slices + 1,
                    ..run.view
                };
                *run.phase.borrow_mut() = Some(phase);
                self.download = Some(run);
            }
            Err(e) => self.fail(e.into()),
        }
    }

    /// "Stop": the blob being opened is dropped; nothing is saved (or verified).
    pub(super) fn stop_download(&mut self) {
        match self.download.take().map(|run| run.view) {
            Some(DownloadView { verify: Some((_, digest)), .. }) => {
                self.note(Msg::new("notes.verify_stopped", [digest.as_str().into()]))
            }
            Some(view) => self.note(Msg::new("notes.download_stopped", [view.filename.as_str().into()])),
            None => {}
        }
    }

    fn save(&mut self, filename: &str, digest: &str, bytes: &[u8]) {
        let view = DownloadView {
            verify: None,
            filename: filename.to_string(),
            digest: digest.to_string(),
            done_bytes: 0,
            total_bytes: 0,
            slices: 0,
        };
        self.saved(&view, browser::save(filename, bytes), bytes.len());
    }

    /// What saving did: a note, or why the browser refused it.
    fn saved(&mut self, view: &DownloadView, saved: Result<(), Msg>, len: usize) {
        let (filename, digest) = (view.filename.as_str(), view.digest.as_str());
        match saved {
            Ok(()) => self.note(Msg::new(
                "notes.pulled_saved",
                [digest.into(), filename.into(), Arg::Bytes(len as u64)],
            )),
            Err(e) => self.fail(UiError::page(
                "DOWNLOAD_FAILED",
                Msg::new("notes.save_failed", [filename.into(), e.into()]),
            )),
        }
    }
}

/// Opens the blob for up to `SLICE_BUDGET_MS`; what is left to do (a blob opened whole goes
/// on to be copied out).
fn open_some(mut reader: Box<BlobReader>) -> Result<Phase, crate::engine::RegistryError> {
    let started = super::preset::now_ms();
    loop {
        match reader.advance(STEP_BYTES)? {
            Some(bytes) => return Ok(Phase::CopyingOut { bytes, parts: js_sys::Array::new(), at: 0 }),
            None if super::preset::now_ms() - started >= SLICE_BUDGET_MS => {
                return Ok(Phase::Opening(reader));
            }
            None => {}
        }
    }
}

/// A small blob, opened at once.
fn open_all(reader: &mut BlobReader) -> Result<Vec<u8>, crate::engine::RegistryError> {
    loop {
        if let Some(bytes) = reader.advance(usize::MAX)? {
            return Ok(bytes);
        }
    }
}
