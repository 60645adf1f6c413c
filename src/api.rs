//! The JS API: a `wasm-bindgen` class over the engine's `Registry`, mirroring the distribution
//! API. Values cross as plain JS objects (`serde-wasm-bindgen`), bytes as `Uint8Array`. Every
//! refusal throws an `Error` whose `code` is the distribution-spec code, with `httpStatus`.

use std::cell::RefCell;
use std::rc::Rc;

use serde::Deserialize;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::engine::{self, Digest, ErrorCode, LayerInput, RegistryError, RegistryOptions};

/// Converts an engine error into a thrown JS `Error` with `code` and `httpStatus`.
pub fn to_js_error(e: &RegistryError) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    err.set_name(&format!("StowageError[{}]", e.code));
    let obj: &JsValue = err.as_ref();
    let _ = js_sys::Reflect::set(obj, &"code".into(), &e.code.as_str().into());
    let _ = js_sys::Reflect::set(obj, &"httpStatus".into(), &JsValue::from(e.http_status));
    if let Some(seconds) = e.retry_after_s {
        let _ = js_sys::Reflect::set(obj, &"retryAfter".into(), &JsValue::from(seconds as f64));
    }
    err.into()
}

fn invalid_argument(message: impl Into<String>) -> JsValue {
    to_js_error(&RegistryError::new(ErrorCode::InvalidArgument, message))
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let ser =
        serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true).serialize_missing_as_null(true);
    value.serialize(&ser).map_err(|e| invalid_argument(format!("could not convert a result: {e}")))
}

/// A JS number that must be a whole, non-negative, safe integer.
fn whole(value: f64, what: &str, code: ErrorCode) -> Result<u64, JsValue> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= 9_007_199_254_740_991.0 {
        Ok(value as u64)
    } else {
        Err(to_js_error(&RegistryError::new(
            code,
            format!("{what} must be a whole number from 0 to 2^53 - 1"),
        )))
    }
}

/// A whole number that must fit 32 bits; larger ones become `u32::MAX`, which the engine
/// refuses as out of range with its own message.
fn whole_u32(value: f64, what: &str) -> Result<u32, JsValue> {
    Ok(u32::try_from(whole(value, what, ErrorCode::InvalidArgument)?).unwrap_or(u32::MAX))
}

// ---- Arguments. Every exported function takes its parameters as `JsValue` and checks their JS
// type here first, before anything else reads them: wasm-bindgen's own glue assumes the declared
// type (a number where a string is expected reads memory out of bounds and traps) and
// serde-wasm-bindgen would walk a typed array passed for an options object element by element.
// A wrong type is refused at once with INVALID_ARGUMENT naming the parameter. ----

/// What a JS value is, as a refusal names it: `a number`, `null`, `an array`, `a Uint8Array`…
fn kind_of(value: &JsValue) -> &'static str {
    if value.is_undefined() {
        "undefined"
    } else if value.is_null() {
        "null"
    } else if value.is_string() {
        "a string"
    } else if value.as_bool().is_some() {
        "a boolean"
    } else if let Some(n) = value.as_f64() {
        if n.is_nan() { "NaN" } else { "a number" }
    } else if value.is_bigint() {
        "a BigInt"
    } else if value.is_symbol() {
        "a symbol"
    } else if value.is_function() {
        "a function"
    } else if js_sys::Array::is_array(value) {
        "an array"
    } else if value.is_instance_of::<js_sys::Uint8Array>() {
        "a Uint8Array"
    } else if js_sys::ArrayBuffer::is_view(value) {
        "a typed array"
    } else if value.is_instance_of::<js_sys::ArrayBuffer>() {
        "an ArrayBuffer"
    } else {
        "an object"
    }
}

/// `{name} must be {expected}, not {what value is}`, as INVALID_ARGUMENT.
fn wrong_type(name: &str, expected: &str, value: &JsValue) -> JsValue {
    invalid_argument(format!("{name} must be {expected}, not {}", kind_of(value)))
}

/// An optional parameter: omitted (`undefined`) or `null`.
fn absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

fn string_arg(value: &JsValue, name: &str) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| wrong_type(name, "a string", value))
}

fn opt_string_arg(value: &JsValue, name: &str) -> Result<Option<String>, JsValue> {
    if absent(value) { Ok(None) } else { string_arg(value, name).map(Some) }
}

/// A JS number (any: `whole` and the engine check its range).
fn number_arg(value: &JsValue, name: &str) -> Result<f64, JsValue> {
    value.as_f64().ok_or_else(|| wrong_type(name, "a number", value))
}

fn opt_number_arg(value: &JsValue, name: &str) -> Result<Option<f64>, JsValue> {
    if absent(value) { Ok(None) } else { number_arg(value, name).map(Some) }
}

/// A number that must be whole, from 0 to 2^53 - 1 (`code` if it is a number outside that).
fn whole_arg(value: &JsValue, name: &str, code: ErrorCode) -> Result<u64, JsValue> {
    whole(number_arg(value, name)?, name, code)
}

fn opt_whole_arg(value: &JsValue, name: &str, code: ErrorCode) -> Result<Option<u64>, JsValue> {
    opt_number_arg(value, name)?.map(|n| whole(n, name, code)).transpose()
}

fn whole_u32_arg(value: &JsValue, name: &str) -> Result<u32, JsValue> {
    whole_u32(number_arg(value, name)?, name)
}

fn opt_whole_u32_arg(value: &JsValue, name: &str) -> Result<Option<u32>, JsValue> {
    opt_number_arg(value, name)?.map(|n| whole_u32(n, name)).transpose()
}

/// A JS boolean: `true` or `false`, nothing truthy or falsy.
fn bool_arg(value: &JsValue, name: &str) -> Result<bool, JsValue> {
    value.as_bool().ok_or_else(|| wrong_type(name, "a boolean", value))
}

fn opt_bool_arg(value: &JsValue, name: &str) -> Result<Option<bool>, JsValue> {
    if absent(value) { Ok(None) } else { bool_arg(value, name).map(Some) }
}

/// An options-like object: not null, a function, an array, a typed array or an ArrayBuffer
/// (refused before any of its keys are read, however large it is).
fn object_arg<'a>(value: &'a JsValue, name: &str) -> Result<&'a js_sys::Object, JsValue> {
    let plain = value.is_object()
        && !js_sys::Array::is_array(value)
        && !js_sys::ArrayBuffer::is_view(value)
        && !value.is_instance_of::<js_sys::ArrayBuffer>();
    if plain {
        Ok(value.unchecked_ref::<js_sys::Object>())
    } else {
        Err(wrong_type(name, "an object", value))
    }
}

/// A JS array (its elements are checked by the caller).
fn array_arg<'a>(value: &'a JsValue, name: &str) -> Result<&'a js_sys::Array, JsValue> {
    value.dyn_ref::<js_sys::Array>().ok_or_else(|| wrong_type(name, "an array", value))
}

/// An array of strings; the first element that is not one is named: `actions[2]`.
fn string_array_arg(value: &JsValue, name: &str) -> Result<Vec<String>, JsValue> {
    let array =
        value.dyn_ref::<js_sys::Array>().ok_or_else(|| wrong_type(name, "an array of strings", value))?;
    array.iter().enumerate().map(|(i, v)| string_arg(&v, &format!("{name}[{i}]"))).collect()
}

/// Bytes from a `Uint8Array`, an `ArrayBuffer` or a string (UTF-8).
fn bytes_of(value: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    if let Some(s) = value.as_string() {
        return Ok(s.into_bytes());
    }
    if value.is_instance_of::<js_sys::Uint8Array>() || value.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok(js_sys::Uint8Array::new(value).to_vec());
    }
    Err(wrong_type(what, "a Uint8Array, an ArrayBuffer or a string", value))
}

