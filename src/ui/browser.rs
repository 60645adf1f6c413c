//! What only a browser can do for the page: read chosen files, save a download, and keep a
//! small choice in `localStorage`.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::state::{FILE_MAX_BYTES, ReadFile, UiError};
use crate::i18n::{Arg, Msg};

/// The files of a `FileList` (from the picker or a drop).
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return vec![] };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Reads one file's bytes. Files above the page's limit are refused before reading.
pub async fn read_file(file: web_sys::File) -> Result<ReadFile, UiError> {
    let name = file.name();
    let size = file.size();
    if size > FILE_MAX_BYTES as f64 {
        return Err(UiError::page(
            "FILE_TOO_LARGE_FOR_PAGE",
            Msg::new(
                "notes.file_too_large",
                [name.into(), (size as u64).to_string().into(), Arg::Bytes(FILE_MAX_BYTES)],
            ),
        ));
    }
    let buffer = JsFuture::from(file.array_buffer()).await.map_err(|e| {
        UiError::page("FILE_READ_FAILED", Msg::new("notes.read_failed", [name.as_str().into(), describe(&e)]))
    })?;
    Ok(ReadFile { name, bytes: js_sys::Uint8Array::new(&buffer).to_vec() })
}

/// Offers `bytes` as a download named `filename` (a Blob, an object URL and a clicked link).
/// Refused in words drawn in the page's language (the browser's own words as they are).
pub fn save(filename: &str, bytes: &[u8]) -> Result<(), Msg> {
    save_parts(filename, &js_sys::Array::of1(&js_sys::Uint8Array::from(bytes)))
}

/// `save` of bytes already copied out in parts (`Uint8Array`s, in order): a large file is
/// copied a part per slice, so no task copies it whole twice.
pub fn save_parts(filename: &str, parts: &js_sys::Array) -> Result<(), Msg> {
    let window = web_sys::window().ok_or_else(|| Msg::key("notes.no_window"))?;
    let document = window.document().ok_or_else(|| Msg::key("notes.no_document"))?;
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(parts, &options)
        .map_err(|e| browser_words(&e))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| browser_words(&e))?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| browser_words(&e))?
        .dyn_into()
        .map_err(|_| Msg::key("notes.no_link_element"))?;
    link.set_href(&url);
    link.set_download(filename);
    link.click();
    // The browser has taken the URL once the click is handled; release it a little later.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000);
    Ok(())
}

/// Fetches `url` as text (through the global `fetch`, so it works wherever the page runs). A
/// network failure or an HTTP status other than 2xx is an error naming the address.
pub async fn fetch_text(url: &str) -> Result<String, UiError> {
    use js_sys::{Function, Promise, Reflect};
    let failed = |message: Msg| UiError::page("FETCH_FAILED", message);
    let at = || Arg::Text(url.to_string());
    let global = js_sys::global();
    let fetch: Function = Reflect::get(&global, &"fetch".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| failed(Msg::key("notes.no_fetch")))?;
    let pending: Promise = fetch
        .call1(&global, &url.into())
        .ok()
        .and_then(|p| p.dyn_into().ok())
        .ok_or_else(|| failed(Msg::new("notes.fetch_ask", [at()])))?;
    let response = JsFuture::from(pending)
        .await
        .map_err(|e| failed(Msg::new("notes.fetch_failed", [at(), describe(&e)])))?;
    let field = |name: &str| Reflect::get(&response, &name.into()).unwrap_or_default();
    if field("ok").as_bool() != Some(true) {
        let status = field("status").as_f64().unwrap_or(0.0) as u16;
        let mut e = failed(Msg::new("notes.fetch_status", [at(), status.to_string().into()]));
        e.http_status = Some(status);
        return Err(e);
    }
    let text: Promise = field("text")
        .dyn_into::<Function>()
        .ok()
        .and_then(|f| f.call0(&response).ok())
        .and_then(|p| p.dyn_into().ok())
        .ok_or_else(|| failed(Msg::new("notes.fetch_read", [at()])))?;
    let text = JsFuture::from(text)
        .await
        .map_err(|e| failed(Msg::new("notes.read_failed", [at(), describe(&e)])))?;
    text.as_string().ok_or_else(|| failed(Msg::new("notes.fetch_not_text", [at()])))
}

/// The browser's own words for an error, shown as they are.
fn describe(value: &wasm_bindgen::JsValue) -> Arg {
    Arg::Text(
        value
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| value.as_string())
            .unwrap_or_else(|| format!("{value:?}")),
    )
}

/// The same, as a text of its own.
fn browser_words(value: &wasm_bindgen::JsValue) -> Msg {
    Msg::new("errors.untranslated", [describe(value)])
}

/// Calls `localStorage[method](...args)`; None when there is no storage, it is switched off
/// (reading `localStorage` throws) or the call throws (a full quota).
pub fn local_storage(method: &str, args: &[&str]) -> Option<JsValue> {
    let window = web_sys::window()?;
    let storage = js_sys::Reflect::get(&window, &JsValue::from_str("localStorage")).ok()?;
    if storage.is_null() || storage.is_undefined() {
        return None;
    }
    let f: js_sys::Function =
        js_sys::Reflect::get(&storage, &JsValue::from_str(method)).ok()?.dyn_into().ok()?;
    match args {
        [a] => f.call1(&storage, &JsValue::from_str(a)).ok(),
        [a, b] => f.call2(&storage, &JsValue::from_str(a), &JsValue::from_str(b)).ok(),
        _ => None,
    }
}

/// A drop zone's state and handlers: whether files are being dragged over it, and the three
/// events it listens to; a drop hands its files (if any) to `on_files`.
pub struct FileDrop {
    pub dragging: bool,
    pub on_drag_over: yew::Callback<web_sys::DragEvent>,
    pub on_drag_leave: yew::Callback<web_sys::DragEvent>,
    pub on_drop: yew::Callback<web_sys::DragEvent>,
}

/// The state and handlers of a drop zone for files.
#[yew::hook]
pub fn use_file_drop(on_files: yew::Callback<Vec<web_sys::File>>) -> FileDrop {
    use yew::Callback;
    let dragging = yew::use_state(|| false);
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: web_sys::DragEvent| {
            e.prevent_default();
            dragging.set(true);
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: web_sys::DragEvent| dragging.set(false))
    };
    let on_drop = {
        let dragging = dragging.clone();
        Callback::from(move |e: web_sys::DragEvent| {
            e.prevent_default();
            dragging.set(false);
            let files = files_of(e.data_transfer().and_then(|d| d.files()));
            if !files.is_empty() {
                on_files.emit(files);
            }
        })
    };
    FileDrop { dragging: *dragging, on_drag_over, on_drag_leave, on_drop }
}
