use yew::prelude::*;

use crate::i18n::{Lang, Msg};
use crate::ui::i18n::{t, tf, use_lang};
use crate::ui::state::{Action, Retry, RetryOp, UiError};

#[derive(Properties, PartialEq)]
pub struct StatusProps {
    /// The last success, drawn in the page's language.
    pub message: Option<Msg>,
    pub error: Option<UiError>,
    /// A `Retry-After` to wait out (a scale-out's is offered in its report instead).
    pub retry: Option<Retry>,
    pub on_action: Callback<Action>,
}

/// The error banner (`#error`) or the last success (`#status`).
#[function_component(Status)]
pub fn status(props: &StatusProps) -> Html {
    let lang = use_lang();
    if let Some(e) = &props.error {
        let http = e.http_status.map(|s| html! { <span class="http">{ format!("HTTP {s}") }</span> });
        // The engine's and the page's own words are checked in English, the language they are
        // written in; they are shown in the page's.
        let english = e.message.text(Lang::En);
        // Most engine messages say it themselves.
        let aside = match &e.aside {
            Some(aside) => Some(html! { <span class="aside">{ aside.text(lang) }</span> }),
            None => (!english.contains("othing was changed"))
                .then(|| html! { <span class="aside">{ t(lang, "status.nothing_changed") }</span> }),
        };
        let retry = props.retry.as_ref().filter(|r| r.op != RetryOp::ScaleOut && e.retry_after_s.is_some());
        let retry_button = retry.map(|r| {
            let seconds = r.seconds.to_string();
            let label = match r.op {
                RetryOp::Push { .. } => tf(lang, "status.wait_push", &[&seconds]),
                _ => tf(lang, "status.wait", &[&seconds]),
            };
            html! {
                <button id="retry-after" type="button" class="primary" data-seconds={r.seconds.to_string()}
                    title={t(lang, "status.wait_title")}
                    onclick={props.on_action.reform(|_| Action::RetryAfter)}>
                    { label }
                </button>
            }
        });
        // The engine's TOOMANYREQUESTS message says how long to wait; say it if it does not.
        let retry_note = e
            .retry_after_s
            .filter(|_| !english.contains("Retry after"))
            .map(|s| html! { <strong class="retry-note">{ tf(lang, "status.retry_note", &[&s.to_string()]) }</strong> });
        return html! {
            <div id="error" class="banner error" role="alert"
                data-retry-after={e.retry_after_s.map(|s| s.to_string())}>
                <div class="banner-text">
                    <strong>{ t(lang, "status.refused") }</strong>
                    <code class="code">{ &e.code }</code>
                    { http }
                    <span class="message">{ sentence(&e.message.text(lang)) }</span>
                    { retry_note }
                    { aside }
                </div>
                <div class="banner-buttons">
                    { retry_button }
                    <button id="error-dismiss" type="button" class="quiet"
                        title={t(lang, "status.dismiss_title")} onclick={props.on_action.reform(|_| Action::DismissError)}>
                        { t(lang, "status.dismiss") }
                    </button>
                </div>
            </div>
        };
    }
    let text = props.message.as_ref().map_or_else(|| t(lang, "status.start").to_string(), |m| m.text(lang));
    let class = if props.message.is_some() { "banner ok" } else { "banner idle" };
    html! { <div id="status" class={class} role="status" aria-live="polite"><span class="message">{ text }</span></div> }
}

/// The message with a full stop, if it has none.
fn sentence(message: &str) -> String {
    let trimmed = message.trim_end();
    if trimmed.ends_with(['.', '!', '?']) { trimmed.to_string() } else { format!("{trimmed}.") }
}

#[derive(Properties, PartialEq)]
pub struct MsgTextProps {
    pub msg: Msg,
}

/// A text in no language yet, drawn in the page's (for places that are no component of their
/// own, such as `inline_error`).
#[function_component(MsgText)]
pub fn msg_text(props: &MsgTextProps) -> Html {
    let lang = use_lang();
    html! { { props.msg.text(lang) } }
}
