//! Keeping the session (issue #5). The engine records everything done to the registry and
//! replays it (`Registry::save_session` / `Registry::load_session`, which checks the text and
//! refuses a damaged one); this module only carries that text between the page and the
//! browser, and says what happened:
//!
//! - after each change (at most once a second, and at once when the page is hidden) it saves the
//!   text in IndexedDB, in one transaction over one key, so a failed write (a full quota) leaves
//!   the copy saved before intact;
//! - when the page opens it replays the saved copy (or a share link in the address), and a copy
//!   it could not or did not restore is kept, for download, under a second key;
//! - "Export session" downloads the text, "Import session" reads one (checked by the engine
//!   before anything changes, then replaces the registry once confirmed);
//! - a share link carries the text deflated in the address's fragment: `#s=` and the base64url of
//!   `STW`, the link format (1), the text's length (u32, little-endian) and the raw deflate
//!   stream. Reading one is bounded by the length it declares, itself at most `LINK_TEXT_MAX`.
//!
//! Nothing here panics on what it reads: storage, files and links are all refused in words.

use std::cell::RefCell;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use base64::Engine as _;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{Event, IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode};
use yew::{Reducible, UseReducerDispatcher};

use super::format::{count, exact_bytes, human_bytes};
use super::state::{Action, State, UiError};
use crate::engine::{Millis, Registry, RegistryError};

/// The IndexedDB database, its one object store and its keys.
pub const DB_NAME: &str = "stowage";
pub const STORE: &str = "sessions";
/// The session the page saves as it goes.
pub const CURRENT: &str = "current";
/// A saved copy the page did not restore (refused, or set aside for a share link), kept for
/// download until the person deletes it.
pub const KEPT: &str = "kept";
/// The longest fragment a share link may have (`s=` and its data).
pub const LINK_FRAGMENT_MAX: usize = 64 * 1024;
/// The most session text a link may declare and inflate to (a bound against deflate bombs).
pub const LINK_TEXT_MAX: usize = 16 << 20;
/// The share link format this page writes and reads.
pub const LINK_FORMAT: u8 = 1;
const LINK_MAGIC: &[u8; 3] = b"STW";
/// The biggest session file the page reads for an import (a browser's longest string is near).
pub const IMPORT_MAX_BYTES: u64 = 512 << 20;
/// Saves are at least this far apart (and four times as far as the last one took).
const SAVE_GAP_MS: f64 = 1000.0;
/// How often the page looks for a change to save.
const POLL_MS: i32 = 250;

// ---- what the session panel shows ---------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Info,
    Ok,
    Error,
}

/// A sentence and how it reads (going on, done, refused).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub tone: Tone,
    pub text: String,
}

impl Line {
    fn info(text: impl Into<String>) -> Self {
        Self { tone: Tone::Info, text: text.into() }
    }
    fn ok(text: impl Into<String>) -> Self {
        Self { tone: Tone::Ok, text: text.into() }
    }
    fn error(text: impl Into<String>) -> Self {
        Self { tone: Tone::Error, text: text.into() }
    }
}

/// The copy saved last (or restored): its size, how much of it is uploaded bytes, and what it
/// replays to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveInfo {
    /// The session text, in bytes.
    pub text_bytes: u64,
    /// The uploaded bytes the session carries (files pushed), before base64.
    pub upload_bytes: u64,
    /// The same as base64 inside the text.
    pub upload_text_bytes: u64,
    pub actions: usize,
    pub now: Millis,
    pub hash: String,
    /// The wall-clock time it was saved at, as the browser writes it (e.g. `14:03:12`).
    pub at: String,
}

/// A saved copy the page did not restore, kept for download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptInfo {
    pub why: String,
    pub text_bytes: u64,
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
    Failed(String),
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
    pub unavailable: Option<String>,
    /// What became of the saved session (or the link) when the page opened.
    pub opened: Option<Line>,
    /// How long replaying it took, in real milliseconds.
    pub restore_ms: Option<f64>,
    pub saved: Option<SaveInfo>,
    /// Why the last save failed (the copy saved before is intact).
    pub save_error: Option<String>,
    /// Whether the browser granted persistent storage (None: not known yet).
    pub persisted: Option<bool>,
    /// The browser's estimate: bytes used by this site and its quota.
    pub estimate: Option<(u64, u64)>,
    pub kept: Option<KeptInfo>,
    pub link: Option<LinkView>,
    pub link_note: Option<Line>,
    pub import: Option<ImportView>,
    pub export_note: Option<Line>,
}

