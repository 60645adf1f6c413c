//! Keeping the session (issue #5). The engine records everything done to the registry and
//! replays it (`Registry::save_session` / `Registry::load_session`, which checks the text and
//! refuses a damaged one); this module only carries that text between the page and the
//! browser, and says what happened:
//!
//! - after each change (at most once a second, and at once when the page is hidden) it saves in
//!   IndexedDB what changed since the last save: a part (`Registry::session_part`: the new
//!   entries and uploaded bytes, under `part:000001`, `part:000002`, …) appended to the session
//!   text saved whole under `current`. Every `PARTS_MAX` parts, or once the parts outweigh the
//!   text, after a fork, or for a new registry, it saves the whole text again and drops the parts
//!   (a snapshot), in one transaction, so a failed write (a full quota) leaves the copy saved
//!   before, text and parts, intact;
//! - the page shows one session at a time; whatever replaces it (a share link, an import, a new
//!   registry, a story, a kept session brought back) sets the one it replaces aside whole, under
//!   a key of its own (`kept:…`), in the same transaction that saves the new one, unless it holds
//!   nothing done (no action). Kept sessions are listed in the panel, each to restore in one click
//!   (the one shown is set aside in turn), download, or delete (asked first): nothing saved goes
//!   unless the person says so;
//! - when the page opens it replays the saved copy (or a share link in the address: the saved
//!   copy is set aside first, and a refused link changes nothing); a copy it could not restore is
//!   set aside too. Until the saved copy is restored the page says so at the top with its
//!   progress, and refuses changes in words (`ui::session_busy`) rather than drop them;
//! - "Export session" downloads the text, "Import session" reads one (checked by the engine
//!   before anything changes, then replaces the registry once confirmed);
//! - a share link carries the text deflated in the address's fragment: `#s=` and the base64url of
//!   `STW`, the link format (1), the text's length (u32, little-endian) and the raw deflate
//!   stream. Reading one is bounded by the length it declares, itself at most `LINK_TEXT_MAX`.
//!
//! Nothing here panics on what it reads: storage, files and links are all refused in words.

mod idb;
mod kept;
mod tail;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::{Rc, Weak};

use base64::Engine as _;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{Event, IdbDatabase};
use yew::{Reducible, UseReducerDispatcher};

use idb::{Batch, get, get_parts, open_db};
pub use kept::{KeptInfo, describe};

use super::format::counted;
use super::state::{Action, State, UiError, quiet};
use crate::engine::journal::{SavedMark, held_apart};
use crate::engine::{Digest, Millis, Registry, RegistryError};
use crate::i18n::{Arg, Msg};

/// The IndexedDB database, its one object store and its keys.
pub const DB_NAME: &str = "stowage";
pub const STORE: &str = "sessions";
/// The session the page saves as it goes.
pub const CURRENT: &str = "current";
/// Where an older page kept the one copy it set aside (read as one of the kept sessions).
pub const KEPT: &str = "kept";
/// Sessions set aside (refused, or replaced by a link, an import, a new registry or a story),
/// each under `kept:` and the time it was set aside, kept until the person deletes them.
pub const KEPT_PREFIX: &str = "kept:";
/// The longest fragment a share link may have (`s=` and its data).
pub const LINK_FRAGMENT_MAX: usize = 64 * 1024;
/// The most session text a link may declare and inflate to (a bound against deflate bombs).
pub const LINK_TEXT_MAX: usize = 16 << 20;
/// The share link format this page writes and reads.
pub const LINK_FORMAT: u8 = 1;
const LINK_MAGIC: &[u8; 3] = b"STW";
/// The biggest session file the page reads for an import (a browser's longest string is near).
pub const IMPORT_MAX_BYTES: u64 = 512 << 20;
/// Uploaded blobs kept beside the session text (`held_apart`): `blob:` and the digest's hex,
/// each `{kind, bytes}` with the bytes as they are. Written before the text or part that first
/// names them; a whole save deletes those its session no longer names. One over `PIECE_BYTES`
/// is kept in pieces, each written in a task of its own: its record holds the first and says
/// how many (`pieces`), the others are under `blob:<hex>/0001`…, and the record is written
/// last, so a blob whose record is there is whole.
pub const BLOB_PREFIX: &str = "blob:";
const PIECE_BYTES: usize = 4 << 20;
fn blob_key(d: &Digest) -> String {
    format!("{BLOB_PREFIX}{}", d.hex())
}
fn piece_key(d: &Digest, n: usize) -> String {
    format!("{BLOB_PREFIX}{}/{n:04}", d.hex())
}
fn blob_record(bytes: &[u8], pieces: usize) -> JsValue {
    let o = js_sys::Object::new();
    let _ = Reflect::set(&o, &"kind".into(), &"stowage-blob-record".into());
    let _ = Reflect::set(&o, &"bytes".into(), &js_sys::Uint8Array::from(bytes));
    if pieces > 1 {
        let _ = Reflect::set(&o, &"pieces".into(), &(pieces as f64).into());
    }
    o.into()
}

/// The blobs kept apart in the store, by digest, their pieces put back together. Each record
/// is read in a request (and a task) of its own, so no task reads more than `PIECE_BYTES`. A
/// record whose key or bytes cannot be read, or a piece missing, leaves the blob out: a session
/// that names it is then refused, in words, by the engine.
async fn read_apart(db: &IdbDatabase) -> Result<BTreeMap<Digest, Vec<u8>>, Msg> {
    let bytes_of = |record: Option<JsValue>| {
        Reflect::get(&record?, &"bytes".into()).ok()?.dyn_into::<js_sys::Uint8Array>().ok()
    };
    let mut out = BTreeMap::new();
    for key in idb::keys_prefixed(db, BLOB_PREFIX).await? {
        // Pieces are read with the record that counts them.
        let Some(hex) = key.strip_prefix(BLOB_PREFIX).filter(|h| !h.contains('/')) else { continue };
        let Ok(d) = Digest::parse(&format!("sha256:{hex}")) else { continue };
        let record = idb::get(db, &key).await?;
        let count = record
            .as_ref()
            .and_then(|r| Reflect::get(r, &"pieces".into()).ok())
            .and_then(|v| v.as_f64())
            .map_or(1, |n| n.clamp(1.0, 1e6) as usize);
        let Some(first) = bytes_of(record) else { continue };
        let mut bytes = Vec::with_capacity(count.saturating_mul(PIECE_BYTES).min(1 << 30));
        append(&mut bytes, &first);
        let mut whole = true;
        for n in 1..count {
            match bytes_of(idb::get(db, &piece_key(&d, n)).await?) {
                Some(piece) => append(&mut bytes, &piece),
                None => {
                    whole = false;
                    break;
                }
            }
        }
        if whole {
            out.insert(d, bytes);
        }
    }
    Ok(out)
}

fn append(bytes: &mut Vec<u8>, piece: &js_sys::Uint8Array) {
    let start = bytes.len();
    bytes.resize(start + piece.length() as usize, 0);
    piece.copy_to(&mut bytes[start..]);
}

