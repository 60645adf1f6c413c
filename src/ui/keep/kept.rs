//! Kept sessions: every session the page stopped showing without being asked to delete it (a
//! saved copy it could not restore; the one shown when a link, an import, a new registry, a
//! story or another kept session replaced it), each under a key of its own (`kept:` and the time
//! it was set aside) until the person deletes it. Each can be brought back in one click (the one
//! shown is set aside in its place, in the same transaction), downloaded, or deleted after a
//! question that says what goes.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Reflect;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;
use web_sys::IdbDatabase;

use super::idb::{Batch, delete, get, get_prefixed, write};
use super::{
    KEPT, KEPT_PREFIX, KeepAction, Line, SaveInfo, keep, msg_json, msg_of_json, page, paint, perf_now, plain,
    record_of, restore_in_slices, restored_words, say, set_busy, wall_date, wall_time, with_driver,
};
use std::collections::BTreeMap;

use crate::engine::Registry;
use crate::engine::journal::Origin;
use crate::engine::{Digest, Millis};
use crate::i18n::{Arg, Msg};
use crate::ui::format::counted;
use crate::ui::state::Action;

/// A kept session as the panel lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptInfo {
    /// Its key in the store (`kept:…`; `kept` for a copy an older page set aside; `memory:…` for
    /// one this tab could not write, held until the page closes).
    pub key: String,
    pub why: Msg,
    /// The session text's size (and its parts', if they could not be merged).
    pub text_bytes: u64,
    pub name: Option<String>,
    pub actions: Option<usize>,
    pub now: Option<Millis>,
    /// The wall-clock time it was set aside (`14:03:12`).
    pub at: Option<String>,
}

impl KeptInfo {
    /// Whether it lives only in this tab's memory (storage refused it).
    pub fn in_memory(&self) -> bool {
        self.key.starts_with("memory:")
    }
}

/// A session set aside by the save that replaces it: its record and what the panel lists.
pub(super) struct Aside {
    pub info: KeptInfo,
    pub record: JsValue,
}

/// A registry the page replaced, waiting to be set aside by the next whole save: its key and
/// why are fixed when it is replaced, so the save and a tail kept at unload write the same key.
pub(super) struct Pending {
    pub registry: Rc<RefCell<Registry>>,
    key: String,
    why: Msg,
}

thread_local! {
    /// Keys made in this page so far (two replacements in one millisecond get their own).
    static MADE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A replaced registry to set aside, with its key and why (read now: what replaced it is live).
pub(super) fn pending(old: Rc<RefCell<Registry>>) -> Pending {
    let why = match (with_driver(|d| d.replace_why.clone()), crate::ui::live_registry()) {
        (Some(why), _) => why,
        (None, Some(live)) => why_replaced(&live),
        (None, None) => Msg::key("keep.aside_new"),
    };
    let n = MADE.with(|m| {
        m.set(m.get() + 1);
        m.get()
    });
    Pending { registry: old, key: new_key(n), why }
}

thread_local! {
    /// Kept sessions storage refused, held for download until the page closes.
    static MEMORY: RefCell<Vec<(String, Rc<String>)>> = const { RefCell::new(Vec::new()) };
}

/// A new key, in the order sessions are set aside.
fn new_key(n: usize) -> String {
    format!("{KEPT_PREFIX}{:013}-{n:03}", js_sys::Date::now() as u64)
}

/// Why the sessions the page replaced are set aside: what replaced them (the new registry's
/// origin, when nothing said more).
fn why_replaced(live: &Rc<RefCell<Registry>>) -> Msg {
    let origin = live.try_borrow().ok().and_then(|r| r.journal().origin.clone());
    match origin {
        Some(Origin::Scenario { file: Some(file), .. }) => say("keep.aside_story", [plain(file)]),
        Some(Origin::Scenario { file: None, .. }) => Msg::key("keep.aside_scenario"),
        _ => Msg::key("keep.aside_new"),
    }
}

/// The record kept for a session set aside: why, when, the session's own record (`text`, and
/// `partsText` when its parts could not be merged into it) and its name.
fn kept_record(why: &Msg, record: &JsValue, name: Option<&str>) -> JsValue {
    let o = js_sys::Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&o, &k.into(), &v);
    };
    set("kind", "stowage-kept-record".into());
    set("why", why.to_string().into());
    set("whyText", msg_json(why).to_string().into());
    set("keptAt", js_sys::Date::now().into());
    set("at", wall_time().into());
    if let Some(name) = name {
        set("name", name.into());
    }
    set("record", record.clone());
    o.into()
}

