use yew::prelude::*;

use crate::ui::i18n::{t, use_lang};

/// Four short facts a newcomer reads before touching anything.
#[function_component(Intro)]
pub fn intro() -> Html {
    let lang = use_lang();
    html! {
        <section id="intro" class="intro" aria-label={t(lang, "intro.label")}>
            <div class="step">
                <h2>{ t(lang, "intro.push_title") }</h2>
                <p>{ t(lang, "intro.push_before") }<code>{ "v1" }</code>{ t(lang, "intro.push_after") }</p>
            </div>
            <div class="step">
                <h2>{ t(lang, "intro.sealed_title") }</h2>
                <p>{ t(lang, "intro.sealed_text") }</p>
            </div>
            <div class="step">
                <h2>{ t(lang, "intro.once_title") }</h2>
                <p>{ t(lang, "intro.once_text") }</p>
            </div>
            <div class="step">
                <h2>{ t(lang, "intro.untag_title") }</h2>
                <p>{ t(lang, "intro.untag_text") }</p>
            </div>
        </section>
    }
}
