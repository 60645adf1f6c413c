//! What only a browser can do for the page: read chosen files and save a download.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::format::exact_bytes;
use super::state::{FILE_MAX_BYTES, ReadFile, UiError};

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
            format!(
                "{name} has {} bytes; this page keeps every layer in memory and takes files up to {}. \
                 Add a synthetic layer to simulate a big one",
                size as u64,
                exact_bytes(FILE_MAX_BYTES)
            ),
        ));
    }
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| UiError::page("FILE_READ_FAILED", format!("could not read {name}: {}", describe(&e))))?;
    Ok(ReadFile { name, bytes: js_sys::Uint8Array::new(&buffer).to_vec() })
}

/// Offers `bytes` as a download named `filename` (a Blob, an object URL and a clicked link).
pub fn save(filename: &str, bytes: &[u8]) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(|e| describe(&e))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| describe(&e))?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| describe(&e))?
        .dyn_into()
        .map_err(|_| "could not create a link".to_string())?;
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
    let failed = |message: String| UiError::page("FETCH_FAILED", message);
    let global = js_sys::global();
    let fetch: Function = Reflect::get(&global, &"fetch".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| failed("this browser has no fetch".into()))?;
    let pending: Promise = fetch
        .call1(&global, &url.into())
        .ok()
        .and_then(|p| p.dyn_into().ok())
        .ok_or_else(|| failed(format!("could not ask for {url}")))?;
    let response = JsFuture::from(pending)
        .await
        .map_err(|e| failed(format!("could not fetch {url}: {}", describe(&e))))?;
    let field = |name: &str| Reflect::get(&response, &name.into()).unwrap_or_default();
    if field("ok").as_bool() != Some(true) {
        let status = field("status").as_f64().unwrap_or(0.0) as u16;
        let mut e = failed(format!("{url} answered HTTP {status}"));
        e.http_status = Some(status);
        return Err(e);
    }
    let text: Promise = field("text")
        .dyn_into::<Function>()
        .ok()
        .and_then(|f| f.call0(&response).ok())
        .and_then(|p| p.dyn_into().ok())
        .ok_or_else(|| failed(format!("could not read {url}")))?;
    let text =
        JsFuture::from(text).await.map_err(|e| failed(format!("could not read {url}: {}", describe(&e))))?;
    text.as_string().ok_or_else(|| failed(format!("{url} is not text")))
}

fn describe(value: &wasm_bindgen::JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}
