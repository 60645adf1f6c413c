use yew::prelude::*;

use crate::engine::Usage;
use crate::ui::format::{count, exact_bytes, human_bytes};

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub name: String,
    pub usage: Option<Usage>,
}

#[function_component(Header)]
pub fn header(props: &HeaderProps) -> Html {
    let (bytes, records) = props.usage.as_ref().map_or((0, 0), |u| (u.total_logical_bytes, u.total_records));
    html! {
        <header class="top">
            <div class="brand">
                <h1>{ "Stowage" }</h1>
                <p class="tagline">{ "a container registry's storage, simulated in your browser" }</p>
            </div>
            <dl class="facts">
                <div class="fact">
                    <dt>{ "Registry" }</dt>
                    <dd id="registry-name" class="mono">{ &props.name }</dd>
                </div>
                <div class="fact" title="Logical bytes of every stored blob and manifest, each counted once (what the registry bills)">
                    <dt>{ "Storage used" }</dt>
                    <dd id="storage-used" data-bytes={bytes.to_string()}>{ human_bytes(bytes) }</dd>
                    <dd class="sub">{ format!("{} in {}", exact_bytes(bytes), count(records, "record", "records")) }</dd>
                </div>
            </dl>
        </header>
    }
}
