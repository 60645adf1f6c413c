//! The tail: what IndexedDB does not hold yet when the page is left, kept synchronously in
//! localStorage. A browser aborts the IndexedDB transactions a page still has open when it
//! unloads, so a change made just before a reload or a closed tab would be lost; localStorage
//! writes at once. When the page opens again the tail is put into IndexedDB (in one transaction)
//! before the session is read, and it goes from localStorage once a save lands.
//!
//! Two kinds: a part (the changes after the parts saved, when the session saved is this one's)
//! that follows the whole text saved at `wholeAt` and `after` parts; or the whole session (after
//! a registry was replaced), with the sessions it replaced, to set aside.

use js_sys::Reflect;
use wasm_bindgen::JsValue;
use web_sys::IdbDatabase;

use super::idb::{Batch, get, get_parts, write};
use super::kept::field;
use super::{SaveInfo, kept, part_key, record_of, unsaved, wall_time, with_driver};
use crate::ui::browser::local_storage;

/// The localStorage key of the tail.
const TAIL: &str = "stowage-tail";

fn set(o: &js_sys::Object, k: &str, v: &JsValue) {
    let _ = Reflect::set(o, &k.into(), v);
}

/// Keeps what the next save would write, now, in localStorage (the page is being left or
/// hidden). Nothing when everything is saved; nothing either when it does not fit (the
/// browser's localStorage holds a few MiB): the IndexedDB save under way may still land.
pub(super) fn stash() {
    if !with_driver(|d| d.ready && !d.follower && d.db.is_some()) {
        return;
    }
    let Some((reg, _)) = unsaved() else { return };
    let Ok(r) = reg.try_borrow() else { return };
    let tail = js_sys::Object::new();
    set(&tail, "kind", &"stowage-tail".into());
    let log = with_driver(|d| {
        d.log
            .as_ref()
            .filter(|l| l.registry.upgrade().is_some_and(|live| std::rc::Rc::ptr_eq(&live, &reg)))
            .map(|l| (l.mark.clone(), l.parts, l.whole_at, l.text_bytes, l.part_bytes))
    });
    let part = log.and_then(|(mark, parts, whole_at, text_bytes, part_bytes)| {
        let (text, _) = r.session_part(&mark).ok().flatten()?;
        let info =
            SaveInfo::of_parts(&r, text_bytes + part_bytes + text.len() as u64, parts + 1, wall_time());
        Some((record_of(&info, &text, "stowage-session-part-record"), parts, whole_at))
    });
    match part {
        Some((record, parts, whole_at)) => {
            set(&tail, "mode", &"part".into());
            set(&tail, "after", &(parts as f64).into());
            set(&tail, "wholeAt", &whole_at.into());
            set(&tail, "record", &record);
        }
        None => {
            let Ok(text) = r.save_session() else { return };
            let info = SaveInfo::of(&r, text.len(), wall_time());
            set(&tail, "mode", &"whole".into());
            set(&tail, "record", &record_of(&info, &text, "stowage-session-record"));
            drop(r);
            let asides = js_sys::Array::new();
            for a in kept::asides(&reg) {
                let pair = js_sys::Array::of2(&a.info.key.as_str().into(), &a.record);
                asides.push(&pair);
            }
            set(&tail, "asides", &asides);
            // A kept session brought back leaves the list in the same transaction.
            if let Some(key) = with_driver(|d| d.restoring_kept.clone()) {
                set(&tail, "restoredKept", &key.as_str().into());
            }
        }
    }
    let Some(text) = js_sys::JSON::stringify(&tail).ok().and_then(|t| t.as_string()) else { return };
    if local_storage("setItem", &[TAIL, &text]).is_none() {
        // Too big for localStorage: an older tail would be wrong now.
        forget();
    }
}

/// Drops the tail (a save landed: IndexedDB holds at least as much).
pub(super) fn forget() {
    let _ = local_storage("removeItem", &[TAIL]);
}

/// Puts a tail left by the last page into IndexedDB, if it carries what IndexedDB lacks: a
/// part that follows exactly what is saved, or a whole session other than the one saved (with
/// the sessions it replaced, set aside). Then drops it.
pub(super) async fn apply(db: &IdbDatabase) {
    let Some(text) = local_storage("getItem", &[TAIL]).and_then(|t| t.as_string()) else { return };
    let Ok(tail) = js_sys::JSON::parse(&text) else { return forget() };
    if field(&tail, "kind").and_then(|k| k.as_string()).as_deref() != Some("stowage-tail") {
        return forget();
    }
    let Some(record) = field(&tail, "record") else { return forget() };
    let current = get(db, super::CURRENT).await.ok().flatten();
    let parts = get_parts(db).await.unwrap_or_default();
    let batch = match field(&tail, "mode").and_then(|m| m.as_string()).as_deref() {
        Some("part") => {
            let after = field(&tail, "after").and_then(|a| a.as_f64()).unwrap_or(-1.0);
            let whole_at = field(&tail, "wholeAt").and_then(|a| a.as_f64());
            let saved_at = current.as_ref().and_then(|c| field(c, "savedAt")).and_then(|a| a.as_f64());
            if saved_at.is_none() || saved_at != whole_at || parts.len() as f64 != after {
                return forget();
            }
            Batch { puts: vec![(part_key(parts.len() + 1), record)], ..Batch::default() }
        }
        Some("whole") => {
            // The state saved last: the last part's, else the whole text's.
            let saved_hash = parts.last().or(current.as_ref()).and_then(|r| field(r, "hash"));
            if saved_hash.is_some() && saved_hash == field(&record, "hash") {
                return forget();
            }
            let mut batch = Batch::whole(record);
            if let Some(key) = field(&tail, "restoredKept").and_then(|k| k.as_string())
                && key.starts_with(super::KEPT_PREFIX)
            {
                batch.deletes.push(key);
            }
            if let Some(asides) = field(&tail, "asides") {
                for pair in js_sys::Array::from(&asides).iter() {
                    let pair = js_sys::Array::from(&pair);
                    if let Some(key) = pair.get(0).as_string().filter(|k| k.starts_with(super::KEPT_PREFIX)) {
                        batch.puts.push((key, pair.get(1)));
                    }
                }
            }
            batch
        }
        _ => return forget(),
    };
    if write(db, batch).await.is_ok() {
        forget();
    }
}