/// Writes the blobs kept apart that a save needs and the store lacks (`digests`), each piece
/// of a large one in a task of its own and small ones a few to a task, taking their bytes from
/// `reg` as each is written (so no task copies more than `PIECE_BYTES`).
async fn write_apart(db: &IdbDatabase, reg: &Weak<RefCell<Registry>>, digests: &[Digest]) -> Result<(), Msg> {
    let gone = || Msg::key("keep.changed_while_saving");
    let mut batch = Batch::default();
    let mut batch_bytes = 0;
    for d in digests {
        let len = {
            let live = reg.upgrade().ok_or_else(gone)?;
            let r = live.try_borrow().map_err(|_| gone())?;
            r.session_blobs().get(d).map(Vec::len).ok_or_else(gone)?
        };
        let pieces = len.div_ceil(PIECE_BYTES).max(1);
        // The pieces after the first, then the record with the first: it says the blob is whole.
        for n in (1..pieces).chain(std::iter::once(0)) {
            let record = {
                let live = reg.upgrade().ok_or_else(gone)?;
                let r = live.try_borrow().map_err(|_| gone())?;
                let bytes = r.session_blobs().get(d).ok_or_else(gone)?;
                let piece = bytes.get(n * PIECE_BYTES..((n + 1) * PIECE_BYTES).min(len)).unwrap_or_default();
                batch_bytes += piece.len();
                if n == 0 { blob_record(piece, pieces) } else { piece_record(piece) }
            };
            let key = if n == 0 { blob_key(d) } else { piece_key(d, n) };
            batch.puts.push((key, record));
            if batch_bytes >= PIECE_BYTES {
                idb::write(db, std::mem::take(&mut batch)).await?;
                batch_bytes = 0;
            }
        }
    }
    if !batch.puts.is_empty() {
        idb::write(db, batch).await?;
    }
    Ok(())
}

fn piece_record(bytes: &[u8]) -> JsValue {
    let o = js_sys::Object::new();
    let _ = Reflect::set(&o, &"kind".into(), &"stowage-blob-piece".into());
    let _ = Reflect::set(&o, &"bytes".into(), &js_sys::Uint8Array::from(bytes));
    o.into()
}

/// Parts kept after the whole text before it is saved whole again.
const PARTS_MAX: usize = 64;
/// The key of part `seq` (zero-padded, so keys sort as numbers).
fn part_key(seq: usize) -> String {
    format!("part:{seq:06}")
}
/// Saves are at least this far apart (and four times as far as the last one took): with the
/// poll below, a change is stored within a second of being made.
const SAVE_GAP_MS: f64 = 700.0;
/// How often the page looks for a change to save.
const POLL_MS: i32 = 250;

// ---- what the session panel shows ---------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Info,
    Ok,
    Error,
}

/// A sentence and how it reads (going on, done, refused), drawn in the page's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub tone: Tone,
    pub text: Msg,
}

impl Line {
    fn info(text: Msg) -> Self {
        Self { tone: Tone::Info, text }
    }
    fn ok(text: Msg) -> Self {
        Self { tone: Tone::Ok, text }
    }
    fn error(text: Msg) -> Self {
        Self { tone: Tone::Error, text }
    }
}

/// The catalogue's `key` (`src/i18n/keep.rs`) filled with `args`.
fn say(key: &'static str, args: impl IntoIterator<Item = Arg>) -> Msg {
    Msg::new(key, args)
}

/// Words that read the same in every language (a file name, a number).
fn plain(value: impl std::fmt::Display) -> Arg {
    Arg::Text(value.to_string())
}

/// The copy saved last (or restored): its size, how much of it is uploaded bytes, and what it
/// replays to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveInfo {
    /// What is saved, in bytes: the session text and the parts saved after it.
    pub text_bytes: u64,
    /// Parts saved after the whole text (0: the text alone).
    pub parts: usize,
    /// The uploaded bytes the session carries (files pushed), before base64.
    pub upload_bytes: u64,
    /// The same as base64 inside the text (the blobs not kept apart).
    pub upload_text_bytes: u64,
    /// Of `upload_bytes`, those kept beside the text as binary records (`BLOB_PREFIX`).
    pub apart_bytes: u64,
    pub actions: usize,
    pub now: Millis,
    pub hash: String,
    /// The wall-clock time it was saved at, as the browser writes it (e.g. `14:03:12`).
    pub at: String,
    /// How much of what a saved session may hold it takes: `[entries, uploaded bytes, text
    /// bytes]`, each `(used, limit)` (`Registry::session_budget`).
    pub budget: [(u64, u64); 3],
}

impl SaveInfo {
    /// The largest share of a limit the session takes, in per mille.
    pub fn budget_permille(&self) -> u64 {
        self.budget.iter().map(|(used, max)| used.saturating_mul(1000) / (*max).max(1)).max().unwrap_or(0)
    }
}

/// The page's own bound on a session's saved text: a browser holds a string of at most about
/// 512 MiB, and the page saves the whole text as one. The engine refuses, in words, a call that
/// would take a session past it (see `Registry::set_session_limits`).
pub const PAGE_TEXT_MAX: u64 = 448 << 20;

/// What every registry the page shows keeps to.
pub fn page_limits(r: &mut Registry) {
    r.set_session_limits(crate::engine::journal::SessionLimits {
        text_bytes: PAGE_TEXT_MAX,
        ..Default::default()
    });
}

/// Why changes wait: the page is opening its saved session, or replaying one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Busy {
    Opening,
    Restoring { bytes: u64, percent: u64 },
}

impl Busy {
    /// What the page says at the top, and to a change it refuses meanwhile.
    pub fn words(&self) -> Msg {
        match self {
            Busy::Opening => Msg::key("keep.busy_opening"),
            Busy::Restoring { bytes, percent } => {
                say("keep.busy_restoring", [Arg::Size(*bytes), plain(percent)])
            }
        }
    }
}

/// The share link made last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkView {
    Ready {
        url: String,
        fragment_bytes: usize,
    },
    /// Too long for a link: the fragment it would need, and the uploaded bytes it carries.
    TooLong {
        fragment_bytes: usize,
        upload_bytes: u64,
    },
    Failed(Msg),
}

/// An import under way, waiting for "replace", refused or done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportView {
    Checking(String),
    Ask { file: String, name: String, actions: usize, now: Millis, text_bytes: u64 },
    Refused { file: String, error: UiError },
    Note(Line),
}

/// The session panel's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Keep {
    /// Why the browser's storage cannot be used (nothing is saved then).
    pub unavailable: Option<Msg>,
    /// What became of the saved session (or the link) when the page opened.
    pub opened: Option<Line>,
    /// How long replaying it took, in real milliseconds.
    pub restore_ms: Option<f64>,
    pub saved: Option<SaveInfo>,
    /// Why the last save failed (the copy saved before is intact).
    pub save_error: Option<Msg>,
    /// Whether the browser granted persistent storage (None: not known yet).
    pub persisted: Option<bool>,
    /// The browser's estimate: bytes used by this site and its quota.
    pub estimate: Option<(u64, u64)>,
    /// Sessions set aside in this browser, oldest first.
    pub kept: Vec<KeptInfo>,
    /// The kept session the person asked to delete, waiting for "delete" or "keep".
    pub forget_ask: Option<String>,
    /// Why changes wait now (None: they don't).
    pub busy: Option<Busy>,
    pub link: Option<LinkView>,
    pub link_note: Option<Line>,
    pub import: Option<ImportView>,
    pub export_note: Option<Line>,
}

pub enum KeepAction {
    Unavailable(Msg),
    Opened(Line),
    /// Replayed: the words, how long it took, and the saved copy it came from (None: a link,
    /// not saved in this browser yet).
    Restored {
        line: Line,
        ms: f64,
        saved: Option<SaveInfo>,
    },
    Saved(SaveInfo),
    SaveFailed(Msg),
    Persisted(bool),
    Estimate(u64, u64),
    Kept(Vec<KeptInfo>),
    AskForget(Option<String>),
    Busy(Option<Busy>),
    Link(LinkView),
    LinkNote(Line),
    Import(Option<ImportView>),
    Exported(Line),
}

impl Keep {
    /// The panel as the page opens: the saved session not read yet, so changes wait.
    pub fn opening() -> Self {
        Self { busy: Some(Busy::Opening), ..Self::default() }
    }
}