pub enum KeepAction {
    Unavailable(String),
    Opened(Line),
    /// Replayed: the words, how long it took, and the saved copy it came from (None: a link,
    /// not saved in this browser yet).
    Restored {
        line: Line,
        ms: f64,
        saved: Option<SaveInfo>,
    },
    Saved(SaveInfo),
    SaveFailed(String),
    Persisted(bool),
    Estimate(u64, u64),
    Kept(Option<KeptInfo>),
    Link(LinkView),
    LinkNote(Line),
    Import(Option<ImportView>),
    Exported(Line),
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
    DownloadKept,
    ForgetKept,
}

// ---- the driver: the one place that holds the database and the dispatchers ---------------

#[derive(Default)]
struct Driver {
    started: bool,
    db: Option<IdbDatabase>,
    /// Saving starts once the page has decided what it opened with (restored or clean).
    ready: bool,
    /// The fingerprint of what `CURRENT` holds as this page wrote or read it.
    saved_fp: Option<u64>,
    /// The fingerprint of a state whose save failed: tried again only after the next change.
    failed_fp: Option<u64>,
    saving: bool,
    next_save_at: f64,
    persist_asked: bool,
    keep: Option<UseReducerDispatcher<Keep>>,
    page: Option<UseReducerDispatcher<State>>,
    kept_text: Option<Rc<String>>,
    /// An imported session checked and replayed, waiting for "replace": its file and registry.
    pending_import: Option<(String, Registry)>,
    /// The copy saved last: when and how big (for the failure message).
    last_saved: Option<SaveInfo>,
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
        }
    });
    if let Some(document) = window.document() {
        let _ =
            document.add_event_listener_with_callback("visibilitychange", hidden.as_ref().unchecked_ref());
    }
    hidden.forget();
    let leaving = Closure::<dyn FnMut(Event)>::new(|_: Event| autosave(true));
    let _ = window.add_event_listener_with_callback("pagehide", leaving.as_ref().unchecked_ref());
    leaving.forget();
}

// ---- saving ---------------------------------------------------------------------------------

/// A cheap fingerprint of everything the session text depends on.
fn fingerprint(r: &Registry) -> u64 {
    let mut h = DefaultHasher::new();
    let j = r.journal();
    serde_json::to_string(&j.origin).unwrap_or_default().hash(&mut h);
    j.entries.len().hash(&mut h);
    if let Some(last) = j.entries.last() {
        serde_json::to_string(last).unwrap_or_default().hash(&mut h);
    }
    j.blobs.len().hash(&mut h);
    r.now().0.hash(&mut h);
    r.last_event_seq().hash(&mut h);
    r.event_log_hash().hash(&mut h);
    h.finish()
}

fn live_fingerprint() -> Option<u64> {
    let reg = super::live_registry()?;
    let r = reg.try_borrow().ok()?;
    Some(fingerprint(&r))
}

impl SaveInfo {
    fn of(r: &Registry, text_bytes: usize, at: String) -> Self {
        let j = r.journal();
        Self {
            text_bytes: text_bytes as u64,
            upload_bytes: j.blob_bytes(),
            upload_text_bytes: j.blobs.values().map(|b| (b.len() as u64).div_ceil(3) * 4).sum(),
            actions: j.entries.len(),
            now: r.now(),
            hash: r.event_log_hash(),
            at,
        }
    }
}

