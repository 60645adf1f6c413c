//! Display-only components: each takes a snapshot and `on_action`, renders, and sends actions.

mod accounts;
mod blob;
mod catalog;
mod clock;
mod confirm;
mod events;
mod header;
mod intro;
mod locks;
mod manifest;
mod push_form;
mod status;
mod tier;

pub use accounts::Accounts;
pub use catalog::Catalog;
pub use clock::ClockBar;
pub use confirm::ConfirmDialog;
pub use events::EventLog;
pub use header::Header;
pub use intro::Intro;
pub use push_form::PushForm;
pub use status::Status;
pub use tier::tier_panel;

use yew::prelude::*;

use super::state::UiError;

/// An error inside a panel: its code, then what happened in words.
pub fn inline_error(e: &UiError) -> Html {
    html! {
        <p class="inline-error" role="alert">
            <code class="code">{ &e.code }</code>{ " " }{ &e.message }
        </p>
    }
}