impl Reducible for Keep {
    type Action = KeepAction;

    fn reduce(self: Rc<Self>, action: KeepAction) -> Rc<Self> {
        let mut k = Rc::unwrap_or_clone(self);
        match action {
            KeepAction::Unavailable(why) => k.unavailable = Some(why),
            KeepAction::Opened(line) => k.opened = Some(line),
            KeepAction::Restored { line, ms, saved } => {
                k.opened = Some(line);
                k.restore_ms = Some(ms);
                k.saved = saved;
            }
            KeepAction::Saved(info) => {
                k.saved = Some(info);
                k.save_error = None;
            }
            KeepAction::SaveFailed(why) => k.save_error = Some(why),
            KeepAction::Persisted(granted) => k.persisted = Some(granted),
            KeepAction::Estimate(usage, quota) => k.estimate = Some((usage, quota)),
            KeepAction::Kept(kept) => k.kept = kept,
            KeepAction::AskForget(key) => k.forget_ask = key,
            KeepAction::Busy(busy) => k.busy = busy,
            KeepAction::Link(link) => {
                k.link = Some(link);
                k.link_note = None;
                k.export_note = None;
            }
            KeepAction::LinkNote(line) => k.link_note = Some(line),
            KeepAction::Import(view) => {
                k.import = view;
                k.export_note = None;
            }
            KeepAction::Exported(line) => {
                k.export_note = Some(line);
                k.import = None;
            }
        }
        Rc::new(k)
    }
}

/// What the person asks of the session panel.
pub enum KeepUi {
    Export,
    Share,
    CopyLink(String),
    /// Files chosen or dropped: the first is read as a session.
    Import(Vec<web_sys::File>),
    ConfirmImport,
    CancelImport,
    /// A kept session (by key): replayed and shown, the one shown set aside in its place.
    RestoreKept(String),
    DownloadKept(String),
    /// Asks before deleting a kept session; `ForgetKept` deletes it, `CancelForget` keeps it.
    AskForget(String),
    CancelForget,
    ForgetKept(String),
}

// ---- the driver: the one place that holds the database and the dispatchers ---------------

#[derive(Default)]
struct Driver {
    started: bool,
    db: Option<IdbDatabase>,
    /// Saving starts once the page has decided what it opened with (restored or clean).
    ready: bool,
    /// The registry whose session `CURRENT` holds, and its edit count (`Registry::edits`) when
    /// saved: a save is due when the live registry or its count differs (None: nothing saved).
    saved: Option<(Rc<RefCell<Registry>>, u64)>,
    /// The registry (its address) and edit count whose save failed: tried again only after the
    /// next change.
    failed: Option<(usize, u64)>,
    /// Registries the page replaced since the last whole save, each holding something done: set
    /// aside in the transaction that saves the one that replaced them.
    replaced: Vec<kept::Pending>,
    /// Why the next replacement happens, when the new registry's origin does not say (a link, an
    /// import, a kept session brought back).
    replace_why: Option<Msg>,
    /// The kept session being brought back: its key goes in the transaction that saves it.
    restoring_kept: Option<String>,
    /// The kept sessions, as the panel lists them.
    kept: Vec<KeptInfo>,
    saving: bool,
    next_save_at: f64,
    persist_asked: bool,
    keep: Option<UseReducerDispatcher<Keep>>,
    page: Option<UseReducerDispatcher<State>>,
    /// An imported session checked and replayed, waiting for "replace": its file and registry.
    pending_import: Option<(String, Registry)>,
    /// The copy saved last: when and how big (for the failure message).
    last_saved: Option<SaveInfo>,
    /// Another tab holds the session (the Web Locks API said so): this one never writes.
    follower: bool,
    /// What `CURRENT` and its parts hold: the registry they are of (a new one is saved whole),
    /// the engine's mark for the next part, how many parts and their bytes, and the text's.
    log: Option<SavedLog>,
    /// The blobs kept apart in the store (`BLOB_PREFIX`), as far as this tab knows.
    apart: BTreeSet<Digest>,
}

struct SavedLog {
    registry: std::rc::Weak<RefCell<Registry>>,
    mark: SavedMark,
    parts: usize,
    part_bytes: u64,
    text_bytes: u64,
    /// The `savedAt` of the whole text under `CURRENT` (what a tail kept at unload follows).
    whole_at: f64,
}

thread_local! {
    static DRIVER: RefCell<Driver> = RefCell::new(Driver::default());
}

/// Runs `f` on the driver. Never dispatch inside `f`: a reducer may call back in here.
fn with_driver<T>(f: impl FnOnce(&mut Driver) -> T) -> T {
    DRIVER.with(|d| f(&mut d.borrow_mut()))
}

fn keep(action: KeepAction) {
    if let Some(k) = with_driver(|d| d.keep.clone()) {
        k.dispatch(action);
    }
}

fn page(action: Action) {
    if let Some(p) = with_driver(|d| d.page.clone()) {
        p.dispatch(action);
    }
}

/// Starts keeping the session: restores what was saved (or the link in the address), then
/// saves after every change. Called once, when the page is mounted.
pub fn start(keep_dispatcher: UseReducerDispatcher<Keep>, page_dispatcher: UseReducerDispatcher<State>) {
    let first = with_driver(|d| {
        d.keep = Some(keep_dispatcher);
        d.page = Some(page_dispatcher);
        !std::mem::replace(&mut d.started, true)
    });
    if first {
        install_listeners();
        spawn_local(open_and_restore());
    }
}

/// A poll for changes, and an immediate save when the page is hidden or left.
fn install_listeners() {
    let Some(window) = web_sys::window() else { return };
    let tick = Closure::<dyn FnMut()>::new(|| autosave(false));
    let _ =
        window.set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), POLL_MS);
    tick.forget();
    let hidden = Closure::<dyn FnMut(Event)>::new(|_: Event| {
        if web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden()) {
            autosave(true);
            tail::stash();
        }
    });
    if let Some(document) = window.document() {
        let _ =
            document.add_event_listener_with_callback("visibilitychange", hidden.as_ref().unchecked_ref());
    }
    hidden.forget();
    // IndexedDB writes still open when the page goes are aborted with it: what they carry is
    // also kept, synchronously, in localStorage (`tail`), and put in IndexedDB when it reopens.
    let leaving = Closure::<dyn FnMut(Event)>::new(|_: Event| {
        autosave(true);
        tail::stash();
    });
    let _ = window.add_event_listener_with_callback("pagehide", leaving.as_ref().unchecked_ref());
    leaving.forget();
    // A share link pasted into this tab's address changes only the fragment: the page opens it
    // as it opens any link, from the start (the session shown is saved, then set aside).
    let linked = Closure::<dyn FnMut(Event)>::new(|_: Event| {
        let Some(window) = web_sys::window() else { return };
        if window.location().hash().is_ok_and(|h| h.starts_with("#s=")) {
            autosave(true);
            tail::stash();
            let _ = window.location().reload();
        }
    });
    let _ = window.add_event_listener_with_callback("hashchange", linked.as_ref().unchecked_ref());
    linked.forget();
}

// ---- saving ---------------------------------------------------------------------------------

/// The live registry and its edit count, if it is not what `CURRENT` holds (nor a state
/// whose save just failed): what the next save writes.
fn unsaved() -> Option<(Rc<RefCell<Registry>>, u64)> {
    let reg = super::live_registry()?;
    let (edits, pristine) = {
        let r = reg.try_borrow().ok()?;
        (save_key(&r), pristine(&r))
    };
    let at = (Rc::as_ptr(&reg) as usize, edits);
    let due = with_driver(|d| {
        let same = d.saved.as_ref().is_some_and(|(s, e)| Rc::ptr_eq(s, &reg) && *e == edits);
        // A page that never saved, showing the registry every page opens with, has nothing to
        // keep yet (and must not write over a copy it could not restore, set aside or not).
        let nothing = d.saved.is_none() && pristine && d.replaced.is_empty();
        !same && !nothing && d.failed != Some(at)
    });
    due.then_some((reg, edits))
}

