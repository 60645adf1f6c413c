//! Image archives from the catalog: "Import archive" reads a chosen `.tar`, `.tar.gz` or `.tgz`
//! (an OCI image layout or a `docker save` tarball) and hands it to the engine's journaled
//! `import_archive` on the page's live registry, so the import is in the session the page keeps
//! (a large one is read by an `ImportJob` a slice per animation frame, with its progress and a
//! Stop, then imported with `import_prepared`);
//! "Export OCI layout" and "Export docker archive" ask the engine for the file (reading only) and
//! the page downloads it. Either way the catalog says what came in or went out, and what was
//! refused or left out, and why.

use std::cell::RefCell;
use std::rc::Rc;

use crate::engine::Registry;
use crate::engine::import::{ImportJob, ImportProgress, ImportReport, ImportedImage};
use crate::engine::oci::Skipped;
use crate::i18n::{Arg, Msg};
use crate::ui::format::counted;

use super::{Action, ReadFile, SmallSet, State, UiError};

/// The repository an image with no name in the archive goes to.
pub const DEFAULT_REPO: &str = "imported";
/// Archives from this size on are read a slice at a time (smaller ones at once).
const SLICED_FROM_BYTES: usize = 2 << 20;
/// Bytes per `ImportJob::advance` call (10–20 ms of hashing and sealing).
const STEP_BYTES: usize = 256 << 10;
/// Real milliseconds of work per slice: a slice stays well under the 100 ms a long task is.
const SLICE_BUDGET_MS: f64 = 30.0;

/// An archive being read for import, a slice per animation frame; nothing is imported until
/// it is read whole.
#[derive(Clone)]
pub struct ImportRun {
    file: String,
    job: Rc<RefCell<Option<ImportJob>>>,
    /// The registry's generation it began in (a replaced registry ends it).
    generation: u64,
}

impl std::fmt::Debug for ImportRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportRun").field("file", &self.file).finish_non_exhaustive()
    }
}

/// Which kind of archive an export writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchiveFormat {
    /// An OCI image layout in a tar: the OCI images.
    OciLayout,
    /// A `docker save` tarball: the Docker schema-2 images.
    DockerArchive,
}

impl ArchiveFormat {
    /// The downloaded file's name for registry `name`.
    pub fn filename(self, name: &str) -> String {
        let name: String =
            name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect();
        let name = if name.is_empty() { "stowage".to_string() } else { name };
        match self {
            Self::OciLayout => format!("{name}-oci-layout.tar"),
            Self::DockerArchive => format!("{name}-docker-archive.tar"),
        }
    }

    /// As the page's data attributes name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OciLayout => "oci-layout",
            Self::DockerArchive => "docker-archive",
        }
    }
}

/// The last archive import or export, as the catalog shows it.
#[derive(Clone, Debug, PartialEq)]
pub enum ArchiveOutcome {
    /// The chosen file is being read; a large one's import job says how far it has got, in
    /// slices (`slices` counts them: each new one asks for the next).
    Reading { file: String, progress: Option<ImportProgress>, slices: u32 },
    /// The engine imported it.
    Imported {
        file: String,
        /// `oci-layout` or `docker-save`.
        format: &'static str,
        gzip: bool,
        images: Vec<ImportedImage>,
        blobs: usize,
        blob_bytes: u64,
    },
    /// The file could not be read, or the engine refused it: nothing changed.
    ImportRefused { file: String, error: UiError },
    /// The file was made and offered as a download.
    Exported { format: ArchiveFormat, filename: String, bytes: u64, images: usize, skipped: Vec<Skipped> },
    /// The engine (or the browser) refused the export.
    ExportRefused { format: ArchiveFormat, error: UiError },
}

impl ArchiveOutcome {
    /// What the status line says of it.
    fn note(&self) -> Option<Msg> {
        match self {
            Self::Imported { file, format, gzip, images, blobs, blob_bytes } => {
                Some(imported_words(file, format, *gzip, images.len(), *blobs, *blob_bytes))
            }
            Self::Exported { filename, bytes, images, .. } => Some(exported_words(filename, *bytes, *images)),
            _ => None,
        }
    }
}

/// "Imported app.tar.gz, a gzip-compressed docker save archive: 1 image, 3,000 bytes in 2 blobs."
pub fn imported_words(file: &str, format: &str, gzip: bool, images: usize, blobs: usize, bytes: u64) -> Msg {
    let kind = match (format, gzip) {
        ("oci-layout", false) => "archive.format_oci",
        ("oci-layout", true) => "archive.format_oci_gz",
        (_, false) => "archive.format_docker",
        (_, true) => "archive.format_docker_gz",
    };
    Msg::new(
        "archive.imported",
        [
            file.into(),
            Msg::key(kind).into(),
            counted("archive.images", images).into(),
            Arg::Bytes(bytes),
            counted("unit.blobs", blobs).into(),
        ],
    )
}

/// "Saved stowage-oci-layout.tar (12.0 KiB): 2 images."
pub fn exported_words(filename: &str, bytes: u64, images: usize) -> Msg {
    Msg::new(
        "archive.exported",
        [filename.into(), Arg::Size(bytes), counted("archive.images", images).into()],
    )
}