/// Saves the live session if it changed since the last save. `urgent` (the page is being
/// hidden or left) skips the wait between saves.
fn autosave(urgent: bool) {
    let now_ms = perf_now();
    let go =
        with_driver(|d| d.ready && d.db.is_some() && (urgent || (!d.saving && now_ms >= d.next_save_at)));
    if !go {
        return;
    }
    let Some(reg) = super::live_registry() else { return };
    let (fp, text, info) = {
        let Ok(r) = reg.try_borrow() else { return };
        let fp = fingerprint(&r);
        if with_driver(|d| d.saved_fp == Some(fp) || d.failed_fp == Some(fp)) {
            return;
        }
        match r.save_session() {
            Ok(text) => {
                let info = SaveInfo::of(&r, text.len(), wall_time());
                (fp, text, info)
            }
            Err(e) => {
                drop(r);
                with_driver(|d| d.failed_fp = Some(fp));
                return save_failed(format!("the engine could not write the session: {}", e.message));
            }
        }
    };
    let Some(db) = with_driver(|d| {
        d.saving = true;
        d.db.clone()
    }) else {
        return;
    };
    spawn_local(async move {
        let record = record_of(&info, &text);
        drop(text);
        let result = put(&db, CURRENT, &record).await;
        let took = perf_now() - now_ms;
        let first_failure = with_driver(|d| {
            d.saving = false;
            d.next_save_at = perf_now() + SAVE_GAP_MS.max(took * 4.0);
            let first = d.failed_fp.is_none();
            match &result {
                Ok(()) => {
                    d.saved_fp = Some(fp);
                    d.failed_fp = None;
                    d.last_saved = Some(info.clone());
                }
                Err(_) => d.failed_fp = Some(fp),
            }
            first
        });
        match result {
            Ok(()) => {
                keep(KeepAction::Saved(info));
                spawn_local(storage_facts(true));
            }
            Err(why) => {
                if first_failure {
                    save_failed(why);
                } else {
                    keep(KeepAction::SaveFailed(save_failed_words(&why)));
                }
            }
        }
    });
}

fn save_failed_words(why: &str) -> String {
    let before = with_driver(|d| d.last_saved.clone());
    let kept = match before {
        Some(s) => format!(
            "The copy saved before (at {}, {}, virtual time {}) is intact",
            s.at,
            count(s.actions, "action", "actions"),
            s.now
        ),
        None => "Nothing is lost from what was saved before".to_string(),
    };
    format!(
        "This session could not be saved: {why}. {kept}; Export session keeps what you see now as a file."
    )
}

/// A failed save: in the panel, and once in the banner.
fn save_failed(why: String) {
    let words = save_failed_words(&why);
    keep(KeepAction::SaveFailed(words.clone()));
    let mut e = UiError::page("SAVE_FAILED", words);
    e.aside = Some(String::new());
    page(Action::Fail(e));
}

/// The record kept under a key: the text and what the panel says about it.
fn record_of(info: &SaveInfo, text: &str) -> JsValue {
    let o = js_sys::Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&o, &k.into(), &v);
    };
    set("kind", "stowage-session-record".into());
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
    let link = take_link();
    let db = match open_db().await {
        Ok(db) => Some(db),
        Err(why) => {
            keep(KeepAction::Unavailable(format!(
                "this browser refused its storage (IndexedDB: {why}), so nothing is saved here; \
                 Export session keeps your work as a file"
            )));
            None
        }
    };
    with_driver(|d| d.db = db.clone());
    spawn_local(storage_facts(false));
    let (saved, kept) = match &db {
        Some(db) => (get(db, CURRENT).await, get(db, KEPT).await),
        None => (Ok(None), Ok(None)),
    };
    if let Ok(Some(kept)) = kept {
        remember_kept(&kept, None);
    }
    let saved = match saved {
        Ok(v) => v,
        Err(why) => {
            keep(KeepAction::Opened(Line::error(format!(
                "The saved session could not be read ({why}); starting clean."
            ))));
            None
        }
    };
    if let Some(payload) = link {
        if let (Some(db), Some(record)) = (&db, &saved) {
            set_aside(db, record, "your own session, set aside when you opened a shared link").await;
        }
        return open_link(&payload).await;
    }
    match saved {
        Some(record) => restore_saved(db, record).await,
        None => ready(live_fingerprint()),
    }
}