/// A record's field, if it is there and not null (records come from storage: anything may
/// have written them).
pub(super) fn field(o: &JsValue, k: &str) -> Option<JsValue> {
    Reflect::get(o, &k.into()).ok().filter(|v| !v.is_undefined() && !v.is_null())
}

/// A session's text and parts as a kept record holds them.
fn texts_of(kept: &JsValue) -> Option<(String, Vec<String>)> {
    let record = field(kept, "record").unwrap_or_else(|| kept.clone());
    let text = field(&record, "text")?.as_string()?;
    let parts = field(&record, "partsText")
        .map(|p| js_sys::Array::from(&p).iter().filter_map(|t| t.as_string()).collect())
        .unwrap_or_default();
    Some((text, parts))
}

/// What the panel lists for a kept record read from storage (anything may have written it).
fn info_of(key: String, kept: &JsValue) -> Option<KeptInfo> {
    let why_text = field(kept, "whyText")
        .and_then(|w| w.as_string())
        .and_then(|w| serde_json::from_str::<serde_json::Value>(&w).ok())
        .and_then(|w| msg_of_json(&w, 0));
    let why = why_text
        .or_else(|| field(kept, "why").and_then(|w| w.as_string()).map(Msg::from))
        .unwrap_or_else(|| Msg::key("keep.kept_unknown"));
    let record = field(kept, "record").unwrap_or_else(|| kept.clone());
    let (text, parts) = texts_of(kept)?;
    let number = |o: &JsValue, k: &str| field(o, k).and_then(|v| v.as_f64()).filter(|n| *n >= 0.0);
    Some(KeptInfo {
        key,
        why,
        text_bytes: text.len() as u64 + parts.iter().map(|p| p.len() as u64).sum::<u64>(),
        name: field(kept, "name").and_then(|n| n.as_string()),
        actions: number(&record, "actions").map(|n| n as usize),
        now: number(&record, "nowMs").map(|n| Millis(n as u64)),
        at: field(kept, "at").and_then(|a| a.as_string()),
    })
}

fn publish() {
    let list = with_driver(|d| d.kept.clone());
    keep(KeepAction::Kept(list));
}

/// Reads every kept session's facts when the page opens (the texts stay in storage).
pub(super) async fn load_list(db: &IdbDatabase) {
    let mut list = vec![];
    if let Ok(Some(old)) = get(db, KEPT).await
        && let Some(info) = info_of(KEPT.to_string(), &old)
    {
        list.push(info);
    }
    match get_prefixed(db, KEPT_PREFIX).await {
        Ok(all) => list.extend(all.into_iter().filter_map(|(key, v)| info_of(key, &v))),
        Err(why) => keep(KeepAction::SaveFailed(say("keep.kept_read_failed", [why.into()]))),
    }
    with_driver(|d| d.kept = list);
    publish();
}

/// The sessions the page replaced since the last whole save, as the records that save keeps
/// beside the live one's.
pub(super) fn asides(live: &Rc<RefCell<Registry>>) -> Vec<Aside> {
    let replaced: Vec<_> = with_driver(|d| {
        d.replaced.iter().map(|p| (p.registry.clone(), p.key.clone(), p.why.clone())).collect()
    });
    let mut out = vec![];
    for (old, key, why) in replaced {
        if Rc::ptr_eq(&old, live) {
            continue;
        }
        let Ok(r) = old.try_borrow() else { continue };
        let Ok(text) = r.save_session() else { continue };
        let info = SaveInfo::of(&r, text.len(), wall_time());
        let record = record_of(&info, &text, "stowage-session-record");
        out.push(Aside {
            record: kept_record(&why, &record, Some(r.name())),
            info: KeptInfo {
                key,
                why,
                text_bytes: text.len() as u64,
                name: Some(r.name().to_string()),
                actions: Some(info.actions),
                now: Some(info.now),
                at: Some(wall_time()),
            },
        });
    }
    out
}

/// The save that set `aside` aside landed: they are listed, the replaced registries let go, and
/// a kept session brought back leaves the list.
pub(super) fn saved_aside(aside: Vec<Aside>) {
    with_driver(|d| {
        d.replaced.retain(|p| !aside.iter().any(|a| a.info.key == p.key));
        if let Some(key) = d.restoring_kept.take() {
            d.kept.retain(|k| k.key != key);
        }
        for a in aside {
            d.kept.retain(|k| k.key != a.info.key);
            d.kept.push(a.info);
        }
    });
    publish();
}

