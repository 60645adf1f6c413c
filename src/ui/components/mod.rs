//! Display-only components: each takes a snapshot and `on_action`, renders, and sends actions.

mod accounts;
mod archives;
mod blob;
mod catalog;
mod charts;
mod clients;
mod clock;
mod confirm;
mod download;
mod events;
mod faults;
mod features;
mod geo_map;
mod guide;
mod header;
mod intro;
mod key_vault;
mod keys;
mod language;
mod locks;
mod manifest;
mod new_registry;
mod oracle;
mod policy_form;
mod preset;
mod push_form;
mod rates;
mod replicas;
mod retention;
mod scenario;
mod scrubber;
mod session;
mod soft_delete;
mod stage;
mod status;
mod tier;
mod world;

pub use accounts::Accounts;
pub use catalog::Catalog;
pub use charts::Charts;
pub use clients::ClientsPanel;
pub use clock::ClockBar;
pub use confirm::ConfirmDialog;
pub use download::DownloadProgress;
pub use events::EventLog;
pub use faults::FaultTimeline;
pub use features::FeaturesPanel;
pub use geo_map::GeoMap;
pub use guide::{StoryPanel, look_ids};
pub use header::Header;
pub use intro::Intro;
pub use key_vault::KeyVaultPanel;
pub use keys::StoryKeys;
pub use language::LanguageSwitch;
pub use new_registry::NewRegistry;
pub use oracle::OraclePanel;
pub use preset::PresetProgress;
pub use push_form::PushForm;
pub use rates::RatePanel;
pub use replicas::Replicas;
pub use retention::RetentionPanel;
pub use scenario::{ScenarioDialog, ScenarioPanel, ScenarioPicker, StartScreen};
pub use scrubber::Scrubber;
pub use session::SessionPanel;
pub use soft_delete::SoftDeletePanel;
pub use stage::{SidePanels, Slot, bring_into_view, side_id};
pub use status::Status;
pub use tier::tier_panel;

use yew::prelude::*;

use super::state::UiError;

/// An error inside a panel: its code and HTTP status, then what happened in words.
pub fn inline_error(e: &UiError) -> Html {
    inline_error_with_id(e, None)
}

/// `inline_error` with an element id, for the one error a panel or dialog shows.
pub fn inline_error_with_id(e: &UiError, id: Option<&'static str>) -> Html {
    let http = e.http_status.map(|s| html! { <span class="http">{ format!("HTTP {s}") }</span> });
    html! {
        <p {id} class="inline-error" role="alert">
            <code class="code">{ &e.code }</code>{ http }{ " " }<status::MsgText msg={e.message.clone()} />
        </p>
    }
}

/// Work under way with a bar: its ids, how far, in words, and the Stop that ends it.
pub(crate) struct Progress {
    pub bar_id: &'static str,
    pub stop_id: &'static str,
    /// Catalogue keys: the bar's accessible name, Stop's label and its title.
    pub label: &'static str,
    pub stop: &'static str,
    pub stop_title: &'static str,
    pub percent: u64,
    pub words: String,
    pub on_stop: yew::Callback<yew::MouseEvent>,
}

/// A `Progress`'s bar (role="progressbar") and, before its words, Stop (first, so it stays
/// put while the words change). The push form, an archive import and a pull share it.
pub(crate) fn progress_with_stop(lang: crate::i18n::Lang, p: Progress) -> yew::Html {
    use crate::ui::i18n::t;
    let percent = p.percent;
    yew::html! {
        <>
            <div id={p.bar_id} class="progress" role="progressbar" aria-label={t(lang, p.label)}
                aria-valuemin="0" aria-valuemax="100" aria-valuenow={percent.to_string()} aria-valuetext={p.words.clone()}>
                <div class="progress-bar" style={format!("width: {percent}%")}></div>
            </div>
            <p class="sending-words">
                <button id={p.stop_id} type="button" onclick={p.on_stop} title={t(lang, p.stop_title)}>{ t(lang, p.stop) }</button>
                <span>{ p.words }</span>
            </p>
        </>
    }
}

/// Sends `next()` each time `slice` changes to a new `Some` (the count of slices asked for so
/// far): at the next animation frame, once that frame is painted (a 0-ms timeout from the
/// frame's callback), so the page shows each step before the next one works. Long work (the
/// large preset, a push of large files) runs this way, a slice at a time.
#[yew::hook]
pub(crate) fn use_slice_per_frame(
    slice: Option<u32>,
    on_action: yew::Callback<crate::ui::state::Action>,
    next: fn() -> crate::ui::state::Action,
) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    yew::use_effect_with(slice, move |slice| {
        if slice.is_some() {
            let after_paint = Closure::once_into_js(move || {
                let next = Closure::once_into_js(move || on_action.emit(next()));
                if let Some(w) = web_sys::window() {
                    let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(next.unchecked_ref(), 0);
                }
            });
            if let Some(w) = web_sys::window() {
                let _ = w.request_animation_frame(after_paint.unchecked_ref());
            }
        }
    });
}
