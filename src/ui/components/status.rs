use yew::prelude::*;

use crate::ui::state::{Action, UiError};

#[derive(Properties, PartialEq)]
pub struct StatusProps {
    pub message: Option<String>,
    pub error: Option<UiError>,
    pub on_action: Callback<Action>,
}

/// The error banner (`#error`) or the last success (`#status`).
#[function_component(Status)]
pub fn status(props: &StatusProps) -> Html {
    if let Some(e) = &props.error {
        let http = e.http_status.map(|s| html! { <span class="http">{ format!("HTTP {s}") }</span> });
        return html! {
            <div id="error" class="banner error" role="alert">
                <div class="banner-text">
                    <strong>{ "Refused: " }</strong>
                    <code class="code">{ &e.code }</code>
                    { http }
                    <span class="message">{ sentence(&e.message) }</span>
                    <span class="aside">{ " Nothing was changed." }</span>
                </div>
                <button id="error-dismiss" type="button" class="quiet"
                    title="Hide this message" onclick={props.on_action.reform(|_| Action::DismissError)}>
                    { "Dismiss" }
                </button>
            </div>
        };
    }
    let text = props.message.clone().unwrap_or_else(|| {
        "Start by pushing an image: the form on the left comes filled in, add a file or a synthetic layer."
            .to_string()
    });
    let class = if props.message.is_some() { "banner ok" } else { "banner idle" };
    html! { <div id="status" class={class} role="status" aria-live="polite"><span class="message">{ text }</span></div> }
}

/// The message with a full stop, if it has none.
fn sentence(message: &str) -> String {
    let trimmed = message.trim_end();
    if trimmed.ends_with(['.', '!', '?']) { trimmed.to_string() } else { format!("{trimmed}.") }
}