/// A saved record (`CURRENT`) and the parts saved after it as one record: the parts, and the
/// uploaded bytes kept apart (`apart`), merged into its text when they can be (a kept session
/// stands on its own), else the parts kept beside it as they are (`partsText`).
pub(super) fn merged(
    record: &JsValue,
    parts: &Result<Vec<JsValue>, Msg>,
    apart: &BTreeMap<Digest, Vec<u8>>,
) -> JsValue {
    let texts: Vec<String> = match parts {
        Ok(p) => p.iter().filter_map(|r| field(r, "text").and_then(|t| t.as_string())).collect(),
        Err(_) => vec![],
    };
    if texts.is_empty() && apart.is_empty() {
        return record.clone();
    }
    let copy = js_sys::Object::assign(&js_sys::Object::new(), &js_sys::Object::from(record.clone()));
    let text = field(record, "text").and_then(|t| t.as_string()).unwrap_or_default();
    match Registry::merge_session_parts_with(&text, &texts, apart.clone()) {
        Ok(merged) => {
            let _ = Reflect::set(&copy, &"text".into(), &merged.as_str().into());
            let _ = Reflect::set(&copy, &"textBytes".into(), &(merged.len() as f64).into());
        }
        Err(_) => {
            let all = js_sys::Array::new();
            for t in &texts {
                all.push(&t.as_str().into());
            }
            let _ = Reflect::set(&copy, &"partsText".into(), &all);
        }
    }
    let _ = Reflect::set(&copy, &"parts".into(), &0.into());
    copy.into()
}

/// Sets a saved record (one the page did not show: refused, or about to be replaced by a link)
/// aside under a key of its own. False when storage refused it: it is then held in this tab for
/// download, and the page says so.
pub(super) async fn set_aside_saved(db: &IdbDatabase, record: &JsValue, why: Msg) -> bool {
    if with_driver(|d| d.follower) {
        hold_unsaved(record, None, why);
        return false;
    }
    let kept = kept_record(&why, record, None);
    let key = new_key(MADE.with(|m| {
        m.set(m.get() + 1);
        m.get()
    }));
    let batch = Batch { puts: vec![(key.clone(), kept.clone())], ..Batch::default() };
    match write(db, batch).await {
        Ok(()) => {
            if let Some(info) = info_of(key, &kept) {
                with_driver(|d| d.kept.push(info));
                publish();
            }
            true
        }
        Err(e) => {
            hold_unsaved(record, None, why.clone());
            keep(KeepAction::SaveFailed(say("keep.set_aside_failed", [why.into(), e.into()])));
            false
        }
    }
}

/// Holds a record this tab could not keep in storage, for download until the page closes.
pub(super) fn hold_unsaved(record: &JsValue, text: Option<String>, why: Msg) {
    let kept = kept_record(&why, record, None);
    let text = text.or_else(|| texts_of(&kept).map(|(t, _)| t));
    let Some(text) = text else { return };
    let key = format!("memory:{}", MEMORY.with(|m| m.borrow().len()));
    MEMORY.with(|m| m.borrow_mut().push((key.clone(), Rc::new(text.clone()))));
    let info = KeptInfo {
        key,
        why,
        text_bytes: text.len() as u64,
        name: None,
        actions: None,
        now: None,
        at: Some(wall_time()),
    };
    with_driver(|d| d.kept.push(info));
    publish();
}

/// A kept session's text and parts, from storage or this tab's memory.
async fn texts(key: &str) -> Result<(String, Vec<String>), Msg> {
    if let Some(text) = MEMORY.with(|m| m.borrow().iter().find(|(k, _)| k == key).map(|(_, t)| t.clone())) {
        return Ok(((*text).clone(), vec![]));
    }
    let db = with_driver(|d| d.db.clone()).ok_or_else(|| Msg::key("keep.kept_gone"))?;
    let kept = get(&db, key).await?.ok_or_else(|| Msg::key("keep.kept_gone"))?;
    texts_of(&kept).ok_or_else(|| Msg::key("keep.no_text"))
}