fn ready(saved_fp: Option<u64>) {
    with_driver(|d| {
        d.ready = true;
        d.saved_fp = saved_fp;
    });
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

fn restored_words(verb: &str, r: &Registry) -> String {
    format!("{verb}: {}, virtual time {}.", count(r.journal().entries.len(), "action", "actions"), r.now())
}

async fn restore_saved(db: Option<IdbDatabase>, record: JsValue) {
    let text = Reflect::get(&record, &"text".into()).ok().and_then(|t| t.as_string());
    let Some(text) = text else {
        let e = RegistryError::new(
            crate::engine::error::ErrorCode::InvalidArgument,
            "the saved record holds no session text",
        );
        return refuse_saved(db, record, None, e).await;
    };
    let size = human_bytes(text.len() as u64);
    keep(KeepAction::Opened(Line::info(format!("Restoring your session ({size})…"))));
    page(Action::Note(format!("Restoring your saved session ({size})…")));
    paint().await;
    let t0 = perf_now();
    let result = Registry::load_session(&text);
    let ms = perf_now() - t0;
    match result {
        Ok(r) => {
            let at = Reflect::get(&record, &"at".into()).ok().and_then(|a| a.as_string()).unwrap_or_default();
            let info = SaveInfo::of(&r, text.len(), at);
            let words = restored_words("Restored your session", &r);
            ready(Some(fingerprint(&r)));
            with_driver(|d| d.last_saved = Some(info.clone()));
            page(Action::Adopt { registry: Box::new(r), note: words.clone() });
            keep(KeepAction::Restored { line: Line::ok(words), ms, saved: Some(info) });
        }
        Err(e) => refuse_saved(db, record, Some(text), e).await,
    }
}

async fn refuse_saved(db: Option<IdbDatabase>, record: JsValue, text: Option<String>, e: RegistryError) {
    let why = e.message.trim_end_matches('.').to_string();
    if let Some(db) = &db {
        set_aside(db, &record, &format!("the saved session that could not be restored: {why}")).await;
    } else {
        remember_kept(&record, text.map(Rc::new));
    }
    let words = format!(
        "the saved session could not be restored: {why}; starting clean; your saved copy is kept as a download"
    );
    keep(KeepAction::Opened(Line::error(capitalized(&format!("{words}.")))));
    page(Action::Fail(UiError {
        code: e.code.as_str().into(),
        http_status: None,
        message: words,
        retry_after_s: None,
        aside: Some(" Download it under Your session.".into()),
    }));
    ready(live_fingerprint());
}

/// Keeps a saved copy the page does not restore under `KEPT`, and offers it for download.
async fn set_aside(db: &IdbDatabase, record: &JsValue, why: &str) {
    let o = js_sys::Object::new();
    let _ = Reflect::set(&o, &"kind".into(), &"stowage-kept-record".into());
    let _ = Reflect::set(&o, &"why".into(), &why.into());
    let _ = Reflect::set(&o, &"record".into(), record);
    let o: JsValue = o.into();
    match put(db, KEPT, &o).await {
        Ok(()) => remember_kept(&o, None),
        Err(e) => {
            remember_kept(&o, None);
            keep(KeepAction::SaveFailed(format!(
                "The copy set aside ({why}) could not be kept in this browser: {e}. Download it now: it \
                 is lost when the page closes."
            )));
        }
    }
}

/// Holds a kept copy's text for download and tells the panel.
fn remember_kept(kept: &JsValue, text: Option<Rc<String>>) {
    let field = |o: &JsValue, k: &str| Reflect::get(o, &k.into()).ok().filter(|v| !v.is_undefined());
    let why = field(kept, "why").and_then(|w| w.as_string());
    let record = field(kept, "record").unwrap_or_else(|| kept.clone());
    let text = text.or_else(|| {
        let t = field(&record, "text").and_then(|t| t.as_string());
        t.or_else(|| js_sys::JSON::stringify(&record).ok().and_then(|s| s.as_string())).map(Rc::new)
    });
    let Some(text) = text else { return };
    let info = KeptInfo {
        why: why.unwrap_or_else(|| "a saved copy that was not restored".into()),
        text_bytes: text.len() as u64,
    };
    with_driver(|d| d.kept_text = Some(text));
    keep(KeepAction::Kept(Some(info)));
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
pub fn decode_link(payload: &str) -> Result<String, String> {
    if payload.len() + 2 > LINK_FRAGMENT_MAX {
        return Err(format!(
            "the link's data is {}, longer than the {} a Stowage link may be",
            exact_bytes(payload.len() as u64 + 2),
            human_bytes(LINK_FRAGMENT_MAX as u64)
        ));
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|e| format!("the link is damaged: its data is not base64url ({e})"))?;
    let header = bytes.get(..8).filter(|h| h.starts_with(LINK_MAGIC));
    let Some(header) = header else {
        return Err("this is not a Stowage session link: it is damaged or cut short".into());
    };
    let format = header[3];
    if format == 0 {
        return Err("this is not a Stowage session link: it is damaged".into());
    }
    if format > LINK_FORMAT {
        return Err(format!(
            "the link was made by a newer Stowage (link format {format}; this page reads format {LINK_FORMAT})"
        ));
    }
    let declared = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
    if declared > LINK_TEXT_MAX {
        return Err(format!(
            "the link declares {} of session text, more than the {} a link may carry",
            exact_bytes(declared as u64),
            human_bytes(LINK_TEXT_MAX as u64)
        ));
    }
    if declared == 0 {
        return Err("the link is damaged: it declares no session text".into());
    }
    let text = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes[8..], declared).map_err(|e| {
        if e.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput {
            format!("the link inflates to more than the {} it declares", exact_bytes(declared as u64))
        } else {
            format!("the link is damaged: its data does not inflate ({e})")
        }
    })?;
    if text.len() != declared {
        return Err(format!(
            "the link is damaged: it inflates to {}, not the {} it declares",
            exact_bytes(text.len() as u64),
            exact_bytes(declared as u64)
        ));
    }
    String::from_utf8(text).map_err(|_| "the link is damaged: its text is not UTF-8".into())
}

async fn open_link(payload: &str) {
    keep(KeepAction::Opened(Line::info("Opening the shared link…")));
    page(Action::Note("Opening the shared link…".into()));
    paint().await;
    let t0 = perf_now();
    let result = decode_link(payload).and_then(|text| {
        let r = Registry::load_session(&text).map_err(|e| e.message.trim_end_matches('.').to_string())?;
        Ok(r)
    });
    let ms = perf_now() - t0;
    match result {
        Ok(r) => {
            let words = restored_words(&format!("Opened the shared session of registry {}", r.name()), &r);
            // Not saved yet: the next poll saves it as this browser's session.
            ready(None);
            page(Action::Adopt { registry: Box::new(r), note: words.clone() });
            keep(KeepAction::Restored { line: Line::ok(words), ms, saved: None });
        }
        Err(why) => {
            let words = format!("the shared link could not be opened: {why}; the page starts clean");
            keep(KeepAction::Opened(Line::error(capitalized(&format!("{words}.")))));
            let mut e = UiError::page("LINK_REFUSED", words);
            e.aside = Some(String::new());
            page(Action::Fail(e));
            ready(live_fingerprint());
        }
    }
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
            keep(KeepAction::Import(Some(ImportView::Note(Line::info(
                "Import cancelled: the registry is as it was.",
            )))));
        }
        KeepUi::DownloadKept => download_kept(),
        KeepUi::ForgetKept => spawn_local(forget_kept()),
    }
}