/// Refuses an object with keys other than `allowed` (serde-wasm-bindgen only reads the keys it
/// knows, so a misspelt option would otherwise be silently ignored).
fn check_keys(value: &JsValue, allowed: &[&str], what: &str) -> Result<(), JsValue> {
    let obj = object_arg(value, what)?;
    for key in js_sys::Object::keys(obj).iter() {
        let key = key.as_string().unwrap_or_default();
        if !allowed.contains(&key.as_str()) {
            return Err(invalid_argument(format!(
                "{what} has an unknown key {key:?}; known keys: {}",
                allowed.join(", ")
            )));
        }
    }
    Ok(())
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct JsOptions {
    name: Option<String>,
    seed: Option<u64>,
    storage_accounts: Option<usize>,
    gc_delay_ms: Option<u64>,
    tier: Option<String>,
    storage_era: Option<String>,
    rate_model: Option<String>,
    customer_managed_key: Option<String>,
    region: Option<String>,
    home_region: Option<String>,
    geo_lag_ms: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsClient {
    name: String,
    region: String,
    dns_cache: Option<bool>,
    identity: Option<String>,
}

/// Image layers from JS: an array of `{name, bytes}`, `{syntheticSizeBytes, seed?}` or
/// `{name?, digest, sizeBytes}` (a blob the repository holds already, e.g. uploaded).
fn layer_inputs(layers: &JsValue) -> Result<Vec<LayerInput>, JsValue> {
    let keys = ["name", "bytes", "syntheticSizeBytes", "seed", "digest", "sizeBytes"];
    for (i, layer) in array_arg(layers, "layers")?.iter().enumerate() {
        check_keys(&layer, &keys, &format!("layers[{i}]"))?;
    }
    let layers: Vec<JsLayer> = serde_wasm_bindgen::from_value(layers.clone())
        .map_err(|e| invalid_argument(format!("bad layers: {e}")))?;
    layers
        .into_iter()
        .map(|l| match (l.bytes, l.synthetic_size_bytes, l.digest, l.size_bytes) {
            (Some(bytes), None, None, None) => {
                Ok(LayerInput::File { name: l.name.unwrap_or_default(), bytes })
            }
            (None, Some(size_bytes), None, None) => Ok(LayerInput::Synthetic { size_bytes, seed: l.seed }),
            (None, None, Some(digest), Some(size_bytes)) => {
                let digest = Digest::parse(&digest).map_err(|e| to_js_error(&e))?;
                Ok(LayerInput::Uploaded { name: l.name.unwrap_or_default(), digest, size_bytes })
            }
            _ => Err(invalid_argument(
                "each layer needs bytes, syntheticSizeBytes, or a digest with its sizeBytes",
            )),
        })
        .collect()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsLayer {
    name: Option<String>,
    #[serde(default, with = "serde_bytes")]
    bytes: Option<Vec<u8>>,
    synthetic_size_bytes: Option<u64>,
    seed: Option<u64>,
    digest: Option<String>,
    size_bytes: Option<u64>,
}

/// An export as JS: `{bytes: Uint8Array, images, skipped}`.
fn export_js(export: engine::Result<engine::oci::Export>) -> Result<JsValue, JsValue> {
    let export = export.map_err(|e| to_js_error(&e))?;
    let out = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&out, &"bytes".into(), &js_sys::Uint8Array::from(export.bytes.as_slice()));
    let _ = js_sys::Reflect::set(&out, &"images".into(), &JsValue::from(export.images as f64));
    // Each left out: `{image, reason}`, the reason in English (its catalogue key as `reasonKey`).
    let skipped = js_sys::Array::new();
    for s in &export.skipped {
        let o = js_sys::Object::new();
        let key = s.reason.key();
        let _ = js_sys::Reflect::set(&o, &"image".into(), &s.image.as_str().into());
        let _ = js_sys::Reflect::set(&o, &"reason".into(), &crate::i18n::Msg::key(key).to_string().into());
        let _ = js_sys::Reflect::set(&o, &"reasonKey".into(), &key.into());
        skipped.push(&o);
    }
    let _ = js_sys::Reflect::set(&out, &"skipped".into(), &skipped);
    Ok(out.into())
}

/// A simulated container registry. `new Registry({name?, seed?, storageAccounts?, …})`.
/// `registry.client("ci-bot")` is the same registry with requests counted against that identity.
#[wasm_bindgen]
pub struct Registry {
    inner: Rc<RefCell<engine::Registry>>,
    /// Who requests are counted against; None: the admin user.
    identity: Option<String>,
    /// A handle on the page's live registry: the page is told of every change made through it.
    page: bool,
}

impl Registry {
    /// Moves the registry in time (not as a client: a journey is the whole registry's) and
    /// tells the page.
    fn travel(
        &self,
        f: impl FnOnce(&mut engine::Registry) -> engine::Result<engine::history::HistoryView>,
    ) -> Result<JsValue, JsValue> {
        let view = {
            let reg = self.for_change()?;
            let mut r = reg.try_borrow_mut().map_err(|_| invalid_argument("the registry is busy"))?;
            f(&mut r).map_err(|e| to_js_error(&e))?
        };
        if self.page {
            crate::ui::page_changed();
        }
        to_js(&view)
    }

    /// The registry this handle acts on. A page handle (`stowage.page()`) follows the page's
    /// live registry: one taken before "New registry", a story or a restore acts on the registry
    /// shown now, never on one the page replaced.
    fn shared(&self) -> Rc<RefCell<engine::Registry>> {
        match self.page.then(crate::ui::live_registry).flatten() {
            Some(live) => live,
            None => Rc::clone(&self.inner),
        }
    }

    /// The registry, for a change: a page handle refuses it while the page restores its saved
    /// session (it would be made on a registry about to be replaced, and lost).
    fn for_change(&self) -> Result<Rc<RefCell<engine::Registry>>, JsValue> {
        if self.page
            && let Some(why) = crate::ui::session_busy()
        {
            let err = js_sys::Error::new(&format!("not done: {why}"));
            err.set_name("StowageError[SESSION_RESTORING]");
            let obj: &JsValue = err.as_ref();
            let _ = js_sys::Reflect::set(obj, &"code".into(), &"SESSION_RESTORING".into());
            let _ = js_sys::Reflect::set(obj, &"httpStatus".into(), &JsValue::from(503));
            return Err(err.into());
        }
        Ok(self.shared())
    }

    /// Wraps a registry the page also holds (the page's live registry).
    pub fn from_shared(inner: Rc<RefCell<engine::Registry>>) -> Self {
        Self { inner, identity: None, page: false }
    }

    /// Runs a request: as a registered client (routed to a replica) when this handle names
    /// one, else counted against the handle's identity.
    fn run<T>(&self, f: impl FnOnce(&mut engine::Registry) -> engine::Result<T>) -> Result<T, JsValue> {
        let reg = self.for_change()?;
        let mut r = reg.try_borrow_mut().map_err(|_| invalid_argument("the registry is busy"))?;
        let out = match &self.identity {
            Some(name) if r.is_client(name) => r.with_client(name, f),
            Some(identity) => r.with_identity(identity, f),
            None => f(&mut r),
        }
        .map_err(|e| to_js_error(&e));
        drop(r);
        if self.page {
            crate::ui::page_changed();
        }
        out
    }
}

#[wasm_bindgen]
impl Registry {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "object | null")] options: JsValue,
    ) -> Result<Registry, JsValue> {
        let o: JsOptions = if absent(&options) {
            JsOptions::default()
        } else {
            object_arg(&options, "options")?;
            check_keys(
                &options,
                &[
                    "name",
                    "seed",
                    "storageAccounts",
                    "gcDelayMs",
                    "tier",
                    "storageEra",
                    "rateModel",
                    "customerManagedKey",
                    "region",
                    "homeRegion",
                    "geoLagMs",
                ],
                "options",
            )?;
            serde_wasm_bindgen::from_value(options)
                .map_err(|e| invalid_argument(format!("bad options: {e}")))?
        };
        let d = RegistryOptions::default();
        let options = RegistryOptions {
            name: o.name.unwrap_or(d.name),
            seed: o.seed.unwrap_or(d.seed),
            storage_accounts: o.storage_accounts.unwrap_or(d.storage_accounts),
            gc_delay: o.gc_delay_ms.map_or(d.gc_delay, engine::Millis),
            tier: o
                .tier
                .as_deref()
                .map(engine::Tier::parse)
                .transpose()
                .map_err(|e| to_js_error(&e))?
                .unwrap_or(d.tier),
            storage_era: o
                .storage_era
                .as_deref()
                .map(engine::StorageEra::parse)
                .transpose()
                .map_err(|e| to_js_error(&e))?
                .unwrap_or(d.storage_era),
            rate_model: o
                .rate_model
                .as_deref()
                .map(engine::RateModel::parse)
                .transpose()
                .map_err(|e| to_js_error(&e))?
                .unwrap_or(d.rate_model),
            region: match (o.region, o.home_region) {
                (Some(_), Some(_)) => return Err(invalid_argument("give region or homeRegion, not both")),
                (Some(r), None) | (None, Some(r)) => r,
                (None, None) => d.region,
            },
            geo_lag: o.geo_lag_ms.map_or(d.geo_lag, engine::Millis),
            customer_managed_key: match o.customer_managed_key.as_deref() {
                None => None,
                Some("automatic") => Some(engine::RotationMode::Automatic),
                Some("manual") => Some(engine::RotationMode::Manual),
                Some(other) => {
                    return Err(invalid_argument(format!(
                        "customerManagedKey must be \"automatic\" or \"manual\" (rotation), not {other:?}"
                    )));
                }
            },
        };
        let r = engine::Registry::new(options).map_err(|e| to_js_error(&e))?;
        Ok(Self { inner: Rc::new(RefCell::new(r)), identity: None, page: false })
    }

    /// A registry set up by a scenario (JSON text), its steps queued at their virtual times:
    /// run the clock (`runUntilIdle`, `advance`, `step`) to play it.
    #[wasm_bindgen(js_name = loadScenario)]
    pub fn load_scenario(
        #[wasm_bindgen(unchecked_param_type = "string")] json: JsValue,
    ) -> Result<Registry, JsValue> {
        let json = string_arg(&json, "json")?;
        let r = engine::Registry::load_scenario(&json).map_err(|e| to_js_error(&e))?;
        Ok(Self { inner: Rc::new(RefCell::new(r)), identity: None, page: false })
    }

    /// Plays a scenario (JSON text) to its end: `{name, eventLogHash, nowMs, events, steps:
    /// [{index, atMs, action, note, result, detail}], oracle}`. The same scenario gives the
    /// same hash here and in the native runner.
    #[wasm_bindgen(js_name = runScenario)]
    pub fn run_scenario(
        #[wasm_bindgen(unchecked_param_type = "string")] json: JsValue,
    ) -> Result<JsValue, JsValue> {
        let json = string_arg(&json, "json")?;
        let (_, run) = engine::Registry::run_scenario(&json).map_err(|e| to_js_error(&e))?;
        to_js(&run)
    }

    /// The loaded scenario and the steps played so far (null if none). `title`, `description`
    /// and each step's `note` are English; `localizedTitle`, `localizedDescription` and the
    /// guide's frames give the scenario file's texts (a string, or `{en, nl, fr}`).
    pub fn scenario(&self) -> Result<JsValue, JsValue> {
        to_js(&self.shared().borrow().scenario_view())
    }

    /// The loaded scenario's final phase (if it has `convergeWithinMs`): heals every fault and
    /// runs until every replica holds the same content. `{converged, afterMs, detail}`, or null.
    #[wasm_bindgen(js_name = playConvergencePhase)]
    pub fn play_convergence_phase(&self) -> Result<JsValue, JsValue> {
        let reg = self.for_change()?;
        let mut r = reg.try_borrow_mut().map_err(|_| invalid_argument("the registry is busy"))?;
        to_js(&r.play_convergence_phase())
    }

    /// A guided scenario's "continue": runs the clock to the next frame of its story; returns
    /// the index of the frame now shown. Throws once the story has ended.
    #[wasm_bindgen(js_name = guideContinue)]
    pub fn guide_continue(&self) -> Result<JsValue, JsValue> {
        let frame = self.run(|r| r.guide_continue())?;
        to_js(&frame)
    }

    /// A guided scenario's "back": the previous frame, with the registry as it was then.
    #[wasm_bindgen(js_name = guideBack)]
    pub fn guide_back(&self) -> Result<JsValue, JsValue> {
        let frame = self.run(|r| r.guide_back())?;
        to_js(&frame)
    }

    /// What a keep-the-last-`keep` rule would delete in `repo`, beside what ACR's retention has
    /// queued: `{repo, keep, kept, wouldDelete, acrQueued, retentionEnabled, retentionDays}`.
    #[wasm_bindgen(js_name = keepLastWhatIf)]
    pub fn keep_last_what_if(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] keep: JsValue,
    ) -> Result<JsValue, JsValue> {
        let repo = string_arg(&repo, "repo")?;
        let keep = whole_u32_arg(&keep, "keep")?;
        let report = self.shared().borrow().keep_last_what_if(&repo, keep).map_err(|e| to_js_error(&e))?;
        to_js(&report)
    }

    /// The oracle's report now: client pushes and pulls by outcome, stale reads, wrong bytes
    /// (always 0) and acknowledged pushes lost or unavailable.
    pub fn oracle(&self) -> Result<JsValue, JsValue> {
        let reg = self.shared();
        let mut r = reg.try_borrow_mut().map_err(|_| invalid_argument("the registry is busy"))?;
        to_js(&r.oracle_report())
    }

    /// The same registry seen by a client: `client('eastus')` is a client in that region (DNS
    /// cached), every request routed to the nearest routable replica, so it sees
    /// MANIFEST_UNKNOWN while a push has not replicated there; `client(name)` of a client added
    /// with `addClient` routes as that one; any other name is just an identity the requests
    /// are counted against (a CI job, a cluster node, `anonymous`).
    pub fn client(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    ) -> Result<Registry, JsValue> {
        let name = string_arg(&name, "name")?;
        let name = name.as_str();
        engine::Identity::parse(name).map_err(|e| to_js_error(&e))?;
        {
            let reg = self.for_change()?;
            let mut r = reg.try_borrow_mut().map_err(|_| invalid_argument("the registry is busy"))?;
            if !r.is_client(name) && engine::region::region(name).is_some() {
                r.add_client(name, name, true, None).map_err(|e| to_js_error(&e))?;
            }
        }
        Ok(Self { inner: Rc::clone(&self.inner), identity: Some(name.to_string()), page: self.page })
    }

    /// The identity requests are counted against (`admin` unless made through `client`).
    #[wasm_bindgen(getter)]
    pub fn identity(&self) -> String {
        self.identity.clone().unwrap_or_else(|| engine::Identity::admin().to_string())
    }

    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.shared().borrow().name().to_string()
    }

    /// Pushes a blob; returns its digest. A given `digest` that does not match → DIGEST_INVALID.
    #[wasm_bindgen(js_name = pushBlob)]
    pub fn push_blob(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] bytes: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] digest: JsValue,
    ) -> Result<String, JsValue> {
        let repo = string_arg(&repo, "repo")?;
        let bytes = bytes_of(&bytes, "bytes")?;
        let digest = opt_string_arg(&digest, "digest")?;
        self.run(|r| r.push_blob(&repo, &bytes, digest.as_deref())).map(|d| d.to_string())
    }

    /// Opens a blob upload in `repo` (the distribution API's `POST …/blobs/uploads/`):
    /// `{id, repo, receivedBytes, startedAtMs}`. Send the bytes with `appendUpload`, then
    /// `finishUpload` with their digest.
    #[wasm_bindgen(js_name = startUpload)]
    pub fn start_upload(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
    ) -> Result<JsValue, JsValue> {
        let repo = string_arg(&repo, "repo")?;
        to_js(&self.run(|r| r.start_upload(&repo))?)
    }

    /// The next bytes of upload `id` (`PATCH`), hashed and sealed now; `from`, if given, is
    /// the offset they start at (out of order → BLOB_UPLOAD_INVALID). Returns the upload.
    #[wasm_bindgen(js_name = appendUpload)]
    pub fn append_upload(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] bytes: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] from: JsValue,
    ) -> Result<JsValue, JsValue> {
        let id = string_arg(&id, "id")?;
        let bytes = bytes_of(&bytes, "bytes")?;
        let from = opt_whole_arg(&from, "from", ErrorCode::BlobUploadInvalid)?;
        to_js(&self.run(|r| r.append_upload(&id, &bytes, from))?)
    }

    /// Closes upload `id` with the digest of its bytes (`PUT …?digest=`) and, if given, their
    /// size: stores the blob in the upload's repository and returns its digest. A digest that
    /// does not match → DIGEST_INVALID (the upload stays open).
    #[wasm_bindgen(js_name = finishUpload)]
    pub fn finish_upload(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] digest: JsValue,
        #[wasm_bindgen(js_name = "sizeBytes", unchecked_optional_param_type = "number | null")]
        size_bytes: JsValue,
    ) -> Result<String, JsValue> {
        let id = string_arg(&id, "id")?;
        let digest = string_arg(&digest, "digest")?;
        let size = opt_whole_arg(&size_bytes, "sizeBytes", ErrorCode::SizeInvalid)?;
        self.run(|r| r.finish_upload(&id, &digest, size)).map(|d| d.to_string())
    }

    /// Cancels upload `id` (`DELETE`); returns it as it was.
    #[wasm_bindgen(js_name = cancelUpload)]
    pub fn cancel_upload(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        let id = string_arg(&id, "id")?;
        to_js(&self.run(|r| r.cancel_upload(&id))?)
    }

    /// Upload `id` as a status request sees it (BLOB_UPLOAD_UNKNOWN when not open).
    pub fn upload(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        let id = string_arg(&id, "id")?;
        let view = self.shared().borrow().upload(&id).map_err(|e| to_js_error(&e))?;
        to_js(&view)
    }

    /// The uploads under way, oldest first.
    pub fn uploads(&self) -> Result<JsValue, JsValue> {
        to_js(&self.shared().borrow().uploads())
    }

    /// A synthetic layer of `sizeBytes` (1 byte to 200 GiB) from `seed`; returns its digest.
    #[wasm_bindgen(js_name = pushSyntheticBlob)]
    pub fn push_synthetic_blob(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
        #[wasm_bindgen(js_name = "sizeBytes", unchecked_param_type = "number")] size_bytes: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] seed: JsValue,
    ) -> Result<String, JsValue> {
        let repo = string_arg(&repo, "repo")?;
        let size = whole_arg(&size_bytes, "sizeBytes", ErrorCode::SizeInvalid)?;
        let seed = opt_whole_arg(&seed, "seed", ErrorCode::InvalidArgument)?;
        self.run(|r| r.push_synthetic_blob(&repo, size, seed)).map(|d| d.to_string())
    }

    /// Cross-repository mount: true if mounted (201), false if the client must upload (202).
    #[wasm_bindgen(js_name = mountBlob)]
    pub fn mount_blob(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
        #[wasm_bindgen(js_name = "fromRepo", unchecked_param_type = "string")] from_repo: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] digest: JsValue,
    ) -> Result<bool, JsValue> {
        let repo = string_arg(&repo, "repo")?;
        let from_repo = string_arg(&from_repo, "fromRepo")?;
        let digest = string_arg(&digest, "digest")?;
        self.run(|r| r.mount_blob(&repo, &from_repo, &digest))
    }

    /// Pushes a manifest (string or bytes) under a tag or digest; returns its digest.
    #[wasm_bindgen(js_name = pushManifest)]
    pub fn push_manifest(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] reference: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] body: JsValue,
        #[wasm_bindgen(js_name = "mediaType", unchecked_optional_param_type = "string | null")]
        media_type: JsValue,
    ) -> Result<String, JsValue> {
        let repo = string_arg(&repo, "repo")?;
        let reference = string_arg(&reference, "reference")?;
        let body = bytes_of(&body, "body")?;
        let media_type = opt_string_arg(&media_type, "mediaType")?;
        self.run(|r| r.push_manifest(&repo, &reference, &body, media_type.as_deref())).map(|d| d.to_string())
    }

    /// `{digest, mediaType, bytes}`.
    #[wasm_bindgen(js_name = pullManifest)]
    pub fn pull_manifest(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] reference: JsValue,
    ) -> Result<JsValue, JsValue> {
        let repo = string_arg(&repo, "repo")?;
        let reference = string_arg(&reference, "reference")?;
        to_js(&self.run(|r| r.pull_manifest(&repo, &reference))?)
    }

    /// The blob's bytes, decrypted and re-verified.
    #[wasm_bindgen(js_name = pullBlob)]
    pub fn pull_blob(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] digest: JsValue,
    ) -> Result<js_sys::Uint8Array, JsValue> {
        let repo = string_arg(&repo, "repo")?;
        let digest = string_arg(&digest, "digest")?;
        let bytes = self.run(|r| r.pull_blob(&repo, &digest))?;
        Ok(js_sys::Uint8Array::from(bytes.as_slice()))
    }

    /// Pushes an image: `layers` is an array of `{name, bytes}` or `{syntheticSizeBytes, seed?}`.
    #[wasm_bindgen(js_name = pushImage)]
    pub fn push_image(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] tag: JsValue,
        #[wasm_bindgen(
            unchecked_param_type = "Array<{name?: string, bytes: Uint8Array | ArrayBuffer | string} | {syntheticSizeBytes: number, seed?: number}>"
        )]
        layers: JsValue,
    ) -> Result<JsValue, JsValue> {
        let repo = string_arg(&repo, "repo")?;
        let tag = string_arg(&tag, "tag")?;
        let inputs = layer_inputs(&layers)?;
        to_js(&self.run(|r| r.push_image(&repo, &tag, inputs))?)
    }

    /// Adds a replica in `region` (Premium): Creating, then Syncing, then Ready.
    #[wasm_bindgen(js_name = addReplica)]
    pub fn add_replica(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] region: JsValue,
    ) -> Result<JsValue, JsValue> {
        let region = string_arg(&region, "region")?;
        to_js(&self.run(|r| r.add_replica(&region))?)
    }

    /// Removes a replica (never the home one) with its data.
    #[wasm_bindgen(js_name = removeReplica)]
    pub fn remove_replica(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] region: JsValue,
    ) -> Result<JsValue, JsValue> {
        let region = string_arg(&region, "region")?;
        to_js(&self.run(|r| r.remove_replica(&region))?)
    }

    /// Takes a replica out of the global endpoint's routing (it keeps syncing), or back in.
    #[wasm_bindgen(js_name = setReplicaRouting)]
    pub fn set_replica_routing(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] region: JsValue,
        #[wasm_bindgen(unchecked_param_type = "boolean")] enabled: JsValue,
    ) -> Result<JsValue, JsValue> {
        let region = string_arg(&region, "region")?;
        let enabled = bool_arg(&enabled, "enabled")?;
        to_js(&self.run(|r| r.set_replica_routing(&region, enabled))?)
    }

    /// Every replica, home first: `[{region, displayName, home, state, routingEnabled,
    /// createdAtMs, readyAtMs, syncingChanges, inboundChanges, lagMs, repositories, manifests,
    /// billedBytes, latencyFromHomeMs}]`.
    pub fn replicas(&self) -> Result<JsValue, JsValue> {
        to_js(&self.shared().borrow().replicas())
    }

    /// Changes on their way between replicas, soonest first (at most `n`, default 200):
    /// `[{from, to, what, departedAtMs, arrivesAtMs (null while a fault holds it), initialSync}]`.
    #[wasm_bindgen(js_name = inFlight)]
    pub fn in_flight(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] n: JsValue,
    ) -> Result<JsValue, JsValue> {
        let n = opt_whole_arg(&n, "n", ErrorCode::InvalidArgument)?.unwrap_or(200);
        to_js(&self.shared().borrow().replication_in_flight(n.min(10_000) as usize))
    }

    /// Adds a client in `region`: `{name, region, dnsCache?, identity?}`. A handle from
    /// `client(name)` then routes each request to the nearest routable replica.
    #[wasm_bindgen(js_name = addClient)]
    pub fn add_client(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "{name: string, region: string, dnsCache?: boolean, identity?: string}"
        )]
        spec: JsValue,
    ) -> Result<JsValue, JsValue> {
        object_arg(&spec, "spec")?;
        check_keys(&spec, &["name", "region", "dnsCache", "identity"], "a client")?;
        let spec: JsClient =
            serde_wasm_bindgen::from_value(spec).map_err(|e| invalid_argument(format!("bad client: {e}")))?;
        let client = self.run(|r| {
            r.add_client(&spec.name, &spec.region, spec.dns_cache.unwrap_or(true), spec.identity.as_deref())
        })?;
        to_js(&client)
    }

    pub fn clients(&self) -> Result<JsValue, JsValue> {
        to_js(&self.shared().borrow().clients())
    }

    /// A client's push, one routed request at a time: `{client, requests: [{request, region,
    /// error}], digest, error, errorCode}`. A failed request stops it; earlier ones stay.
    #[wasm_bindgen(js_name = clientPushImage)]
    pub fn client_push_image(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] client: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] tag: JsValue,
        #[wasm_bindgen(
            unchecked_param_type = "Array<{name?: string, bytes: Uint8Array | ArrayBuffer | string} | {syntheticSizeBytes: number, seed?: number}>"
        )]
        layers: JsValue,
    ) -> Result<JsValue, JsValue> {
        let client = string_arg(&client, "client")?;
        let repo = string_arg(&repo, "repo")?;
        let tag = string_arg(&tag, "tag")?;
        let inputs = layer_inputs(&layers)?;
        to_js(&self.run(|r| r.client_push_image(&client, &repo, &tag, inputs))?)
    }

    /// A client's pull (manifest, then each blob), each request routed; same report shape.
    #[wasm_bindgen(js_name = clientPullImage)]
    pub fn client_pull_image(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] client: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] reference: JsValue,
    ) -> Result<JsValue, JsValue> {
        let client = string_arg(&client, "client")?;
        let repo = string_arg(&repo, "repo")?;
        let reference = string_arg(&reference, "reference")?;
        to_js(&self.run(|r| r.client_pull_image(&client, &repo, &reference))?)
    }

    /// `{repositories, next}`; pass `next` as `last` for the following page.
    pub fn catalog(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] n: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] last: JsValue,
    ) -> Result<JsValue, JsValue> {
        let n = opt_whole_arg(&n, "n", ErrorCode::PaginationNumberInvalid)?;
        let last = opt_string_arg(&last, "last")?;
        to_js(&self.run(|r| r.catalog(n, last.as_deref()))?)
    }

    /// `{name, tags, next}`.
    pub fn tags(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] n: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] last: JsValue,
    ) -> Result<JsValue, JsValue> {
        let repo = string_arg(&repo, "repo")?;
        let n = opt_whole_arg(&n, "n", ErrorCode::PaginationNumberInvalid)?;
        let last = opt_string_arg(&last, "last")?;
        to_js(&self.run(|r| r.tags(&repo, n, last.as_deref()))?)
    }

    /// Every manifest in a repository, tagged or not, with its layers.
    pub fn manifests(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
    ) -> Result<JsValue, JsValue> {
        let repo = string_arg(&repo, "repo")?;
        to_js(&self.run(|r| r.manifests(&repo))?)
    }

    /// Removes a tag only; returns the digest it pointed to (which stays stored).
    pub fn untag(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] tag: JsValue,
    ) -> Result<String, JsValue> {
        let repo = string_arg(&repo, "repo")?;
        let tag = string_arg(&tag, "tag")?;
        self.run(|r| r.untag(&repo, &tag)).map(|d| d.to_string())
    }

    /// Deletes a manifest by digest (or by tag: the manifest it points to) with all its tags.
    #[wasm_bindgen(js_name = deleteManifest)]
    pub fn delete_manifest(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] reference: JsValue,
    ) -> Result<JsValue, JsValue> {
        let repo = string_arg(&repo, "repo")?;
        let reference = string_arg(&reference, "reference")?;
        to_js(&self.run(|r| r.delete_manifest(&repo, &reference))?)
    }

    #[wasm_bindgen(js_name = deleteRepository)]
    pub fn delete_repository(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
    ) -> Result<JsValue, JsValue> {
        let repo = string_arg(&repo, "repo")?;
        to_js(&self.run(|r| r.delete_repository(&repo))?)
    }

    /// `{accounts: [{name, logicalBytes, sealedBytes, records}], totalLogicalBytes, …}`.
    pub fn usage(&self) -> Result<JsValue, JsValue> {
        to_js(&self.shared().borrow().usage())
    }

    /// Storage per repository, a page at a time in catalog order: `{repositories: [{name, tags,
    /// manifests, untagged, blobs, linkedBytes, uniqueBytes}], next}`. `uniqueBytes` is what
    /// deleting the repository would release.
    #[wasm_bindgen(js_name = repositoryUsage)]
    pub fn repository_usage(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] n: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] last: JsValue,
    ) -> Result<JsValue, JsValue> {
        let n = opt_whole_arg(&n, "n", ErrorCode::PaginationNumberInvalid)?;
        let last = opt_string_arg(&last, "last")?;
        to_js(&self.run(|r| r.repository_usage(n, last.as_deref()))?)
    }

    /// Every record of every storage account: `{account, key, kind, digest, keyId, nonce,
    /// wrappedKey, ciphertext, logicalBytes}`, bytes as `Uint8Array`.
    #[wasm_bindgen(js_name = storageRecords)]
    pub fn storage_records(&self) -> Result<JsValue, JsValue> {
        to_js(&self.shared().borrow().storage_records())
    }

    /// A blob's sealed form beside the first bytes of its plaintext.
    #[wasm_bindgen(js_name = sealView)]
    pub fn seal_view(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] digest: JsValue,
    ) -> Result<JsValue, JsValue> {
        let repo = string_arg(&repo, "repo")?;
        let digest = string_arg(&digest, "digest")?;
        to_js(&self.run(|r| r.seal_view(&repo, &digest))?)
    }

    /// Flips one bit of a stored record's primary copy (`key` from `storageRecords`).
    #[wasm_bindgen(js_name = tamperRecord)]
    pub fn tamper_record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] bit: JsValue,
    ) -> Result<(), JsValue> {
        let key = string_arg(&key, "key")?;
        let bit = whole_arg(&bit, "bit", ErrorCode::InvalidArgument)?;
        self.run(|r| r.tamper_record(&key, bit))
    }

    /// The registry's region, its pair, the geo lag and per storage account the recovery point
    /// window: `{region, regionDisplayName, paired, localGeoOnly, geoLagMs, accounts: [{name,
    /// failure, uncopiedRecords, uncopiedBytes, windowMs, lostRecords, lostBytes}]}`.
    #[wasm_bindgen(js_name = geoStorage)]
    pub fn geo_storage(&self) -> Result<JsValue, JsValue> {
        to_js(&self.shared().borrow().geo_storage())
    }

    /// Sets how long after a write its copy reaches the paired region (at most 30 days).
    #[wasm_bindgen(js_name = setGeoLag)]
    pub fn set_geo_lag(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] ms: JsValue,
    ) -> Result<JsValue, JsValue> {
        let ms = whole_arg(&ms, "ms", ErrorCode::InvalidArgument)?;
        to_js(&self.run(|r| r.set_geo_lag(engine::Millis(ms)))?)
    }

    /// Injects a fault: `{kind: 'storageAccountFailure', account, destroyed}`, `{kind:
    /// 'regionStorageFailure', destroyed}` or `{kind: 'bitRot', key, copy: 'primary' |
    /// 'secondary', bit}`, starting after `delayMs` (default now) and healing by itself after
    /// `durationMs` if given. Returns the fault as the timeline shows it.
    #[wasm_bindgen(js_name = injectFault)]
    pub fn inject_fault(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "{kind: string, delayMs?: number, durationMs?: number, [key: string]: unknown}"
        )]
        fault: JsValue,
        #[wasm_bindgen(js_name = "delayMs", unchecked_optional_param_type = "number | null")]
        delay_ms: JsValue,
        #[wasm_bindgen(js_name = "durationMs", unchecked_optional_param_type = "number | null")] duration_ms: JsValue,
    ) -> Result<u32, JsValue> {
        let fault = object_arg(&fault, "fault")?;
        // The arguments' ranges are checked here too, before the fault's contents.
        let delay_ms = opt_whole_arg(&delay_ms, "delayMs", ErrorCode::InvalidArgument)?;
        let duration_ms = opt_whole_arg(&duration_ms, "durationMs", ErrorCode::InvalidArgument)?;
        // `delayMs` and `durationMs` may also be given inside the fault object (read from a
        // copy: the caller's object is left as it was).
        let copy = js_sys::Object::new();
        js_sys::Object::assign(&copy, fault);
        let take = |key: &str| -> Result<Option<f64>, JsValue> {
            let value = js_sys::Reflect::get(&copy, &key.into()).unwrap_or(JsValue::UNDEFINED);
            if value.is_undefined() {
                return Ok(None);
            }
            let _ = js_sys::Reflect::delete_property(&copy, &key.into());
            number_arg(&value, key).map(Some)
        };
        let inner_delay = take("delayMs")?;
        let inner_duration = take("durationMs")?;
        let fault: engine::FaultKind = serde_wasm_bindgen::from_value(copy.into())
            .map_err(|e| invalid_argument(format!("bad fault: {e}")))?;
        // An argument wins over the same key in the fault (whose value is then not used).
        let inner = |v: Option<f64>, what| v.map(|d| whole(d, what, ErrorCode::InvalidArgument)).transpose();
        let delay = match delay_ms {
            Some(d) => d,
            None => inner(inner_delay, "delayMs")?.unwrap_or(0),
        };
        let duration = match duration_ms {
            Some(d) => Some(d),
            None => inner(inner_duration, "durationMs")?,
        };
        Ok(self.run(|r| r.inject_fault(fault, engine::Millis(delay), duration.map(engine::Millis)))?.id)
    }

    /// Heals a fault now (`heal` is the same call).
    pub fn heal(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.heal_fault(id)
    }

    /// Heals every fault that is active or scheduled; returns how many.
    #[wasm_bindgen(js_name = healAll)]
    pub fn heal_all(&self) -> Result<u32, JsValue> {
        self.run(|r| Ok(r.heal_all() as u32))
    }

    /// Heals a fault now.
    #[wasm_bindgen(js_name = healFault)]
    pub fn heal_fault(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] id: JsValue,
    ) -> Result<JsValue, JsValue> {
        let id = whole_u32_arg(&id, "id")?;
        to_js(&self.run(|r| r.heal_fault(id))?)
    }

    /// The fault timeline: `[{id, fault, text, colour, startsAtMs, endsAtMs, state, healedAtMs}]`.
    pub fn faults(&self) -> Result<JsValue, JsValue> {
        to_js(&self.shared().borrow().faults())
    }

    /// The event log, oldest first: `{seq, atMs, kind, text, …}`; from sequence number `from`
    /// (default: the oldest kept), at most `n` (default: all kept, up to 10,000).
    pub fn events(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] from: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] n: JsValue,
    ) -> Result<JsValue, JsValue> {
        let from = opt_whole_arg(&from, "from", ErrorCode::InvalidArgument)?.unwrap_or(0);
        let n = opt_whole_arg(&n, "n", ErrorCode::InvalidArgument)?.unwrap_or(u64::MAX);
        let reg = self.shared();
        let r = reg.borrow();
        let events: Vec<&engine::Event> =
            r.events().filter(|e| e.seq >= from).take(n.min(usize::MAX as u64) as usize).collect();
        to_js(&events)
    }

    /// `{tier, storageEra, includedBytes, limitBytes}`.
    #[wasm_bindgen(js_name = tier)]
    pub fn tier_view(&self) -> Result<JsValue, JsValue> {
        to_js(&self.shared().borrow().tier())
    }

    /// Changes the tier ('Basic', 'Standard', 'Premium') with no downtime; a downgrade whose
    /// storage limit the billed bytes exceed is refused (405).
    #[wasm_bindgen(js_name = setTier)]
    pub fn set_tier(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] tier: JsValue,
    ) -> Result<JsValue, JsValue> {
        let tier = string_arg(&tier, "tier")?;
        to_js(&self.run(|r| r.set_tier(&tier))?)
    }

    /// The daily cost now, in integer micro-dollars: `{tier, billedBytes, overageBytes,
    /// tierFeeMicroUsd, overageMicroUsd, totalMicroUsdPerDay, priceSource}`.
    pub fn cost(&self) -> Result<JsValue, JsValue> {
        to_js(&self.shared().borrow().cost())
    }

    /// The request-rate limits in force: `{model, burstSeconds, categories: [{category, name,
    /// limit: {perRegistry, perIdentity}, available, capacity, admitted, throttled}],
    /// identities, downloadBytesPerS, uploadBytesPerS}`.
    #[wasm_bindgen(js_name = rateLimits)]
    pub fn rate_limits(&self) -> Result<JsValue, JsValue> {
        to_js(&self.shared().borrow().throttle_view())
    }

    /// A cluster scaling out: `nodes` (1–10,000) clients pull the image at once (2 + layers reads each),
    /// all as identity `cluster` when `sharedIdentity` (as AKS nodes), else `node-1`….
    /// Returns `{nodes, completed, throttled, retryAfterMaxS, firstThrottledNode,
    /// readsPerNode, bytesPerNode, tookMs}`.
    #[wasm_bindgen(js_name = scaleOutPull)]
    pub fn scale_out_pull(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] reference: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] nodes: JsValue,
        #[wasm_bindgen(js_name = "sharedIdentity", unchecked_optional_param_type = "boolean | null")]
        shared_identity: JsValue,
    ) -> Result<JsValue, JsValue> {
        let repo = string_arg(&repo, "repo")?;
        let reference = string_arg(&reference, "reference")?;
        let nodes = whole_u32_arg(&nodes, "nodes")?;
        let shared_identity = opt_bool_arg(&shared_identity, "sharedIdentity")?;
        to_js(&self.run(|r| r.scale_out_pull(&repo, &reference, nodes, shared_identity.unwrap_or(false)))?)
    }

    /// Switches the rate model: "2026" (token buckets), "2019" (per-minute table) or "off".
    #[wasm_bindgen(js_name = setRateModel)]
    pub fn set_rate_model(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] model: JsValue,
    ) -> Result<JsValue, JsValue> {
        let model = string_arg(&model, "model")?;
        to_js(&self.run(|r| r.set_rate_model(&model))?)
    }

    /// The key: `{kind, state, rotation, inUse, versions: [{version, keyId, createdAtMs,
    /// wrappedDataKeys, records, logicalBytes, inUse}], holdsKeyMaterial, clientSees,
    /// pendingAdoption}`.
    #[wasm_bindgen(js_name = keyVault)]
    pub fn key_vault(&self) -> Result<JsValue, JsValue> {
        to_js(&self.shared().borrow().key_vault())
    }

    /// Creates a new version of the customer-managed key in its vault.
    #[wasm_bindgen(js_name = addKeyVersion)]
    pub fn add_key_version(&self) -> Result<JsValue, JsValue> {
        to_js(&self.run(|r| r.add_key_version())?)
    }

    /// Pins `version` (manual rotation), or with no version switches to automatic rotation.
    #[wasm_bindgen(js_name = rotateKey)]
    pub fn rotate_key(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] version: JsValue,
    ) -> Result<JsValue, JsValue> {
        let version = opt_whole_u32_arg(&version, "version")?;
        to_js(&self.run(|r| r.rotate_key(version))?)
    }

    /// Disables the key: every push and pull fails (403) until `restoreKey(backup)`. Returns
    /// the backup: the key material, which no longer exists inside the registry.
    #[wasm_bindgen(js_name = disableKey)]
    pub fn disable_key(&self) -> Result<String, JsValue> {
        self.run(|r| r.disable_key()).map(|b| b.as_str().to_string())
    }

    /// Deletes the key (recoverable: returns the backup).
    #[wasm_bindgen(js_name = deleteKey)]
    pub fn delete_key(&self) -> Result<String, JsValue> {
        self.run(|r| r.delete_key()).map(|b| b.as_str().to_string())
    }

    /// Revokes the registry identity's access to the key (returns the backup).
    #[wasm_bindgen(js_name = revokeKeyAccess)]
    pub fn revoke_key_access(&self) -> Result<String, JsValue> {
        self.run(|r| r.revoke_key_access()).map(|b| b.as_str().to_string())
    }

    /// Restores access with the backup a disable, delete or revoke returned.
    #[wasm_bindgen(js_name = restoreKey)]
    pub fn restore_key(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] backup: JsValue,
    ) -> Result<JsValue, JsValue> {
        let backup = string_arg(&backup, "backup")?;
        to_js(&self.run(|r| r.restore_key(&backup))?)
    }

    /// The retention policy for untagged manifests (Premium): `enabled`, `days` 0–365
    /// (default 7). Returns `{enabled, days, queued: [{repo, digest, untaggedAtMs, dueAtMs}],
    /// queuedTotal}`.
    #[wasm_bindgen(js_name = setRetentionPolicy)]
    pub fn set_retention_policy(
        &self,
        #[wasm_bindgen(unchecked_param_type = "boolean")] enabled: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] days: JsValue,
    ) -> Result<JsValue, JsValue> {
        let enabled = bool_arg(&enabled, "enabled")?;
        let days = opt_whole_u32_arg(&days, "days")?;
        to_js(&self.run(|r| r.set_retention_policy(enabled, days))?)
    }

    /// The retention policy and its queued deletes (the first `n`, default 100).
    pub fn retention(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] n: JsValue,
    ) -> Result<JsValue, JsValue> {
        let n = opt_whole_arg(&n, "n", ErrorCode::InvalidArgument)?.unwrap_or(100);
        to_js(&self.shared().borrow().retention_view(n.min(10_000) as usize))
    }

    /// Webhooks, private endpoints and content trust: `{tier, webhooks: [{name, actions, scope,
    /// delivered, recent}], webhooksMax, privateEndpoints, privateEndpointsMax, contentTrust}`.
    pub fn features(&self) -> Result<JsValue, JsValue> {
        to_js(&self.shared().borrow().features())
    }

    /// Adds a webhook (2 / 10 / 500 per tier) for `actions` (["push", "delete"]), optionally
    /// only for repository `scope`, on the replica in `region` (default: home): it fires when
    /// the push or delete has arrived there, one virtual second later.
    #[wasm_bindgen(js_name = addWebhook)]
    pub fn add_webhook(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string[]")] actions: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] scope: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] region: JsValue,
    ) -> Result<JsValue, JsValue> {
        let name = string_arg(&name, "name")?;
        let actions = string_array_arg(&actions, "actions")?;
        let scope = opt_string_arg(&scope, "scope")?;
        let region = opt_string_arg(&region, "region")?;
        let actions: Vec<&str> = actions.iter().map(String::as_str).collect();
        to_js(&self.run(|r| match &region {
            Some(region) => r.add_regional_webhook(&name, &actions, scope.as_deref(), region),
            None => r.add_webhook(&name, &actions, scope.as_deref()),
        })?)
    }

    #[wasm_bindgen(js_name = removeWebhook)]
    pub fn remove_webhook(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    ) -> Result<JsValue, JsValue> {
        let name = string_arg(&name, "name")?;
        to_js(&self.run(|r| r.remove_webhook(&name))?)
    }

    /// Adds a private endpoint (Premium, up to 200).
    #[wasm_bindgen(js_name = addPrivateEndpoint)]
    pub fn add_private_endpoint(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    ) -> Result<JsValue, JsValue> {
        let name = string_arg(&name, "name")?;
        to_js(&self.run(|r| r.add_private_endpoint(&name))?)
    }

    #[wasm_bindgen(js_name = removePrivateEndpoint)]
    pub fn remove_private_endpoint(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    ) -> Result<JsValue, JsValue> {
        let name = string_arg(&name, "name")?;
        to_js(&self.run(|r| r.remove_private_endpoint(&name))?)
    }

    /// Content trust (Premium; refused with a customer-managed key).
    #[wasm_bindgen(js_name = setContentTrust)]
    pub fn set_content_trust(
        &self,
        #[wasm_bindgen(unchecked_param_type = "boolean")] enabled: JsValue,
    ) -> Result<JsValue, JsValue> {
        let enabled = bool_arg(&enabled, "enabled")?;
        to_js(&self.run(|r| r.set_content_trust(enabled))?)
    }

    /// Soft delete (all tiers, not with retention): `enabled`, `days` 1–90 (default 7).
    /// Returns `{enabled, days, items: [{repo, digest, tag, manifestDeleted, deletedAtMs,
    /// purgeAtMs}], itemsTotal, nextPurgeAtMs}`.
    #[wasm_bindgen(js_name = setSoftDeletePolicy)]
    pub fn set_soft_delete_policy(
        &self,
        #[wasm_bindgen(unchecked_param_type = "boolean")] enabled: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] days: JsValue,
    ) -> Result<JsValue, JsValue> {
        let enabled = bool_arg(&enabled, "enabled")?;
        let days = opt_whole_u32_arg(&days, "days")?;
        to_js(&self.run(|r| r.set_soft_delete_policy(enabled, days))?)
    }

    /// The soft-delete policy and the first `n` (default 100) items in the bins, newest first.
    #[wasm_bindgen(js_name = softDeleted)]
    pub fn soft_deleted(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] n: JsValue,
    ) -> Result<JsValue, JsValue> {
        let n = opt_whole_arg(&n, "n", ErrorCode::InvalidArgument)?.unwrap_or(100);
        to_js(&self.shared().borrow().soft_delete_view(n.min(10_000) as usize))
    }

    /// Restores `repo:tag` → `digest` from the soft-delete bin; `force` overwrites a tag that
    /// now points elsewhere (the overwritten tag goes to the bin).
    #[wasm_bindgen(js_name = restoreSoftDeleted)]
    pub fn restore_soft_deleted(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] tag: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] digest: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean | null")] force: JsValue,
    ) -> Result<(), JsValue> {
        let repo = string_arg(&repo, "repo")?;
        let tag = string_arg(&tag, "tag")?;
        let digest = string_arg(&digest, "digest")?;
        let force = opt_bool_arg(&force, "force")?;
        self.run(|r| r.restore_soft_deleted(&repo, &tag, &digest, force.unwrap_or(false)))
    }

    /// Sets lock attributes on a repository (`reference` null), a tag or a manifest (digest):
    /// `{writeEnabled?, deleteEnabled?, readEnabled?, listEnabled?}`; returns the attributes
    /// now in force. Violations later throw `REGISTRY_DISALLOWED_OPERATION` (405).
    #[wasm_bindgen(js_name = setAttributes)]
    pub fn set_attributes(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] reference: JsValue,
        #[wasm_bindgen(
            unchecked_param_type = "{writeEnabled?: boolean, deleteEnabled?: boolean, readEnabled?: boolean, listEnabled?: boolean}"
        )]
        patch: JsValue,
    ) -> Result<JsValue, JsValue> {
        let repo = string_arg(&repo, "repo")?;
        let reference = opt_string_arg(&reference, "reference")?;
        object_arg(&patch, "patch")?;
        check_keys(&patch, &["writeEnabled", "deleteEnabled", "readEnabled", "listEnabled"], "attributes")?;
        let patch: engine::AttributePatch = serde_wasm_bindgen::from_value(patch)
            .map_err(|e| invalid_argument(format!("bad attributes (each must be true or false): {e}")))?;
        to_js(&self.run(|r| r.set_attributes(&repo, reference.as_deref(), &patch))?)
    }

    /// The attributes of a repository (`reference` omitted), a tag or a manifest.
    pub fn attributes(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] repo: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] reference: JsValue,
    ) -> Result<JsValue, JsValue> {
        let repo = string_arg(&repo, "repo")?;
        let reference = opt_string_arg(&reference, "reference")?;
        to_js(&self.run(|r| r.attributes(&repo, reference.as_deref()))?)
    }

    /// The running SHA-256 of the event log (64 hex digits): the same script and seed give the
    /// same hash here and natively.
    #[wasm_bindgen(js_name = eventLogHash)]
    pub fn event_log_hash(&self) -> String {
        self.shared().borrow().event_log_hash()
    }

    /// The virtual time, in milliseconds since the registry was created.
    pub fn now(&self) -> f64 {
        self.shared().borrow().now().0 as f64
    }

    /// Moves the virtual clock forward by `ms`, running every job due meanwhile (garbage
    /// collection today); returns how many ran. `runFor` is the same call.
    pub fn advance(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] ms: JsValue,
    ) -> Result<u32, JsValue> {
        let ms = whole_arg(&ms, "ms", ErrorCode::InvalidArgument)?;
        self.run(|r| Ok(r.run_for(engine::Millis(ms)) as u32))
    }

    #[wasm_bindgen(js_name = runFor)]
    pub fn run_for(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] ms: JsValue,
    ) -> Result<u32, JsValue> {
        self.advance(ms)
    }

    /// Runs the next queued job, moving the clock to its time; returns that time, or null when
    /// nothing is queued.
    pub fn step(&self) -> Result<JsValue, JsValue> {
        let at = self.run(|r| Ok(r.step()))?;
        Ok(at.map_or(JsValue::NULL, |t| JsValue::from(t.0 as f64)))
    }

    /// Runs jobs until none is queued; returns how many ran.
    #[wasm_bindgen(js_name = runUntilIdle)]
    pub fn run_until_idle(&self) -> Result<u32, JsValue> {
        self.run(|r| Ok(r.run_until_idle() as u32))
    }

    /// The next `n` (default 100) queued jobs: `{atMs, kind, target}`, in the order they run.
    #[wasm_bindgen(js_name = pendingJobs)]
    pub fn pending_jobs(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] n: JsValue,
    ) -> Result<JsValue, JsValue> {
        let n = opt_whole_arg(&n, "n", ErrorCode::InvalidArgument)?.unwrap_or(100);
        to_js(&self.shared().borrow().pending_jobs(n.min(10_000) as usize))
    }

    /// The registry's tagged OCI images (or one repository's) as an OCI image layout in a tar
    /// (`skopeo copy oci-archive:FILE:REPO:TAG ...` reads it): `{bytes: Uint8Array, images,
    /// skipped: [{image, reason}, ...]}` — Docker images (export those with
    /// `exportDockerArchive`) and images with synthetic layers are left out, each with its reason.
    #[wasm_bindgen(js_name = exportOciLayout)]
    pub fn export_oci_layout(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] repo: JsValue,
    ) -> Result<JsValue, JsValue> {
        let repo = opt_string_arg(&repo, "repo")?;
        let export = self.shared().borrow().export_oci_layout(repo.as_deref());
        export_js(export)
    }

    /// Imports an OCI image layout tar or a `docker save` tarball, every digest checked first;
    /// images without a repository name go to `defaultRepo` (default "imported"). Applies whole
    /// or not at all: `{format, images: [{repo, tag, digest}], blobs, blobBytes}`.
    #[wasm_bindgen(js_name = importArchive)]
    pub fn import_archive(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] bytes: JsValue,
        #[wasm_bindgen(js_name = "defaultRepo", unchecked_optional_param_type = "string | null")]
        default_repo: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (bytes, repo) = archive_args(&bytes, &default_repo)?;
        let report = self.run(|r| r.import_archive(&bytes, &repo))?;
        to_js(&report)
    }

    /// Starts an import (see `importArchive`) read a slice at a time, so a page stays
    /// answering: call `job.advance()` between frames until it says `ready`, then
    /// `job.finish()`. Nothing of the registry changes before that; drop the job (`job.free()`)
    /// to cancel. A file that is neither a tar nor gzip is refused here.
    #[wasm_bindgen(js_name = beginImport)]
    pub fn begin_import(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] bytes: JsValue,
        #[wasm_bindgen(js_name = "defaultRepo", unchecked_optional_param_type = "string | null")]
        default_repo: JsValue,
    ) -> Result<ArchiveImport, JsValue> {
        let (bytes, repo) = archive_args(&bytes, &default_repo)?;
        let job = engine::import::ImportJob::new(bytes, &repo).map_err(|e| to_js_error(&e))?;
        let registry =
            Registry { inner: Rc::clone(&self.inner), identity: self.identity.clone(), page: self.page };
        Ok(ArchiveImport { registry, job: RefCell::new(Some(job)) })
    }

    /// The registry's tagged Docker schema-2 images (or one repository's) as a `docker save`
    /// tarball (`docker load` and `skopeo copy docker-archive:FILE ...` read it): `{bytes:
    /// Uint8Array, images, skipped: [{image, reason}, ...]}` — OCI images (export those with
    /// `exportOciLayout`), other platforms of a manifest list and images with synthetic layers
    /// are left out, each with its reason. Reads only.
    #[wasm_bindgen(js_name = exportDockerArchive)]
    pub fn export_docker_archive(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] repo: JsValue,
    ) -> Result<JsValue, JsValue> {
        let repo = opt_string_arg(&repo, "repo")?;
        let export = self.shared().borrow().export_docker_archive(repo.as_deref());
        export_js(export)
    }

    /// Fills a new, empty registry with the large preset: `repos` repositories (default
    /// 100,000) of `tagsPerRepo` tags (default 10) over 1,000 shared images with synthetic
    /// layers. `{repositories, tags, images, billedBytes}`.
    #[wasm_bindgen(js_name = loadLargePreset)]
    pub fn load_large_preset(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] repos: JsValue,
        #[wasm_bindgen(js_name = "tagsPerRepo", unchecked_optional_param_type = "number | null")]
        tags_per_repo: JsValue,
    ) -> Result<JsValue, JsValue> {
        let repos = opt_whole_u32_arg(&repos, "repos")?.unwrap_or(100_000);
        let tags = opt_whole_u32_arg(&tags_per_repo, "tagsPerRepo")?.unwrap_or(10);
        let report = self.run(|r| r.load_large_preset(repos, tags))?;
        to_js(&report)
    }

    /// Starts loading the large preset a slice at a time: `{done, repositories, imagesDone,
    /// images}` (the first shared image is pushed now); call `continueLargePreset(n)` (e.g.
    /// once per animation frame) until `done == repositories`.
    #[wasm_bindgen(js_name = beginLargePreset)]
    pub fn begin_large_preset(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] repos: JsValue,
        #[wasm_bindgen(js_name = "tagsPerRepo", unchecked_optional_param_type = "number | null")]
        tags_per_repo: JsValue,
    ) -> Result<JsValue, JsValue> {
        let repos = opt_whole_u32_arg(&repos, "repos")?.unwrap_or(100_000);
        let tags = opt_whole_u32_arg(&tags_per_repo, "tagsPerRepo")?.unwrap_or(10);
        let progress = self.run(|r| r.begin_large_preset(repos, tags))?;
        to_js(&progress)
    }

    /// Does up to `units` more of the preset being loaded (a shared image counts 50 units, a
    /// repository 1; the images come first): `{done, repositories, imagesDone, images}`, or
    /// null when no load is under way. Throws if a push is refused part way (the load stops).
    #[wasm_bindgen(js_name = continueLargePreset)]
    pub fn continue_large_preset(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] units: JsValue,
    ) -> Result<JsValue, JsValue> {
        let n = whole_u32_arg(&units, "units")?;
        let progress = self.run(|r| r.continue_large_preset(n))?;
        to_js(&progress)
    }

    /// Samples over virtual time for charts: `{samples: [{atMs, billedBytes, storedBytes, reads,
    /// writes, lagMs: [per replica], pushesOk, pushesFailed, pullsOk, pullsFailed, stalePulls}],
    /// regions, includedBytes, limitBytes, readsPerMinuteLimit, writesPerMinuteLimit, everyMs}`.
    pub fn metrics(&self) -> Result<JsValue, JsValue> {
        to_js(&self.shared().borrow().metrics())
    }

    /// The session as JSON text: how the registry was made, every call since with its virtual
    /// time, and the uploaded bytes. `Registry.loadSession(text)` replays it to the same state.
    #[wasm_bindgen(js_name = saveSession)]
    pub fn save_session(&self) -> Result<String, JsValue> {
        self.shared().borrow().save_session().map_err(|e| to_js_error(&e))
    }

    /// A registry replayed from a saved session; refused whole (with the reason) if the text is
    /// damaged, from a newer Stowage, or replays to a different state than the one saved.
    #[wasm_bindgen(js_name = loadSession)]
    pub fn load_session(
        #[wasm_bindgen(unchecked_param_type = "string")] json: JsValue,
    ) -> Result<Registry, JsValue> {
        let json = string_arg(&json, "json")?;
        let r = engine::Registry::load_session(&json).map_err(|e| to_js_error(&e))?;
        Ok(Self { inner: Rc::new(RefCell::new(r)), identity: None, page: false })
    }

    /// A registry replayed from a session saved as a whole text and the parts saved after it,
    /// in order (as the page keeps it in IndexedDB: `current`, then `part:000001`, …); refused
    /// whole if a part is damaged or missing, or the whole replays to another state.
    #[wasm_bindgen(js_name = loadSessionParts)]
    pub fn load_session_parts(
        #[wasm_bindgen(unchecked_param_type = "string")] json: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string[]")] parts: JsValue,
    ) -> Result<Registry, JsValue> {
        let json = string_arg(&json, "json")?;
        let parts = string_array_arg(&parts, "parts")?;
        let r = engine::Registry::load_session_parts(&json, &parts).map_err(|e| to_js_error(&e))?;
        Ok(Self { inner: Rc::new(RefCell::new(r)), identity: None, page: false })
    }

    /// How much of what a saved session may hold this one takes: `{entries, entriesMax,
    /// uploadedBytes, uploadedBytesMax, textBytes, textBytesMax, used}` (`used`: the largest
    /// share, 0 to 1). A call that would take it past a limit is refused before it changes
    /// anything; the page warns from 80 %.
    #[wasm_bindgen(js_name = sessionBudget)]
    pub fn session_budget(&self) -> Result<JsValue, JsValue> {
        to_js(&self.shared().borrow().session_budget())
    }

    /// Lowers the limits this registry's session keeps to (`{entries?, uploadedBytes?,
    /// textBytes?}`; each at most what `loadSession` accepts, absent: that), for a session that
    /// must stay small; a call that would pass one is refused before it changes anything. Not
    /// part of the session: a registry replayed from it keeps the defaults (the page's own:
    /// a saved text of at most 448 MiB). Returns `sessionBudget()`.
    #[wasm_bindgen(js_name = setSessionLimits)]
    pub fn set_session_limits(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "{entries?: number, uploadedBytes?: number, textBytes?: number}"
        )]
        limits: JsValue,
    ) -> Result<JsValue, JsValue> {
        let o = object_arg(&limits, "limits")?;
        check_keys(&limits, &["entries", "uploadedBytes", "textBytes"], "limits")?;
        let d = engine::journal::SessionLimits::default();
        let field = |key: &str, default: u64| -> Result<u64, JsValue> {
            let v = js_sys::Reflect::get(o, &key.into()).unwrap_or(JsValue::UNDEFINED);
            if v.is_undefined() { Ok(default) } else { whole_arg(&v, key, ErrorCode::InvalidArgument) }
        };
        let limits = engine::journal::SessionLimits {
            entries: usize::try_from(field("entries", d.entries as u64)?).unwrap_or(usize::MAX),
            blob_bytes: field("uploadedBytes", d.blob_bytes)?,
            text_bytes: field("textBytes", d.text_bytes)?,
        };
        let reg = self.shared();
        let mut r = reg.try_borrow_mut().map_err(|_| invalid_argument("the registry is busy"))?;
        r.set_session_limits(limits);
        to_js(&r.session_budget())
    }

    /// The session log without the uploaded bytes: `{origin, entries: [{atMs, context?,
    /// commands: [{do, ...}]}]}`.
    #[wasm_bindgen(js_name = sessionLog)]
    pub fn session_log(&self) -> Result<JsValue, JsValue> {
        let reg = self.shared();
        let r = reg.borrow();
        let j = r.journal();
        #[derive(Serialize)]
        struct Log<'a> {
            origin: &'a Option<engine::journal::Origin>,
            entries: &'a [engine::journal::Entry],
            #[serde(rename = "blobBytes")]
            blob_bytes: u64,
        }
        to_js(&Log { origin: &j.origin, entries: &j.entries, blob_bytes: j.blob_bytes() })
    }

    /// Where the registry is in its run: `{nowMs, presentMs, inPast, entries, checkpoints,
    /// fork: {atMs, droppedEntries} | null}`.
    pub fn history(&self) -> Result<JsValue, JsValue> {
        to_js(&self.shared().borrow().history_view())
    }

    /// Shows the registry as it was at virtual time `ms` (rebuilt from checkpoints and the
    /// log). Going forward again replays the rest; doing anything there forks a new future.
    #[wasm_bindgen(js_name = travelTo)]
    pub fn travel_to(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] ms: JsValue,
    ) -> Result<JsValue, JsValue> {
        let ms = whole_arg(&ms, "ms", ErrorCode::InvalidArgument)?;
        self.travel(|r| r.travel_to(engine::Millis(ms)))
    }

    /// "Step back": the registry as it was at the last event before now.
    /// While looking at the past: the registry at the next moment something happens in the
    /// run (a queued job falls due or a call was made), keeping the rest of the run; at its end,
    /// back at the present. At the present it changes nothing. Returns the history view.
    #[wasm_bindgen(js_name = stepForward)]
    pub fn step_forward(&self) -> Result<JsValue, JsValue> {
        self.travel(|r| r.step_forward())
    }

    #[wasm_bindgen(js_name = stepBack)]
    pub fn step_back(&self) -> Result<JsValue, JsValue> {
        self.travel(|r| r.step_back())
    }

    /// Back to the end of the run after `travelTo`.
    #[wasm_bindgen(js_name = returnToPresent)]
    pub fn return_to_present(&self) -> Result<JsValue, JsValue> {
        self.travel(|r| r.return_to_present())
    }

    /// Recounts all accounting from scratch; throws if any kept number differs (a bug).
    pub fn audit(&self) -> Result<(), JsValue> {
        self.shared().borrow().audit().map_err(|e| {
            to_js_error(&RegistryError::new(ErrorCode::Unknown, format!("accounting audit failed: {e}")))
        })
    }
}

