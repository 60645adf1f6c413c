//! The large-registry preset, loaded from the "New registry" dialog: the page creates the
//! registry from the dialog's fields and shows the progress bar; the first slice starts the
//! load (`begin_large_preset`: checks, and the first shared image), then every further slice
//! pushes more shared images and, once they are all stored, fills repositories
//! (`continue_large_preset`). The page sends one `PresetSlice` per animation frame, after the
//! frame is painted, and each slice works for at most `SLICE_BUDGET_MS`, so the page keeps
//! answering and shows progress.
//! Also: the catalog shown from a name on, to reach a page deep in a big registry at once.

use crate::engine::preset::{PRESET_IMAGES, PresetProgress};
use crate::i18n::{Arg, Lang, Msg};
use crate::ui::format::counted;

use super::{NewRegistryForm, State, UiError};

/// The preset the dialog offers: 100,000 repositories of 10 tags (1,000,000 tags).
pub const PRESET_REPOS: u32 = 100_000;
pub const PRESET_TAGS_PER_REPO: u32 = 10;
/// Work per engine call, in repositories (an image counts `IMAGE_WEIGHT`); a slice makes calls
/// until its budget is spent.
const CHUNK_UNITS: u32 = 500;
/// Real milliseconds of work per slice (one slice per animation frame).
const SLICE_BUDGET_MS: f64 = 12.0;
/// The longest name the catalog can be shown after (a repository name is at most 256).
const CATALOG_AFTER_MAX: usize = 256;

/// A preset load, under way or done, as the progress bar shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct PresetLoadSnap {
    /// Repositories filled so far, of `repositories`.
    pub done: u32,
    pub repositories: u32,
    /// Shared images stored so far, of `images` (they come before the repositories).
    pub images_done: u32,
    pub images: u32,
    pub tags: u64,
    /// Real milliseconds since "create" was pressed.
    pub elapsed_ms: u64,
    /// Real milliseconds until the shared images were all stored (sealed and hashed).
    pub images_ms: u64,
    /// Slices asked for so far (each animation frame asks for one).
    pub slices: u32,
    /// The load has begun (the first slice begins it).
    pub begun: bool,
    pub finished: bool,
    /// When "create" was pressed (real time, `performance.now()`).
    started_at: f64,
}

impl PresetLoadSnap {
    /// Per cent done, 0 to 100 (rounded down, 100 only when finished).
    pub fn percent(&self) -> u32 {
        if self.finished {
            return 100;
        }
        let p = PresetProgress {
            done: self.done,
            repositories: self.repositories,
            images_done: self.images_done,
            images: self.images,
        };
        ((p.fraction() * 100.0).floor() as u32).min(99)
    }

    /// The shared images are all stored (the repositories are being filled).
    pub fn images_stored(&self) -> bool {
        self.begun && self.images_done >= self.images
    }

    /// Takes in how far the engine has got.
    fn progressed(&mut self, p: PresetProgress) {
        self.done = p.done;
        self.repositories = p.repositories;
        self.images_done = p.images_done;
        self.images = p.images;
    }

    /// "Loaded 100,000 repositories and 1,000,000 tags in N ms", in `lang`.
    pub fn loaded_words(&self, lang: Lang) -> String {
        self.loaded_msg().text(lang)
    }

    /// The same, drawn in the page's language where it is shown.
    pub fn loaded_msg(&self) -> Msg {
        Msg::new(
            "preset.loaded",
            [Arg::Count(u64::from(self.repositories)), Arg::Count(self.tags), Arg::Ms(self.elapsed_ms)],
        )
    }
}

/// Real time in milliseconds (fractions kept), for timing the load.
pub(super) fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or_else(js_sys::Date::now, |p| p.now())
}

impl State {
    /// Creates a registry from the dialog's fields; the first slice starts loading the preset
    /// into it (after the progress bar is painted).
    pub(super) fn load_preset(&mut self, form: NewRegistryForm) {
        let started_at = now_ms();
        self.create_registry(form);
        if self.new_registry.is_some() {
            // Refused: the dialog shows why, and the current registry stays.
            return;
        }
        self.note(Msg::new(
            "notes.preset_loading",
            [self.name.clone().into(), Arg::Count(u64::from(PRESET_REPOS))],
        ));
        self.preset = Some(PresetLoadSnap {
            done: 0,
            repositories: PRESET_REPOS,
            images_done: 0,
            images: PRESET_IMAGES,
            tags: u64::from(PRESET_REPOS) * u64::from(PRESET_TAGS_PER_REPO),
            elapsed_ms: 0,
            images_ms: 0,
            slices: 0,
            begun: false,
            finished: false,
            started_at,
        });
    }