/// What a save is due by: the edit count (every call recorded, every journey in time) and the
/// events logged (a change the log already holds, such as a large preset filled a slice at a
/// time, moves only these).
fn save_key(r: &Registry) -> u64 {
    r.edits().wrapping_mul(1 << 32).wrapping_add(r.last_event_seq())
}

/// Whether nothing was done to `r` and it is the registry a page opens with.
fn pristine(r: &Registry) -> bool {
    use crate::engine::journal::Origin;
    use crate::engine::scenario::RegistrySpec;
    let default = RegistrySpec::from_options(&crate::engine::RegistryOptions::default());
    r.history_view().entries == 0
        && matches!(&r.journal().origin, Some(Origin::Options { registry }) if *registry == default)
}

/// The page replaced its registry: the one it replaced is set aside at the next save if
/// anything was done to it (called by `ui::set_live_registry`).
pub fn replaced(old: Rc<RefCell<Registry>>) {
    let worked = old.try_borrow().is_ok_and(|r| r.history_view().entries > 0);
    let known = with_driver(|d| d.replaced.iter().any(|p| Rc::ptr_eq(&p.registry, &old)));
    if worked && !known {
        let pending = kept::pending(old);
        with_driver(|d| d.replaced.push(pending));
    }
    // What replaced it said why (or did not): the next replacement says its own.
    with_driver(|d| d.replace_why = None);
}

/// Says why the page is about to replace its registry (the session shown is set aside with
/// these words), when the new registry's origin does not say it.
pub fn replacing(why: Msg) {
    with_driver(|d| d.replace_why = Some(why));
}

/// Changes wait (the page says why at the top, and refuses them in words), or no longer do.
fn set_busy(busy: Option<Busy>) {
    super::set_session_busy(busy.as_ref().map(Busy::words));
    keep(KeepAction::Busy(busy));
}

impl SaveInfo {
    fn of(r: &Registry, text_bytes: usize, at: String) -> Self {
        Self::of_parts(r, text_bytes as u64, 0, at)
    }

    fn of_parts(r: &Registry, text_bytes: u64, parts: usize, at: String) -> Self {
        let j = r.journal();
        let (apart, inline): (Vec<&Vec<u8>>, Vec<&Vec<u8>>) =
            j.blobs.values().partition(|b| held_apart(b.len()));
        Self {
            text_bytes,
            parts,
            upload_bytes: j.blob_bytes(),
            upload_text_bytes: inline.iter().map(|b| (b.len() as u64).div_ceil(3) * 4).sum(),
            apart_bytes: apart.iter().map(|b| b.len() as u64).sum(),
            actions: j.entries.len(),
            now: r.now(),
            hash: r.event_log_hash(),
            at,
            budget: {
                let b = r.session_budget();
                [
                    (b.entries, b.entries_max),
                    (b.uploaded_bytes, b.uploaded_bytes_max),
                    (b.text_bytes, b.text_bytes_max),
                ]
            },
        }
    }
}

/// What one save writes: the whole text (dropping the parts, and setting aside the sessions
/// the page replaced since) or a part after them.
enum Write {
    Whole { text: String, mark: SavedMark, aside: Vec<kept::Aside> },
    Part { seq: usize, text: String, mark: SavedMark },
}

/// The blobs kept apart that a save writes first (those the store does not hold yet), the
/// ones a whole save no longer needs, and what the store holds once the save lands.
struct Apart {
    puts: Vec<Digest>,
    gone: Vec<Digest>,
    after: BTreeSet<Digest>,
}

impl Apart {
    /// For a save of `r`'s session: whole (the store then holds exactly what it names) or a part.
    fn of(r: &Registry, whole: bool) -> Self {
        let known = with_driver(|d| d.apart.clone());
        let named: BTreeSet<Digest> =
            r.session_blobs().iter().filter(|(_, b)| held_apart(b.len())).map(|(d, _)| *d).collect();
        let puts = named.difference(&known).copied().collect();
        if whole {
            Apart { puts, gone: known.difference(&named).copied().collect(), after: named }
        } else {
            Apart { puts, gone: vec![], after: known.union(&named).copied().collect() }
        }
    }

    /// The save's own batch, with the blobs no longer needed (and their pieces) deleted.
    fn into_batch(self, mut batch: Batch) -> (Batch, BTreeSet<Digest>) {
        batch.deletes.extend(self.gone.iter().map(blob_key));
        batch.delete_prefixes.extend(self.gone.iter().map(|d| format!("{}/", blob_key(d))));
        (batch, self.after)
    }
}

/// Saves the live session if it changed since the last save: a part when one can say what
/// changed, else the whole text. `urgent` (the page is being hidden or left) skips the wait
/// between saves.
fn autosave(urgent: bool) {
    let now_ms = perf_now();
    let go = with_driver(|d| {
        d.ready && !d.follower && d.db.is_some() && (urgent || (!d.saving && now_ms >= d.next_save_at))
    });
    if !go {
        return;
    }
    let Some((reg, edits)) = unsaved() else { return };
    let at = (Rc::as_ptr(&reg) as usize, edits);
    let (write, info, apart) = {
        let Ok(r) = reg.try_borrow() else { return };
        // A part, if the log saved is this registry's and the parts are not due to be merged.
        let log = with_driver(|d| {
            d.log
                .as_ref()
                .filter(|l| l.registry.upgrade().is_some_and(|live| Rc::ptr_eq(&live, &reg)))
                .map(|l| (l.mark.clone(), l.parts, l.part_bytes, l.text_bytes))
        });
        let part = match log {
            Some((mark, parts, part_bytes, text_bytes)) if parts < PARTS_MAX && part_bytes < text_bytes => r
                .session_part_apart(&mark)
                .map(|p| p.map(|(text, mark)| (parts, part_bytes, text_bytes, text, mark))),
            _ => Ok(None),
        };
        let write = match part {
            Ok(Some((parts, part_bytes, text_bytes, text, mark))) => {
                let info = SaveInfo::of_parts(
                    &r,
                    text_bytes + part_bytes + text.len() as u64,
                    parts + 1,
                    wall_time(),
                );
                Ok((Write::Part { seq: parts + 1, text, mark }, info, Apart::of(&r, false)))
            }
            Ok(None) => r.save_session_marked_apart().map(|(text, mark)| {
                let info = SaveInfo::of(&r, text.len(), wall_time());
                (Write::Whole { text, mark, aside: kept::asides(&reg) }, info, Apart::of(&r, true))
            }),
            Err(e) => Err(e),
        };
        match write {
            Ok(w) => w,
            Err(e) => {
                drop(r);
                with_driver(|d| d.failed = Some(at));
                return save_failed(say("keep.engine_write", [e.text.into()]));
            }
        }
    };
    let Some(db) = with_driver(|d| {
        d.saving = true;
        d.db.clone()
    }) else {
        return;
    };
    let weak = Rc::downgrade(&reg);
    spawn_local(async move {
        let mut set_aside = vec![];
        // The uploads the text names go first: a text in the store finds its bytes there.
        let first = write_apart(&db, &weak, &apart.puts).await;
        let (result, log, held) = match write {
            Write::Whole { text, mark, aside } => {
                let record = record_of(&info, &text, "stowage-session-record");
                let text_bytes = text.len() as u64;
                let whole_at =
                    Reflect::get(&record, &"savedAt".into()).ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
                drop(text);
                let mut batch = Batch::whole(record);
                for a in &aside {
                    batch.puts.push((a.info.key.clone(), a.record.clone()));
                }
                if let Some(key) = with_driver(|d| d.restoring_kept.clone()) {
                    batch.deletes.push(key);
                }
                let (batch, held) = apart.into_batch(batch);
                let result = match first {
                    Ok(()) => idb::write(&db, batch).await,
                    Err(e) => Err(e),
                };
                set_aside = aside;
                let log = SavedLog { registry: weak, mark, parts: 0, part_bytes: 0, text_bytes, whole_at };
                (result, log, held)
            }
            Write::Part { seq, text, mark } => {
                let record = record_of(&info, &text, "stowage-session-part-record");
                let part_bytes = text.len() as u64;
                let part = Batch { puts: vec![(part_key(seq), record)], ..Batch::default() };
                let (batch, held) = apart.into_batch(part);
                let result = match first {
                    Ok(()) => idb::write(&db, batch).await,
                    Err(e) => Err(e),
                };
                let (base, before, whole_at) = with_driver(|d| {
                    d.log.as_ref().map_or((0, 0, 0.0), |l| (l.text_bytes, l.part_bytes, l.whole_at))
                });
                let log = SavedLog {
                    registry: weak,
                    mark,
                    parts: seq,
                    part_bytes: before + part_bytes,
                    text_bytes: base,
                    whole_at,
                };
                (result, log, held)
            }
        };
        let took = perf_now() - now_ms;
        let first_failure = with_driver(|d| {
            d.saving = false;
            d.next_save_at = perf_now() + SAVE_GAP_MS.max(took * 4.0);
            let first = d.failed.is_none();
            match &result {
                Ok(()) => {
                    d.saved = Some((reg, edits));
                    d.failed = None;
                    d.last_saved = Some(info.clone());
                    d.log = Some(log);
                    d.apart = held;
                }
                Err(_) => d.failed = Some(at),
            }
            first
        });
        match result {
            Ok(()) => {
                tail::forget();
                kept::saved_aside(set_aside);
                keep(KeepAction::Saved(info));
                spawn_local(storage_facts(true));
            }
            Err(why) => {
                if first_failure {
                    save_failed(why);
                } else {
                    keep(KeepAction::SaveFailed(save_failed_words(why)));
                }
            }
        }
    });
}