/// An archive import being read (`registry.beginImport`): nothing of the registry changes
/// until `job.finish()`.
#[wasm_bindgen]
pub struct ArchiveImport {
    /// The handle it was begun on: it imports there, as that handle's identity.
    registry: Registry,
    job: RefCell<Option<engine::import::ImportJob>>,
}

#[wasm_bindgen]
impl ArchiveImport {
    /// Reads up to `budgetBytes` more of the archive (default 512 KiB, about 15 ms of work):
    /// `{step, doneBytes, totalBytes, fraction, ready}`; `step` is `hashing`, `inflating`,
    /// `checking` or `ready` (`progress()` says `refused` after a refusal). A refused archive
    /// throws its error, now and at every later call.
    pub fn advance(
        &self,
        #[wasm_bindgen(js_name = "budgetBytes", unchecked_optional_param_type = "number | null")]
        budget_bytes: JsValue,
    ) -> Result<JsValue, JsValue> {
        let budget = opt_whole_arg(&budget_bytes, "budgetBytes", ErrorCode::InvalidArgument)?
            .unwrap_or(512 << 10)
            .clamp(1, 1 << 30) as usize;
        let mut slot = self.job.try_borrow_mut().map_err(|_| invalid_argument("the import is busy"))?;
        let job = slot.as_mut().ok_or_else(finished)?;
        let ready = job.advance(budget).map_err(|e| to_js_error(&e))?;
        import_progress(&job.progress(), ready)
    }