/// The live session's text, with its registry's name and a description.
fn live_text() -> Result<(String, String, SaveInfo), String> {
    let reg = super::live_registry().ok_or("the page has no registry")?;
    let r = reg.try_borrow().map_err(|_| "the registry is in use; try again")?;
    let text = r.save_session().map_err(|e| e.message)?;
    let info = SaveInfo::of(&r, text.len(), wall_time());
    Ok((text, r.name().to_string(), info))
}

fn export() {
    let (text, name, info) = match live_text() {
        Ok(t) => t,
        Err(why) => return keep(KeepAction::Exported(Line::error(format!("Could not export: {why}.")))),
    };
    let filename = format!("stowage-{name}-{}.json", wall_date());
    let line = match super::browser::save(&filename, text.as_bytes()) {
        Ok(()) => Line::ok(format!(
            "Exported {filename}: {}, {} of uploaded bytes, virtual time {}.",
            human_bytes(info.text_bytes),
            human_bytes(info.upload_bytes),
            info.now
        )),
        Err(why) => Line::error(format!("Could not save {filename}: {why}.")),
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
        let navigator = web_sys::window().ok_or("no window")?.navigator();
        let clipboard = Reflect::get(&navigator, &"clipboard".into()).map_err(|_| "no clipboard")?;
        let write: Function = Reflect::get(&clipboard, &"writeText".into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or("this browser offers no clipboard here")?;
        let p: Promise = write
            .call1(&clipboard, &url.as_str().into())
            .ok()
            .and_then(|p| p.dyn_into().ok())
            .ok_or("the clipboard refused")?;
        JsFuture::from(p).await.map_err(|_| "the browser did not allow it")?;
        Ok::<(), &str>(())
    };
    let line = match copied.await {
        Ok(()) => Line::ok("Copied the link."),
        Err(why) => Line::error(format!("Could not copy the link ({why}): select it and copy it.")),
    };
    keep(KeepAction::LinkNote(line));
}

async fn import(file: web_sys::File) {
    let name = file.name();
    let refuse = |error: UiError| {
        let mut banner = error.clone();
        banner.aside = Some(format!(" {name} was not imported; nothing was changed."));
        keep(KeepAction::Import(Some(ImportView::Refused { file: name.clone(), error })));
        page(Action::Fail(banner));
    };
    if file.size() > IMPORT_MAX_BYTES as f64 {
        return refuse(UiError::page(
            "FILE_TOO_LARGE_FOR_PAGE",
            format!(
                "{name} has {} bytes; this page imports sessions of up to {}",
                file.size() as u64,
                exact_bytes(IMPORT_MAX_BYTES)
            ),
        ));
    }
    keep(KeepAction::Import(Some(ImportView::Checking(name.clone()))));
    let text = match JsFuture::from(file.text()).await.map(|t| t.as_string()) {
        Ok(Some(t)) => t,
        _ => return refuse(UiError::page("FILE_READ_FAILED", format!("could not read {name} as text"))),
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
    let words = restored_words(&format!("Imported {file}, the session of registry {}", r.name()), &r);
    let note = format!("{words} The registry you had was replaced.");
    page(Action::Adopt { registry: Box::new(r), note: note.clone() });
    keep(KeepAction::Import(Some(ImportView::Note(Line::ok(note)))));
}

fn download_kept() {
    let Some(text) = with_driver(|d| d.kept_text.clone()) else { return };
    let filename = format!("stowage-kept-session-{}.json", wall_date());
    if let Err(why) = super::browser::save(&filename, text.as_bytes()) {
        keep(KeepAction::Exported(Line::error(format!("Could not save {filename}: {why}."))));
    }
}

async fn forget_kept() {
    let db = with_driver(|d| {
        d.kept_text = None;
        d.db.clone()
    });
    if let Some(db) = db {
        let _ = delete(&db, KEPT).await;
    }
    keep(KeepAction::Kept(None));
}

// ---- IndexedDB, through web-sys -------------------------------------------------------------------

/// A DOMException or error in words: `QuotaExceededError: …`, with what a full quota means.
fn words(e: &JsValue) -> String {
    let field = |k: &str| Reflect::get(e, &k.into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    let (name, message) = (field("name"), field("message"));
    let plain = match (name.is_empty(), message.is_empty()) {
        (true, true) => e.as_string().unwrap_or_else(|| "an unknown error".into()),
        (false, true) => name.clone(),
        (true, false) => message,
        (false, false) => format!("{name}: {message}"),
    };
    if name == "QuotaExceededError" {
        format!("the browser's storage quota for this page is full ({plain})")
    } else {
        plain
    }
}

/// Waits for a request's success (its result) or error.
async fn request_done(req: &IdbRequest) -> Result<JsValue, String> {
    let mut settle: Option<(Function, Function)> = None;
    let promise = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    let Some((resolve, reject)) = settle else { return Err("the browser could not wait for storage".into()) };
    let ok = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
        let _ = resolve.call0(&JsValue::NULL);
    });
    let bad = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
        let _ = reject.call0(&JsValue::NULL);
    });
    req.set_onsuccess(Some(ok.as_ref().unchecked_ref()));
    req.set_onerror(Some(bad.as_ref().unchecked_ref()));
    let outcome = JsFuture::from(promise).await;
    req.set_onsuccess(None);
    req.set_onerror(None);
    match outcome {
        Ok(_) => req.result().map_err(|e| words(&e)),
        Err(_) => Err(req.error().ok().flatten().map_or_else(|| "the request failed".into(), |e| words(&e))),
    }
}