fn save_failed_words(why: Msg) -> Msg {
    let before = with_driver(|d| d.last_saved.clone());
    let kept = match before {
        Some(s) => say(
            "keep.saved_before_intact",
            [plain(&s.at), counted("keep.actions", s.actions).into(), plain(s.now)],
        ),
        None => Msg::key("keep.nothing_lost"),
    };
    say("keep.save_failed", [why.into(), kept.into()])
}

/// A failed save: in the panel, and once in the banner.
fn save_failed(why: Msg) {
    let words = save_failed_words(why);
    keep(KeepAction::SaveFailed(words.clone()));
    let mut e = UiError::page("SAVE_FAILED", words);
    e.aside = Some(quiet());
    page(Action::Fail(e));
}

/// The record kept under a key: the text (whole, or a part) and what the panel says about it.
fn record_of(info: &SaveInfo, text: &str, kind: &str) -> JsValue {
    let o = js_sys::Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&o, &k.into(), &v);
    };
    set("kind", kind.into());
    set("parts", (info.parts as f64).into());
    set("text", text.into());
    set("savedAt", js_sys::Date::now().into());
    set("at", info.at.as_str().into());
    set("textBytes", (info.text_bytes as f64).into());
    set("uploadBytes", (info.upload_bytes as f64).into());
    set("actions", (info.actions as f64).into());
    set("nowMs", (info.now.0 as f64).into());
    set("hash", info.hash.as_str().into());
    o.into()
}

/// Takes this browser's session for this tab, for as long as it is open (the Web Locks API,
/// `stowage-session`); false when another tab holds it. A browser without the API: true.
async fn hold_session_lock() -> bool {
    let Some(window) = web_sys::window() else { return true };
    let navigator = window.navigator();
    let locks = Reflect::get(&navigator, &"locks".into()).unwrap_or(JsValue::UNDEFINED);
    let request = Reflect::get(&locks, &"request".into()).ok().and_then(|f| f.dyn_into::<Function>().ok());
    let Some(request) = request else { return true };
    let mut settle: Option<Function> = None;
    let granted = Promise::new(&mut |resolve, _| settle = Some(resolve));
    let Some(settle) = settle else { return true };
    // Called with the lock, or null when another tab holds it; the lock is held until the
    // promise it returns settles: never, for the tab's life.
    let callback = Closure::<dyn FnMut(JsValue) -> JsValue>::new(move |lock: JsValue| {
        let held = !lock.is_null() && !lock.is_undefined();
        let _ = settle.call1(&JsValue::NULL, &held.into());
        if held { Promise::new(&mut |_, _| {}).into() } else { JsValue::UNDEFINED }
    });
    let options = js_sys::Object::new();
    let _ = Reflect::set(&options, &"ifAvailable".into(), &true.into());
    let asked = request.call3(&locks, &"stowage-session".into(), &options, callback.as_ref().unchecked_ref());
    // The closure must outlive the page (the lock's promise holds it).
    callback.forget();
    if asked.is_err() {
        return true;
    }
    JsFuture::from(granted).await.ok().and_then(|v| v.as_bool()).unwrap_or(true)
}

/// Asks the browser for persistent storage (once, after the first save) and reads its estimate.
async fn storage_facts(after_save: bool) {
    let Some(storage) = web_sys::window().map(|w| w.navigator().storage()) else { return };
    if storage.is_undefined() {
        return;
    }
    let ask = after_save && with_driver(|d| !std::mem::replace(&mut d.persist_asked, true));
    let asked = if ask { storage.persist() } else { storage.persisted() };
    if let Ok(p) = asked
        && let Ok(granted) = JsFuture::from(p).await
        && let Some(granted) = granted.as_bool()
    {
        keep(KeepAction::Persisted(granted));
    }
    if let Ok(p) = storage.estimate()
        && let Ok(e) = JsFuture::from(p).await
    {
        let e: web_sys::StorageEstimate = e.unchecked_into();
        if let (Some(usage), Some(quota)) = (e.get_usage(), e.get_quota()) {
            keep(KeepAction::Estimate(usage as u64, quota as u64));
        }
    }
}

// ---- restoring --------------------------------------------------------------------------------

async fn open_and_restore() {
    set_busy(Some(Busy::Opening));
    let link = take_link();
    let db = match open_db().await {
        Ok(db) => Some(db),
        Err(why) => {
            keep(KeepAction::Unavailable(say("keep.no_storage", [why.into()])));
            None
        }
    };
    with_driver(|d| d.db = db.clone());
    // One tab saves a browser's session: another one open at the same time only reads it (two
    // writers would interleave their parts and lose each other's work).
    if db.is_some() && !hold_session_lock().await {
        with_driver(|d| d.follower = true);
        keep(KeepAction::Unavailable(Msg::key("keep.other_tab")));
    }
    spawn_local(storage_facts(false));
    if let Some(db) = &db {
        if !with_driver(|d| d.follower) {
            tail::apply(db).await;
        }
        kept::load_list(db).await;
    }
    let saved = match &db {
        Some(db) => get(db, CURRENT).await,
        None => Ok(None),
    };
    let saved = match saved {
        Ok(v) => v,
        Err(why) => {
            keep(KeepAction::Opened(Line::error(say("keep.read_failed", [why.into()]))));
            None
        }
    };
    let parts = match (&db, &saved) {
        (Some(db), Some(_)) => get_parts(db).await,
        _ => Ok(vec![]),
    };
    // The uploaded bytes kept beside the text (unreadable ones are left out: a session that
    // needs them is refused in words, and set aside with what could be read).
    let apart = match &db {
        Some(db) => read_apart(db).await.unwrap_or_default(),
        None => BTreeMap::new(),
    };
    with_driver(|d| d.apart = apart.keys().copied().collect());
    let mut refused = None;
    if let Some(payload) = link {
        match open_link(db.as_ref(), &payload, saved.as_ref(), &parts, &apart).await {
            Ok(()) => return,
            Err(e) => refused = Some(e),
        }
    }
    match saved {
        Some(record) => restore_saved(db, record, parts, apart).await,
        None => ready(false),
    }
    // The refused link is said last, over what the restore said.
    if let Some(e) = refused {
        page(Action::Fail(e));
    }
}