    /// How far the import has got, as `advance` says it.
    pub fn progress(&self) -> Result<JsValue, JsValue> {
        let slot = self.job.try_borrow().map_err(|_| invalid_argument("the import is busy"))?;
        let p = slot.as_ref().ok_or_else(finished)?.progress();
        import_progress(&p, p.step == "ready")
    }

    /// Imports what was read (what is left is read now, at once) into the registry it was
    /// begun on, as `importArchive` does: whole or not at all, `{format, gzip, images, blobs,
    /// blobBytes}`. The job is spent, imported or refused.
    pub fn finish(&self) -> Result<JsValue, JsValue> {
        let taken = self.job.try_borrow_mut().ok().and_then(|mut j| j.take());
        let job = taken.ok_or_else(finished)?;
        let report = self.registry.run(|r| r.import_prepared(job))?;
        to_js(&report)
    }
}

fn finished() -> JsValue {
    invalid_argument("this import was finished already")
}

/// An import's arguments: the archive's bytes, and the repository unnamed images go to
/// (default "imported").
fn archive_args(bytes: &JsValue, default_repo: &JsValue) -> Result<(Vec<u8>, String), JsValue> {
    let bytes = bytes_of(bytes, "bytes")?;
    let repo = opt_string_arg(default_repo, "defaultRepo")?.unwrap_or_else(|| "imported".into());
    Ok((bytes, repo))
}