/// Makes the export from the page's registry (reading only) and downloads it: the action that
/// shows what went out, or why nothing did.
pub fn export_archive(registry: Option<&Rc<RefCell<Registry>>>, format: ArchiveFormat, name: &str) -> Action {
    let refused = |error: UiError| Action::ArchiveDone(ArchiveOutcome::ExportRefused { format, error });
    let Some(registry) = registry else {
        return refused(UiError::page("NO_REGISTRY", Msg::key("notes.no_registry")));
    };
    let made = match registry.try_borrow() {
        Ok(r) => match format {
            ArchiveFormat::OciLayout => r.export_oci_layout(None),
            ArchiveFormat::DockerArchive => r.export_docker_archive(None),
        },
        Err(_) => return refused(UiError::page("BUSY", Msg::key("notes.in_use"))),
    };
    let export = match made {
        Ok(e) => e,
        Err(e) => return refused(e.into()),
    };
    let filename = format.filename(name);
    if let Err(why) = crate::ui::browser::save(&filename, &export.bytes) {
        return refused(UiError::page(
            "DOWNLOAD_FAILED",
            Msg::new("notes.save_failed", [filename.as_str().into(), why.into()]),
        ));
    }
    Action::ArchiveDone(ArchiveOutcome::Exported {
        format,
        filename,
        bytes: export.bytes.len() as u64,
        images: export.images,
        skipped: export.skipped,
    })
}

impl State {
    /// A chosen archive has been read (or could not be): the engine imports it into the live
    /// registry, journaled, all or nothing; a large one is read by an import job first, a
    /// slice per frame.
    pub(super) fn archive_read(&mut self, file: String, read: Result<ReadFile, UiError>) {
        let bytes = match read {
            Ok(ReadFile { bytes, .. }) => bytes,
            Err(error) => return self.import_refused(file, error),
        };
        if bytes.len() < SLICED_FROM_BYTES {
            let imported = self.change(|r| r.import_archive(&bytes, DEFAULT_REPO));
            return self.imported(file, imported);
        }
        match ImportJob::new(bytes, DEFAULT_REPO) {
            Ok(job) => {
                self.archive = Some(ArchiveOutcome::Reading {
                    file: file.clone(),
                    progress: Some(job.progress()),
                    slices: 1,
                });
                let job = Rc::new(RefCell::new(Some(job)));
                self.import_run = Some(ImportRun { file, job, generation: self.generation });
            }
            Err(e) => self.import_refused(file, e.into()),
        }
    }

    /// One slice of the import being read: `advance` calls until `SLICE_BUDGET_MS` is spent;
    /// once it is read whole, the import.
    pub(super) fn import_slice(&mut self) {
        let Some(run) = self.import_run.take() else { return };
        if run.generation != self.generation {
            // The registry it was for was replaced: nothing of it was imported.
            self.archive = None;
            return;
        }
        let started = super::preset::now_ms();
        let Some(mut job) = run.job.borrow_mut().take() else { return };
        let read = loop {
            match job.advance(STEP_BYTES) {
                Ok(false) if super::preset::now_ms() - started < SLICE_BUDGET_MS => {}
                other => break other,
            }
        };
        match read {
            Ok(false) => {
                let slices = match &self.archive {
                    Some(ArchiveOutcome::Reading { slices, .. }) => slices + 1,
                    _ => 1,
                };
                self.archive = Some(ArchiveOutcome::Reading {
                    file: run.file.clone(),
                    progress: Some(job.progress()),
                    slices,
                });
                *run.job.borrow_mut() = Some(job);
                self.import_run = Some(run);
            }
            Ok(true) => {
                let imported = self.change(|r| r.import_prepared(job));
                self.imported(run.file, imported);
            }
            Err(e) => self.import_refused(run.file, e.into()),
        }
    }

    /// "Stop": the import being read ends; nothing of it was imported.
    pub(super) fn stop_import(&mut self) {
        let Some(run) = self.import_run.take() else { return };
        self.archive = None;
        self.note(Msg::new("archive.import_stopped", [run.file.as_str().into()]));
    }

    fn import_refused(&mut self, file: String, error: UiError) {
        self.fail(error.clone());
        self.archive = Some(ArchiveOutcome::ImportRefused { file, error });
    }

    /// What an import did: the report, or (`None`) its refusal, which `change` put in the
    /// status line and the catalog shows too.
    fn imported(&mut self, file: String, imported: Option<ImportReport>) {
        let Some(report) = imported else {
            self.archive = self.error.clone().map(|error| ArchiveOutcome::ImportRefused { file, error });
            return;
        };
        // Open what was imported, and only that, so the catalog shows its manifests and digests.
        self.expanded = SmallSet::default();
        for image in &report.images {
            self.expanded.insert(image.repo.to_string(), ());
        }
        self.set_archive(ArchiveOutcome::Imported {
            file,
            format: report.format,
            gzip: report.gzip,
            images: report.images,
            blobs: report.blobs,
            blob_bytes: report.blob_bytes,
        });
    }

    /// An import being read, or an export made: shown beside the buttons, and in the status line.
    pub(super) fn set_archive(&mut self, outcome: ArchiveOutcome) {
        match &outcome {
            ArchiveOutcome::ExportRefused { error, .. } | ArchiveOutcome::ImportRefused { error, .. } => {
                self.fail(error.clone())
            }
            other => {
                if let Some(note) = other.note() {
                    self.note(note);
                }
            }
        }
        self.archive = Some(outcome);
    }
}