/// Saving may start: `CURRENT` holds the session shown (`restored`: the live registry was
/// just replayed from it), or nothing of it yet (the next poll saves it whole).
fn ready(restored: bool) {
    let live = super::live_registry();
    let edits = live.as_ref().and_then(|r| r.try_borrow().ok().map(|r| save_key(&r)));
    with_driver(|d| {
        d.ready = true;
        d.saved = match (restored, live, edits) {
            (true, Some(live), Some(edits)) => Some((live, edits)),
            _ => None,
        };
    });
    set_busy(None);
}

/// Lets the browser paint ("restoring…") before a replay that holds the page.
async fn paint() {
    let p = Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 40);
        }
    });
    let _ = JsFuture::from(p).await;
}

fn restored_words(verb: Msg, r: &Registry) -> Msg {
    say(
        "keep.restored_words",
        [verb.into(), counted("keep.actions", r.journal().entries.len()).into(), plain(r.now())],
    )
}

async fn restore_saved(
    db: Option<IdbDatabase>,
    record: JsValue,
    parts: Result<Vec<JsValue>, Msg>,
    apart: BTreeMap<Digest, Vec<u8>>,
) {
    let invalid = |why: Msg| {
        let mut e = RegistryError::new(crate::engine::error::ErrorCode::InvalidArgument, why.to_string());
        e.text = why;
        e
    };
    // What is set aside if it cannot be restored: the text with its parts and the bytes kept
    // apart, merged if they can be (made only then: it copies every upload).
    let part_records = parts.clone();
    let text = Reflect::get(&record, &"text".into()).ok().and_then(|t| t.as_string());
    let Some(text) = text else {
        let e = invalid(Msg::key("keep.no_text"));
        return refuse_saved(db, record, None, e).await;
    };
    // The parts saved after the text, each a record holding its text; the last says when.
    let field = |o: &JsValue, k: &str| Reflect::get(o, &k.into()).ok().and_then(|v| v.as_string());
    let at = parts.as_ref().ok().and_then(|p| p.last()).or(Some(&record)).and_then(|r| field(r, "at"));
    // How many actions the saved copy holds, and when its whole text was saved: what the parts
    // saved after a restore follow.
    let number = |o: &JsValue, k: &str| Reflect::get(o, &k.into()).ok().and_then(|v| v.as_f64());
    let saved_actions =
        parts.as_ref().ok().and_then(|p| p.last()).or(Some(&record)).and_then(|r| number(r, "actions"));
    let whole_at = number(&record, "savedAt");
    let parts: Result<Vec<String>, Msg> = parts.and_then(|records| {
        records
            .iter()
            .enumerate()
            .map(|(i, p)| {
                Reflect::get(p, &"text".into())
                    .ok()
                    .and_then(|t| t.as_string())
                    .ok_or_else(|| say("keep.part_no_text", [plain(i + 1)]))
            })
            .collect()
    });
    let parts = match parts {
        Ok(parts) => parts,
        Err(why) => {
            let whole = kept::merged(&record, &part_records, &apart);
            return refuse_saved(db, whole, Some(text), invalid(why)).await;
        }
    };
    let total = text.len() as u64 + parts.iter().map(|p| p.len() as u64).sum::<u64>();
    keep(KeepAction::Opened(Line::info(say("keep.restoring", [Arg::Size(total)]))));
    page(Action::Note(say("keep.restoring_note", [Arg::Size(total)])));
    paint().await;
    let t0 = perf_now();
    let result = restore_in_slices(&text, &parts, apart, total).await;
    let ms = perf_now() - t0;
    match result {
        Ok(r) => {
            let info = SaveInfo::of_parts(&r, total, parts.len(), at.unwrap_or_default());
            let words = restored_words(Msg::key("keep.restored"), &r);
            // The log restored is the log saved (a copy with calls an older Stowage recorded
            // refused has fewer entries: saved whole at the next change then): what changes next
            // is saved as a part after the parts already there.
            let mark = (saved_actions == Some(r.journal().entries.len() as f64)).then(|| r.session_mark());
            with_driver(|d| d.last_saved = Some(info.clone()));
            page(Action::Adopt { registry: Box::new(r), note: words.clone() });
            ready(true);
            if let (Some(mark), Some(live), Some(whole_at)) = (mark, super::live_registry(), whole_at) {
                let text_bytes = text.len() as u64;
                let part_bytes = total - text_bytes;
                let registry = Rc::downgrade(&live);
                let n = parts.len();
                with_driver(|d| {
                    d.log = Some(SavedLog { registry, mark, parts: n, part_bytes, text_bytes, whole_at });
                });
            }
            keep(KeepAction::Restored { line: Line::ok(words), ms, saved: Some(info) });
        }
        Err(e) => {
            // The bytes went to the replay: read again.
            let apart = match &db {
                Some(db) => read_apart(db).await.unwrap_or_default(),
                None => BTreeMap::new(),
            };
            let whole = kept::merged(&record, &part_records, &apart);
            let text = Reflect::get(&whole, &"text".into()).ok().and_then(|t| t.as_string());
            refuse_saved(db, whole, text, e).await
        }
    }
}

/// Real milliseconds of replay per frame while restoring, so the page keeps painting.
const RESTORE_SLICE_MS: f64 = 12.0;

/// Replays a saved session (its text and parts) a slice per frame, saying how far it has got
/// (a session holding the large preset takes seconds; the page never stops painting).
async fn restore_in_slices(
    text: &str,
    parts: &[String],
    apart: BTreeMap<Digest, Vec<u8>>,
    total: u64,
) -> Result<Registry, RegistryError> {
    let mut restore = Registry::begin_restore_with(text, parts, apart)?;
    let mut shown = 0;
    set_busy(Some(Busy::Restoring { bytes: total, percent: 0 }));
    loop {
        let start = perf_now();
        while perf_now() - start < RESTORE_SLICE_MS {
            if let Some(r) = restore.advance(1, 500)? {
                return Ok(r);
            }
        }
        let percent = (restore.fraction() * 100.0).floor().clamp(0.0, 99.0) as u64;
        if percent != shown {
            shown = percent;
            keep(KeepAction::Opened(Line::info(say(
                "keep.restoring_progress",
                [Arg::Size(total), plain(percent)],
            ))));
            set_busy(Some(Busy::Restoring { bytes: total, percent }));
        }
        next_frame().await;
    }
}

/// Waits for the browser's next frame (it paints what was dispatched meanwhile).
async fn next_frame() {
    let p = Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.request_animation_frame(&resolve);
        }
    });
    let _ = JsFuture::from(p).await;
}

