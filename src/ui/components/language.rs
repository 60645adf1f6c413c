//! The language switch (`#language`) in the top bar: English, Nederlands, Français, each named
//! in itself. The page re-renders in the chosen language at once, and this browser keeps it.

use yew::prelude::*;

use crate::ui::i18n::{Lang, t};

#[derive(Properties, PartialEq)]
pub struct LanguageProps {
    pub lang: Lang,
    pub on_change: Callback<Lang>,
}

#[function_component(LanguageSwitch)]
pub fn language_switch(props: &LanguageProps) -> Html {
    let lang = props.lang;
    let on_change = props.on_change.reform(|e: Event| {
        let value = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
        Lang::from_tag(&value).unwrap_or_default()
    });
    html! {
        <div class="lang-bar">
            <label for="language" class="lang-label">{ t(lang, "lang.label") }</label>
            <select id="language" class="lang-select" onchange={on_change} title={t(lang, "lang.title")}>
                { for Lang::ALL.into_iter().map(|l| html! {
                    <option value={l.code()} lang={l.code()} selected={l == lang}>{ l.native_name() }</option>
                }) }
            </select>
        </div>
    }
}
