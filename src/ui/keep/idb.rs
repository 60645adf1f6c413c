//! The browser's IndexedDB, through web-sys: one database, one object store, and the few
//! requests keeping the session needs. Every write is one transaction: all or nothing, so a
//! failure (a full quota) leaves what the store held before.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Event, IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode};

use super::{CURRENT, DB_NAME, STORE, say};
use crate::i18n::Msg;

/// A DOMException or error in words: `QuotaExceededError: …` (the browser's own words, as they
/// are), with what a full quota means.
pub(super) fn words(e: &JsValue) -> Msg {
    let field = |k: &str| Reflect::get(e, &k.into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    let (name, message) = (field("name"), field("message"));
    let own = match (name.is_empty(), message.is_empty()) {
        (true, true) => match e.as_string() {
            Some(s) => Msg::from(s),
            None => Msg::key("keep.unknown_error"),
        },
        (false, true) => Msg::from(name.clone()),
        (true, false) => Msg::from(message),
        (false, false) => Msg::from(format!("{name}: {message}")),
    };
    if name == "QuotaExceededError" { say("keep.quota_full", [own.into()]) } else { own }
}

/// Waits for a request's success (its result) or error.
async fn request_done(req: &IdbRequest) -> Result<JsValue, Msg> {
    let mut settle: Option<(Function, Function)> = None;
    let promise = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    let Some((resolve, reject)) = settle else { return Err(Msg::key("keep.cannot_wait")) };
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
        Err(_) => {
            Err(req.error().ok().flatten().map_or_else(|| Msg::key("keep.request_failed"), |e| words(&e)))
        }
    }
}

/// Waits for a transaction to commit, or for why it was aborted.
async fn transaction_done(tx: &IdbTransaction) -> Result<(), Msg> {
    let mut settle: Option<(Function, Function)> = None;
    let promise = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    let Some((resolve, reject)) = settle else { return Err(Msg::key("keep.cannot_wait")) };
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
        Err(_) => Err(tx.error().map_or_else(|| Msg::key("keep.write_aborted"), |e| words(&e))),
    }
}

pub(super) async fn open_db() -> Result<IdbDatabase, Msg> {
    let factory = web_sys::window()
        .ok_or_else(|| Msg::key("notes.no_window"))?
        .indexed_db()
        .map_err(|e| words(&e))?
        .ok_or_else(|| Msg::key("keep.no_indexed_db"))?;
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
    db?.dyn_into::<IdbDatabase>().map_err(|_| Msg::key("keep.storage_did_not_open"))
}

pub(super) async fn get(db: &IdbDatabase, key: &str) -> Result<Option<JsValue>, Msg> {
    let tx = db.transaction_with_str(STORE).map_err(|e| words(&e))?;
    let store = tx.object_store(STORE).map_err(|e| words(&e))?;
    let req = store.get(&key.into()).map_err(|e| words(&e))?;
    let value = request_done(&req).await?;
    Ok((!value.is_undefined() && !value.is_null()).then_some(value))
}

/// The part keys' range: `part:` followed by anything.
fn parts_range() -> Result<web_sys::IdbKeyRange, Msg> {
    web_sys::IdbKeyRange::bound(&"part:".into(), &"part:\u{10ffff}".into()).map_err(|e| words(&e))
}

/// The changes one transaction makes: keys written, keys deleted, and whether the parts saved
/// after the whole text go.
#[derive(Default)]
pub(super) struct Batch {
    pub puts: Vec<(String, JsValue)>,
    pub deletes: Vec<String>,
    /// Every key that starts with one of these goes too.
    pub delete_prefixes: Vec<String>,
    pub drop_parts: bool,
}

impl Batch {
    /// The whole session under `CURRENT`, the parts saved after the one before dropped.
    pub fn whole(value: JsValue) -> Self {
        Self { puts: vec![(CURRENT.to_string(), value)], drop_parts: true, ..Self::default() }
    }
}

/// Makes `batch`'s changes in one transaction: all or nothing.
pub(super) async fn write(db: &IdbDatabase, batch: Batch) -> Result<(), Msg> {
    let tx = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite).map_err(|e| words(&e))?;
    let store = tx.object_store(STORE).map_err(|e| words(&e))?;
    let requests = || -> Result<(), JsValue> {
        if batch.drop_parts {
            let range = parts_range().map_err(|m| JsValue::from(m.to_string()))?;
            store.delete(&range)?;
        }
        for key in &batch.deletes {
            store.delete(&key.as_str().into())?;
        }
        for prefix in &batch.delete_prefixes {
            let range = web_sys::IdbKeyRange::bound(&prefix.into(), &format!("{prefix}\u{10ffff}").into())?;
            store.delete(&range.into())?;
        }
        for (key, value) in &batch.puts {
            store.put_with_key(value, &key.as_str().into())?;
        }
        Ok(())
    };
    if let Err(e) = requests() {
        let _ = tx.abort();
        return Err(words(&e));
    }
    transaction_done(&tx).await
}

/// Every key that starts with `prefix`, with its value, in key order (both read in one
/// transaction).
pub(super) async fn get_prefixed(db: &IdbDatabase, prefix: &str) -> Result<Vec<(String, JsValue)>, Msg> {
    let tx = db.transaction_with_str(STORE).map_err(|e| words(&e))?;
    let store = tx.object_store(STORE).map_err(|e| words(&e))?;
    let range = web_sys::IdbKeyRange::bound(&prefix.into(), &format!("{prefix}\u{10ffff}").into())
        .map_err(|e| words(&e))?;
    let keys = store.get_all_keys_with_key(&range).map_err(|e| words(&e))?;
    let values = store.get_all_with_key(&range).map_err(|e| words(&e))?;
    let keys = request_done(&keys).await?;
    let values = request_done(&values).await?;
    let keys = js_sys::Array::from(&keys);
    let values = js_sys::Array::from(&values);
    Ok(keys.iter().zip(values.iter()).filter_map(|(k, v)| Some((k.as_string()?, v))).collect())
}

/// Every key that starts with `prefix`, in key order (the values are not read).
pub(super) async fn keys_prefixed(db: &IdbDatabase, prefix: &str) -> Result<Vec<String>, Msg> {
    let tx = db.transaction_with_str(STORE).map_err(|e| words(&e))?;
    let store = tx.object_store(STORE).map_err(|e| words(&e))?;
    let range = web_sys::IdbKeyRange::bound(&prefix.into(), &format!("{prefix}\u{10ffff}").into())
        .map_err(|e| words(&e))?;
    let keys = store.get_all_keys_with_key(&range).map_err(|e| words(&e))?;
    let keys = js_sys::Array::from(&request_done(&keys).await?);
    Ok(keys.iter().filter_map(|k| k.as_string()).collect())
}

/// The parts saved after the whole text, in order (their records).
pub(super) async fn get_parts(db: &IdbDatabase) -> Result<Vec<JsValue>, Msg> {
    let tx = db.transaction_with_str(STORE).map_err(|e| words(&e))?;
    let store = tx.object_store(STORE).map_err(|e| words(&e))?;
    let req = store.get_all_with_key(&parts_range()?.into()).map_err(|e| words(&e))?;
    let all = request_done(&req).await?;
    Ok(js_sys::Array::from(&all).iter().collect())
}

pub(super) async fn delete(db: &IdbDatabase, key: &str) -> Result<(), Msg> {
    let tx = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite).map_err(|e| words(&e))?;
    let store = tx.object_store(STORE).map_err(|e| words(&e))?;
    if let Err(e) = store.delete(&key.into()) {
        let _ = tx.abort();
        return Err(words(&e));
    }
    transaction_done(&tx).await
}