async fn refuse_saved(db: Option<IdbDatabase>, record: JsValue, text: Option<String>, e: RegistryError) {
    let why = without_period(e.text);
    let kept_safe = match &db {
        Some(db) => kept::set_aside_saved(db, &record, say("keep.kept_refused", [why.clone().into()])).await,
        None => {
            kept::hold_unsaved(&record, text, say("keep.kept_refused", [why.clone().into()]));
            false
        }
    };
    keep(KeepAction::Opened(Line::error(say("keep.refused_line", [why.clone().into()]))));
    page(Action::Fail(UiError {
        code: e.code.as_str().into(),
        http_status: None,
        message: say("keep.refused", [why.into()]),
        retry_after_s: None,
        aside: Some(Msg::key("keep.download_aside")),
    }));
    // Saved over only once it is safely kept (else at the first change, as before).
    ready(!kept_safe);
}

/// An engine's words without the full stop they may end with, to go inside a sentence. (Only a
/// text of no key of its own can end with one; the catalogue's session errors end with none.)
fn without_period(m: Msg) -> Msg {
    match (m.key, m.args.as_slice()) {
        ("errors.untranslated", [Arg::Text(t)]) => Msg::from(t.trim_end_matches('.').to_string()),
        _ => m,
    }
}

/// A text as JSON, to keep with a record: `{"key", "args", "count"}`, each argument
/// `{"kind": value}`.
fn msg_json(m: &Msg) -> serde_json::Value {
    serde_json::json!({ "key": m.key, "args": m.args.iter().map(arg_json).collect::<Vec<_>>(), "count": m.count })
}

fn arg_json(a: &Arg) -> serde_json::Value {
    use serde_json::json;
    match a {
        Arg::Text(t) => json!({ "text": t }),
        Arg::Msg(m) => json!({ "msg": msg_json(m) }),
        Arg::Bytes(n) => json!({ "bytes": n }),
        Arg::Size(n) => json!({ "size": n }),
        Arg::RoundSize(n) => json!({ "roundSize": n }),
        Arg::Count(n) => json!({ "count": n }),
        Arg::Ms(n) => json!({ "ms": n }),
        Arg::Duration(n) => json!({ "duration": n }),
        Arg::Short(n) => json!({ "short": n }),
        Arg::Dollars(n, d) => json!({ "dollars": [n, d] }),
        Arg::Rate(n) => json!({ "rate": n }),
        Arg::List(items) => json!({ "list": items.iter().map(arg_json).collect::<Vec<_>>() }),
        Arg::Each(texts) => json!({ "each": texts.as_slice() }),
    }
}

/// A text kept with `msg_json`, if it is one: its key in the catalogue, its arguments well
/// formed, nested at most a few deep (it comes from storage, which anything may have written).
fn msg_of_json(v: &serde_json::Value, depth: usize) -> Option<Msg> {
    if depth > 8 {
        return None;
    }
    let key = v.get("key")?.as_str()?;
    let key = crate::i18n::messages().find(|e| e.0 == key)?.0;
    let args =
        v.get("args")?.as_array()?.iter().map(|a| arg_of_json(a, depth)).collect::<Option<Vec<_>>>()?;
    let mut m = Msg::new(key, args);
    m.count = v.get("count").and_then(serde_json::Value::as_u64);
    Some(m)
}

fn arg_of_json(a: &serde_json::Value, depth: usize) -> Option<Arg> {
    let (kind, value) = a.as_object()?.iter().next()?;
    let n = || value.as_u64();
    Some(match kind.as_str() {
        "text" => Arg::Text(value.as_str()?.to_string()),
        "msg" => Arg::Msg(Box::new(msg_of_json(value, depth + 1)?)),
        "bytes" => Arg::Bytes(n()?),
        "size" => Arg::Size(n()?),
        "roundSize" => Arg::RoundSize(n()?),
        "count" => Arg::Count(n()?),
        "ms" => Arg::Ms(n()?),
        "duration" => Arg::Duration(n()?),
        "short" => Arg::Short(n()?),
        "dollars" => {
            let pair = value.as_array()?;
            Arg::Dollars(pair.first()?.as_u64()?, u32::try_from(pair.get(1)?.as_u64()?).ok()?)
        }
        "rate" => Arg::Rate(n()?),
        "list" => {
            Arg::List(value.as_array()?.iter().map(|a| arg_of_json(a, depth + 1)).collect::<Option<_>>()?)
        }
        "each" => {
            let texts = value.as_array()?;
            let text = |i: usize| texts.get(i).and_then(|t| t.as_str()).map(str::to_string);
            Arg::Each(Box::new([text(0)?, text(1)?, text(2)?]))
        }
        _ => return None,
    })
}

// ---- the share link -------------------------------------------------------------------------------

