use yew::prelude::*;

use crate::engine::Usage;
use crate::ui::format::{count, exact_bytes, human_bytes};

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub name: String,
    pub usage: Option<Usage>,
}

/// The registry's name and its storage: what is billed (the main figure) and what is still held
/// until garbage collection reclaims it.
#[function_component(Header)]
pub fn header(props: &HeaderProps) -> Html {
    let u = props.usage.as_ref();
    let billed = u.map_or(0, |u| u.total_billed_bytes);
    let stored = u.map_or(0, |u| u.total_stored_bytes);
    let records = u.map_or(0, |u| u.total_records);
    let released = u.map_or(0, |u| u.total_released_records);
    let waiting = stored.saturating_sub(billed);
    let stored_text = if waiting == 0 {
        "stored the same: nothing awaits garbage collection".to_string()
    } else {
        format!(
            "stored {}, of which {} awaiting garbage collection",
            human_bytes(stored),
            human_bytes(waiting)
        )
    };
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
                <div class="fact storage" title="Logical bytes of every blob and manifest still in use, each counted once: what the registry bills. A delete takes bytes off this figure at once.">
                    <dt>{ "Storage billed" }</dt>
                    <dd id="storage-used" data-bytes={billed.to_string()}>{ human_bytes(billed) }</dd>
                    <dd class="sub">{ format!("{} in {}", exact_bytes(billed), count(records.saturating_sub(released), "record", "records")) }</dd>
                    <dd id="storage-stored" class={classes!("sub", (waiting > 0).then_some("waiting"))}
                        data-bytes={stored.to_string()}
                        title={format!("Bytes the storage accounts still hold ({}): billed bytes plus {} released by deletes that garbage collection has not reclaimed yet", exact_bytes(stored), count(released, "record", "records"))}>
                        { stored_text }
                    </dd>
                </div>
            </dl>
        </header>
    }
}