/// Waits for a transaction to commit, or for why it was aborted.
async fn transaction_done(tx: &IdbTransaction) -> Result<(), String> {
    let mut settle: Option<(Function, Function)> = None;
    let promise = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    let Some((resolve, reject)) = settle else { return Err("the browser could not wait for storage".into()) };
    let done = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
        let _ = resolve.call0(&JsValue::NULL);
    });
    let failed = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
        let _ = reject.call0(&JsValue::NULL);
    });
    tx.set_oncomplete(Some(done.as_ref().unchecked_ref()));
    tx.set_onabort(Some(failed.as_ref().unchecked_ref()));
    let outcome = JsFuture::from(promise).await;
    tx.set_oncomplete(None);
    tx.set_onabort(None);
    match outcome {
        Ok(_) => Ok(()),
        Err(_) => Err(tx.error().map_or_else(|| "the write was aborted".into(), |e| words(&e))),
    }
}

async fn open_db() -> Result<IdbDatabase, String> {
    let factory = web_sys::window()
        .ok_or("no window")?
        .indexed_db()
        .map_err(|e| words(&e))?
        .ok_or("this browser has no IndexedDB")?;
    let req: IdbOpenDbRequest = factory.open_with_u32(DB_NAME, 1).map_err(|e| words(&e))?;
    let opening = req.clone();
    let upgrade = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
        if let Ok(db) = opening.result().and_then(|d| d.dyn_into::<IdbDatabase>())
            && !db.object_store_names().contains(STORE)
        {
            let _ = db.create_object_store(STORE);
        }
    });
    req.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let db = request_done(&req).await;
    req.set_onupgradeneeded(None);
    drop(upgrade);
    db?.dyn_into::<IdbDatabase>().map_err(|_| "the browser's storage did not open".into())
}