/// The link's data (after `#s=`), taken out of the address so a reload restores the saved
/// session rather than opening the link again.
fn take_link() -> Option<String> {
    let window = web_sys::window()?;
    let hash = window.location().hash().ok()?;
    let payload = hash.strip_prefix("#s=")?.to_string();
    if let Ok(history) = window.history() {
        let location = window.location();
        let url =
            format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
    Some(payload)
}

/// The link's data for a session text.
pub fn encode_link(text: &str) -> String {
    let mut bytes = Vec::with_capacity(text.len() / 4 + 8);
    bytes.extend_from_slice(LINK_MAGIC);
    bytes.push(LINK_FORMAT);
    bytes.extend_from_slice(&(text.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9));
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The session text a link carries, or why it is refused. Bounded: the link's length, then the
/// length it declares (at most `LINK_TEXT_MAX`), then inflating stops at that length.
pub fn decode_link(payload: &str) -> Result<String, Msg> {
    if payload.len() + 2 > LINK_FRAGMENT_MAX {
        return Err(say(
            "keep.link_too_long",
            [Arg::Bytes(payload.len() as u64 + 2), Arg::Size(LINK_FRAGMENT_MAX as u64)],
        ));
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|e| say("keep.link_not_base64", [plain(e)]))?;
    let header = bytes.get(..8).filter(|h| h.starts_with(LINK_MAGIC));
    let Some(header) = header else {
        return Err(Msg::key("keep.link_not_stowage_short"));
    };
    let format = header[3];
    if format == 0 {
        return Err(Msg::key("keep.link_not_stowage"));
    }
    if format > LINK_FORMAT {
        return Err(say("keep.link_newer", [plain(format), plain(LINK_FORMAT)]));
    }
    let declared = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
    if declared > LINK_TEXT_MAX {
        return Err(say(
            "keep.link_declares_too_much",
            [Arg::Bytes(declared as u64), Arg::Size(LINK_TEXT_MAX as u64)],
        ));
    }
    if declared == 0 {
        return Err(Msg::key("keep.link_declares_none"));
    }
    let text = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes[8..], declared).map_err(|e| {
        if e.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput {
            say("keep.link_inflates_more", [Arg::Bytes(declared as u64)])
        } else {
            say("keep.link_no_inflate", [plain(e)])
        }
    })?;
    if text.len() != declared {
        return Err(say(
            "keep.link_inflates_other",
            [Arg::Bytes(text.len() as u64), Arg::Bytes(declared as u64)],
        ));
    }
    String::from_utf8(text).map_err(|_| Msg::key("keep.link_not_utf8"))
}

/// Opens the link in the address: replayed first (a refused link changes nothing, in the page
/// or in storage: the refusal, and the saved session is restored as if there had been no link),
/// then the saved session is set aside whole, then the link's is shown.
async fn open_link(
    db: Option<&IdbDatabase>,
    payload: &str,
    saved: Option<&JsValue>,
    parts: &Result<Vec<JsValue>, Msg>,
    apart: &BTreeMap<Digest, Vec<u8>>,
) -> Result<(), UiError> {
    keep(KeepAction::Opened(Line::info(Msg::key("keep.opening_link"))));
    paint().await;
    let t0 = perf_now();
    let result = decode_link(payload).and_then(|text| {
        let r = Registry::load_session(&text).map_err(|e| without_period(e.text))?;
        Ok(r)
    });
    let ms = perf_now() - t0;
    let refused = |why: Msg| {
        keep(KeepAction::Opened(Line::error(say("keep.link_refused_line", [why.clone().into()]))));
        let key = if saved.is_some() { "keep.link_refused_kept" } else { "keep.link_refused" };
        let mut e = UiError::page("LINK_REFUSED", say(key, [why.into()]));
        e.aside = Some(quiet());
        page(Action::Fail(e.clone()));
        Err(e)
    };
    let r = match result {
        Ok(r) => r,
        Err(why) => return refused(why),
    };
    // The session saved in this browser is set aside, whole, before the link's replaces it.
    if let (Some(db), Some(record), false) = (db, saved, with_driver(|d| d.follower)) {
        let record = kept::merged(record, parts, apart);
        if !kept::set_aside_saved(db, &record, Msg::key("keep.kept_for_link")).await {
            return refused(Msg::key("keep.link_not_set_aside"));
        }
    }
    let words = restored_words(say("keep.opened_link", [plain(r.name())]), &r);
    page(Action::Adopt { registry: Box::new(r), note: words.clone() });
    // Not saved yet: the next poll saves it as this browser's session.
    ready(false);
    keep(KeepAction::Restored { line: Line::ok(words), ms, saved: None });
    Ok(())
}

// ---- what the panel asks ---------------------------------------------------------------------

/// Does what the session panel asks.
pub fn act(ui: KeepUi) {
    match ui {
        KeepUi::Export => export(),
        KeepUi::Share => share(),
        KeepUi::CopyLink(url) => spawn_local(copy_link(url)),
        KeepUi::Import(files) => {
            if let Some(file) = files.into_iter().next() {
                spawn_local(import(file));
            }
        }
        KeepUi::ConfirmImport => confirm_import(),
        KeepUi::CancelImport => {
            with_driver(|d| d.pending_import = None);
            keep(KeepAction::Import(Some(ImportView::Note(Line::info(Msg::key("keep.import_cancelled"))))));
        }
        other => kept::act(other),
    }
}

/// The live session's text, with its registry's name and a description.
fn live_text() -> Result<(String, String, SaveInfo), Msg> {
    let reg = super::live_registry().ok_or_else(|| Msg::key("keep.no_registry"))?;
    let r = reg.try_borrow().map_err(|_| Msg::key("notes.in_use"))?;
    let text = r.save_session().map_err(|e| e.text)?;
    let info = SaveInfo::of(&r, text.len(), wall_time());
    Ok((text, r.name().to_string(), info))
}

fn export() {
    let (text, name, info) = match live_text() {
        Ok(t) => t,
        Err(why) => return keep(KeepAction::Exported(Line::error(say("keep.export_failed", [why.into()])))),
    };
    let filename = format!("stowage-{name}-{}.json", wall_date());
    let line = match super::browser::save(&filename, text.as_bytes()) {
        Ok(()) => Line::ok(say(
            "keep.exported",
            [plain(&filename), Arg::Size(info.text_bytes), Arg::Size(info.upload_bytes), plain(info.now)],
        )),
        Err(why) => Line::error(say("keep.file_save_failed", [plain(&filename), why.into()])),
    };
    keep(KeepAction::Exported(line));
}

fn share() {
    let (text, _, info) = match live_text() {
        Ok(t) => t,
        Err(why) => return keep(KeepAction::Link(LinkView::Failed(why))),
    };
    let too_long = |fragment_bytes| LinkView::TooLong { fragment_bytes, upload_bytes: info.upload_bytes };
    if text.len() > LINK_TEXT_MAX {
        // Deflate cannot bring that under the link's limit: do not try.
        return keep(KeepAction::Link(too_long(text.len())));
    }
    let fragment = format!("s={}", encode_link(&text));
    if fragment.len() > LINK_FRAGMENT_MAX {
        return keep(KeepAction::Link(too_long(fragment.len())));
    }
    let Some(location) = web_sys::window().map(|w| w.location()) else { return };
    let url = format!(
        "{}{}{}#{fragment}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    keep(KeepAction::Link(LinkView::Ready { url, fragment_bytes: fragment.len() }));
}

async fn copy_link(url: String) {
    let copied = async {
        let navigator = web_sys::window().ok_or("notes.no_window")?.navigator();
        let clipboard = Reflect::get(&navigator, &"clipboard".into()).map_err(|_| "keep.no_clipboard")?;
        let write: Function = Reflect::get(&clipboard, &"writeText".into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or("keep.no_clipboard_here")?;
        let p: Promise = write
            .call1(&clipboard, &url.as_str().into())
            .ok()
            .and_then(|p| p.dyn_into().ok())
            .ok_or("keep.clipboard_refused")?;
        JsFuture::from(p).await.map_err(|_| "keep.clipboard_not_allowed")?;
        Ok::<(), &'static str>(())
    };
    let line = match copied.await {
        Ok(()) => Line::ok(Msg::key("keep.copied")),
        Err(why) => Line::error(say("keep.copy_failed", [Msg::key(why).into()])),
    };
    keep(KeepAction::LinkNote(line));
}

async fn import(file: web_sys::File) {
    let name = file.name();
    let refuse = |error: UiError| {
        let mut banner = error.clone();
        banner.aside = Some(say("keep.not_imported_aside", [plain(&name)]));
        keep(KeepAction::Import(Some(ImportView::Refused { file: name.clone(), error })));
        page(Action::Fail(banner));
    };
    if file.size() > IMPORT_MAX_BYTES as f64 {
        return refuse(UiError::page(
            "FILE_TOO_LARGE_FOR_PAGE",
            say(
                "keep.import_too_large",
                [plain(&name), plain(file.size() as u64), Arg::Bytes(IMPORT_MAX_BYTES)],
            ),
        ));
    }
    keep(KeepAction::Import(Some(ImportView::Checking(name.clone()))));
    let text = match JsFuture::from(file.text()).await.map(|t| t.as_string()) {
        Ok(Some(t)) => t,
        _ => {
            return refuse(UiError::page(
                "FILE_READ_FAILED",
                say("keep.read_as_text_failed", [plain(&name)]),
            ));
        }
    };
    paint().await;
    match Registry::load_session(&text) {
        Ok(r) => {
            let view = ImportView::Ask {
                file: name.clone(),
                name: r.name().to_string(),
                actions: r.journal().entries.len(),
                now: r.now(),
                text_bytes: text.len() as u64,
            };
            with_driver(|d| d.pending_import = Some((name.clone(), r)));
            keep(KeepAction::Import(Some(view)));
        }
        Err(e) => refuse(e.into()),
    }
}

fn confirm_import() {
    let Some((file, r)) = with_driver(|d| d.pending_import.take()) else { return };
    let words = restored_words(say("keep.imported", [plain(&file), plain(r.name())]), &r);
    let note = say("keep.replaced", [words.into()]);
    with_driver(|d| d.replace_why = Some(say("keep.aside_import", [plain(&file)])));
    page(Action::Adopt { registry: Box::new(r), note: note.clone() });
    keep(KeepAction::Import(Some(ImportView::Note(Line::ok(note)))));
}

// ---- the wall clock, for file names and "saved at" only ----------------------------------------

fn perf_now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// `14:03:12`, the browser's local time.
fn wall_time() -> String {
    let d = js_sys::Date::new_0();
    format!("{:02}:{:02}:{:02}", d.get_hours(), d.get_minutes(), d.get_seconds())
}

/// `2026-11-22`, the browser's local date.
fn wall_date() -> String {
    let d = js_sys::Date::new_0();
    format!("{:04}-{:02}-{:02}", d.get_full_year(), d.get_month() + 1, d.get_date())
}