/// Brings a kept session back: replayed (a slice per frame, the page saying how far), shown,
/// and the one shown set aside in its place when the next save lands.
pub(super) async fn restore(key: String) {
    // One restore at a time, and none while the saved session is still being opened.
    if let Some(busy) = crate::ui::session_busy() {
        return keep(KeepAction::Opened(Line::error(busy)));
    }
    let Some(info) = with_driver(|d| d.kept.iter().find(|k| k.key == key).cloned()) else { return };
    let (text, parts) = match texts(&key).await {
        Ok(t) => t,
        Err(why) => {
            return keep(KeepAction::Opened(Line::error(say("keep.kept_not_restored", [why.into()]))));
        }
    };
    let total = text.len() as u64 + parts.iter().map(|p| p.len() as u64).sum::<u64>();
    paint().await;
    let t0 = perf_now();
    let result = restore_in_slices(&text, &parts, BTreeMap::new(), total).await;
    set_busy(None);
    let ms = perf_now() - t0;
    match result {
        Ok(r) => {
            let words = restored_words(say("keep.kept_restored", [info.why.clone().into()]), &r);
            with_driver(|d| {
                d.replace_why = Some(Msg::key("keep.aside_kept"));
                d.restoring_kept = (!info.in_memory()).then(|| key.clone());
            });
            page(Action::Adopt { registry: Box::new(r), note: words.clone() });
            keep(KeepAction::Restored { line: Line::ok(words), ms, saved: None });
            if info.in_memory() {
                MEMORY.with(|m| m.borrow_mut().retain(|(k, _)| *k != key));
                with_driver(|d| d.kept.retain(|k| k.key != key));
                publish();
            }
        }
        Err(e) => {
            let why = super::without_period(e.text);
            keep(KeepAction::Opened(Line::error(say("keep.kept_not_restored", [why.clone().into()]))));
            let mut err =
                crate::ui::state::UiError::page(e.code.as_str(), say("keep.kept_not_restored", [why.into()]));
            err.aside = Some(crate::ui::state::quiet());
            page(Action::Fail(err));
        }
    }
}

/// Saves a kept session as a file (its parts merged in when they can be).
pub(super) async fn download(key: String) {
    let (text, parts) = match texts(&key).await {
        Ok(t) => t,
        Err(why) => return keep(KeepAction::Exported(Line::error(why))),
    };
    let text =
        if parts.is_empty() { text } else { Registry::merge_session_parts(&text, &parts).unwrap_or(text) };
    let filename = format!("stowage-kept-session-{}.json", wall_date());
    if let Err(why) = crate::ui::browser::save(&filename, text.as_bytes()) {
        keep(KeepAction::Exported(Line::error(say("keep.file_save_failed", [plain(&filename), why.into()]))));
    }
}

/// Deletes a kept session for good (the person was asked, and told what goes).
pub(super) async fn forget(key: String) {
    keep(KeepAction::AskForget(None));
    MEMORY.with(|m| m.borrow_mut().retain(|(k, _)| *k != key));
    let db = with_driver(|d| d.db.clone());
    if !key.starts_with("memory:")
        && let (Some(db), false) = (db, with_driver(|d| d.follower))
        && let Err(why) = delete(&db, &key).await
    {
        return keep(KeepAction::SaveFailed(say("keep.kept_not_deleted", [why.into()])));
    }
    let gone = with_driver(|d| {
        let gone = d.kept.iter().find(|k| k.key == key).cloned();
        d.kept.retain(|k| k.key != key);
        gone
    });
    publish();
    if let Some(gone) = gone {
        let size = Arg::Size(gone.text_bytes);
        keep(KeepAction::Exported(Line::ok(say("keep.kept_deleted", [gone.why.into(), size]))));
    }
}

/// Asks before a kept session is deleted.
pub(super) fn ask_forget(key: String) {
    keep(KeepAction::AskForget(Some(key)));
}

/// Runs what the panel asks of a kept session.
pub(super) fn act(ui: super::KeepUi) {
    use super::KeepUi;
    match ui {
        KeepUi::RestoreKept(key) => spawn_local(restore(key)),
        KeepUi::DownloadKept(key) => spawn_local(download(key)),
        KeepUi::AskForget(key) => ask_forget(key),
        KeepUi::CancelForget => keep(KeepAction::AskForget(None)),
        KeepUi::ForgetKept(key) => spawn_local(forget(key)),
        _ => {}
    }
}

/// The facts of a kept session in words: its name, actions, virtual time and size.
pub fn describe(info: &KeptInfo) -> Msg {
    let name = info.name.clone().map_or(plain(""), |n| Msg::new("keep.kept_name", [plain(n)]).into());
    let actions = info
        .actions
        .map_or(plain(""), |a| Msg::new("keep.kept_actions", [counted("keep.actions", a).into()]).into());
    let now = info.now.map_or(plain(""), |n| Msg::new("keep.kept_time", [plain(n)]).into());
    let at = info.at.clone().map_or(plain(""), |a| Msg::new("keep.kept_at", [plain(a)]).into());
    say("keep.kept_item", [info.why.clone().into(), name, actions, now, Arg::Size(info.text_bytes), at])
}