async fn get(db: &IdbDatabase, key: &str) -> Result<Option<JsValue>, String> {
    let tx = db.transaction_with_str(STORE).map_err(|e| words(&e))?;
    let store = tx.object_store(STORE).map_err(|e| words(&e))?;
    let req = store.get(&key.into()).map_err(|e| words(&e))?;
    let value = request_done(&req).await?;
    Ok((!value.is_undefined() && !value.is_null()).then_some(value))
}

/// Writes `value` under `key` in one transaction: all or nothing, so a failure (a full quota)
/// leaves what the key held before.
async fn put(db: &IdbDatabase, key: &str, value: &JsValue) -> Result<(), String> {
    let tx = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite).map_err(|e| words(&e))?;
    let store = tx.object_store(STORE).map_err(|e| words(&e))?;
    if let Err(e) = store.put_with_key(value, &key.into()) {
        let _ = tx.abort();
        return Err(words(&e));
    }
    transaction_done(&tx).await
}

async fn delete(db: &IdbDatabase, key: &str) -> Result<(), String> {
    let tx = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite).map_err(|e| words(&e))?;
    let store = tx.object_store(STORE).map_err(|e| words(&e))?;
    if let Err(e) = store.delete(&key.into()) {
        let _ = tx.abort();
        return Err(words(&e));
    }
    transaction_done(&tx).await
}

/// `text` with its first letter in capitals, to open a sentence.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
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