fn import_progress(p: &engine::import::ImportProgress, ready: bool) -> Result<JsValue, JsValue> {
    let out = to_js(p)?;
    let _ = js_sys::Reflect::set(&out, &"ready".into(), &ready.into());
    Ok(out)
}

/// The page's live registry, scriptable from the console (`stowage.page()`): what you do
/// through it shows in the page at once. Take a fresh handle after "New registry".
#[wasm_bindgen]
pub fn page() -> Result<Registry, JsValue> {
    let inner = crate::ui::live_registry().ok_or_else(|| invalid_argument("the page has no registry yet"))?;
    Ok(Registry { inner, identity: None, page: true })
}

/// Mounts the Stowage page into `root`.
#[wasm_bindgen(js_name = mountApp)]
pub fn mount_app(#[wasm_bindgen(unchecked_param_type = "Element")] root: JsValue) -> Result<(), JsValue> {
    let root = root.dyn_into::<web_sys::Element>().map_err(|v| wrong_type("root", "an Element", &v))?;
    crate::ui::mount(root);
    Ok(())
}

/// Plays the workload benchmark (the same scenario as the native `cargo run --release
/// --example bench`): `operations` client pushes and pulls on a two-region registry. Returns
/// `{operations, pushes, pulls, events, ms, opsPerS}`.
#[wasm_bindgen(js_name = benchmarkWorkload)]
pub fn benchmark_workload(
    #[wasm_bindgen(unchecked_param_type = "number")] operations: JsValue,
) -> Result<JsValue, JsValue> {
    let operations = whole_arg(&operations, "operations", ErrorCode::InvalidArgument)?.clamp(1, 10_000_000);
    let perf = web_sys::window().and_then(|w| w.performance());
    let now = move || perf.as_ref().map_or(0.0, |p| p.now());
    let f = crate::engine::bench::workload(operations, &now).map_err(invalid_argument)?;
    let out = js_sys::Object::new();
    for (k, v) in [
        ("operations", f.operations as f64),
        ("pushes", f.pushes as f64),
        ("pulls", f.pulls as f64),
        ("events", f.events as f64),
        ("ms", f.ms),
        ("opsPerS", f.ops_per_s()),
    ] {
        let _ = js_sys::Reflect::set(&out, &k.into(), &v.into());
    }
    Ok(out.into())
}

/// Measures push (hash + seal) and pull (open + verify) throughput in this page, beside raw
/// SHA-256 and AES-256-GCM on the same buffer: a text table, MB/s, best of `rounds`.
#[wasm_bindgen]
pub fn benchmark(
    #[wasm_bindgen(js_name = "sizeBytes", unchecked_param_type = "number")] size_bytes: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] rounds: JsValue,
) -> Result<String, JsValue> {
    let size = whole_arg(&size_bytes, "sizeBytes", ErrorCode::InvalidArgument)?.clamp(1, 256 << 20) as usize;
    let rounds = whole_arg(&rounds, "rounds", ErrorCode::InvalidArgument)?.clamp(1, 50) as usize;
    let perf = web_sys::window().and_then(|w| w.performance());
    let now = move || perf.as_ref().map_or(0.0, |p| p.now());
    Ok(crate::engine::bench::report(&crate::engine::bench::run(size, rounds, &now)))
}