    /// The first slice: the engine checks the registry and stores the first shared image.
    fn preset_begin(&mut self, load: &mut PresetLoadSnap) -> bool {
        let Some(p) = self.change(|r| r.begin_large_preset(load.repositories, PRESET_TAGS_PER_REPO)) else {
            return false;
        };
        load.begun = true;
        load.progressed(p);
        load.elapsed_ms = (now_ms() - load.started_at) as u64;
        true
    }

    /// One slice of the load under way: images, then repositories, for up to `SLICE_BUDGET_MS`.
    pub(super) fn preset_slice(&mut self) {
        let Some(mut load) = self.preset.clone().filter(|l| !l.finished) else { return };
        load.slices += 1;
        if !load.begun {
            // Refused (the error says why): the load ends before it began.
            self.preset = self.preset_begin(&mut load).then_some(load);
            return;
        }
        let Some(reg) = self.registry.clone() else { return };
        let progress = {
            let Ok(mut r) = reg.try_borrow_mut() else {
                // In use: the next frame tries again.
                self.preset = Some(load);
                return;
            };
            let started = now_ms();
            let mut last: Result<Option<PresetProgress>, _> = Ok(None);
            // Bounded: each call does `CHUNK_UNITS` more, and the load has a finite amount.
            loop {
                match r.continue_large_preset(CHUNK_UNITS) {
                    Ok(Some(p)) => {
                        last = Ok(Some(p));
                        if p.done >= p.repositories || now_ms() - started > SLICE_BUDGET_MS {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        last = Err(e);
                        break;
                    }
                }
            }
            last
        };
        let progress = match progress {
            Ok(p) => p,
            Err(e) => {
                // A push refused part way stopped the load: what it stored stays, and why shows.
                self.version += 1;
                self.checks.clear();
                self.preset = None;
                return self.fail(UiError::from(e));
            }
        };
        self.version += 1;
        self.checks.clear();
        // None: nothing was under way any more (anything else done to the registry finishes
        // the load first).
        match progress {
            Some(p) => load.progressed(p),
            None => (load.done, load.images_done) = (load.repositories, load.images),
        }
        load.elapsed_ms = (now_ms() - load.started_at) as u64;
        if load.images_ms == 0 && load.images_stored() {
            load.images_ms = load.elapsed_ms;
        }
        if load.done >= load.repositories {
            load.finished = true;
        }
        if load.finished && progress.is_some() {
            self.note(Msg::new(
                "notes.preset_loaded",
                [
                    load.loaded_msg().into(),
                    Arg::Ms(load.images_ms),
                    Arg::Ms(load.elapsed_ms.saturating_sub(load.images_ms)),
                    counted("notes.slices", load.slices.saturating_sub(1) as usize).into(),
                ],
            ));
        }
        self.preset = Some(load);
    }

    /// Shows the catalog from the first repository after `name` on (the registry API's `last`).
    pub(super) fn catalog_after(&mut self, name: &str) {
        let name = name.trim();
        if name.is_empty() {
            self.cursor.clear();
            self.catalog_jump = None;
            return;
        }
        if name.len() > CATALOG_AFTER_MAX {
            return self.fail(UiError::page(
                "INVALID_INPUT",
                Msg::new("notes.catalog_name_long", [CATALOG_AFTER_MAX.to_string().into()]),
            ));
        }
        let any =
            self.with(|r| r.catalog_with_hidden(Some(1), Some(name)).map(|p| !p.repositories.is_empty()));
        match any {
            None => return,
            Some(false) => {
                self.cursor.clear();
                self.catalog_jump = None;
                return self.note(Msg::new("notes.catalog_none_after", [name.into()]));
            }
            Some(true) => {}
        }
        // "Previous" from here leads back to the first page.
        self.cursor = vec![name.to_string()];
        self.catalog_jump = Some(name.to_string());
    }

    /// The name the catalog is shown after, while it is (None: paged from the first page).
    pub fn catalog_from(&self) -> Option<String> {
        self.catalog_jump.clone().filter(|j| self.cursor.first() == Some(j))
    }
}
