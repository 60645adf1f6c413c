//! Replicas (`#replicas`): every replica of the registry, home first, with its state, whether
//! the global endpoint routes to it, what is still on its way to it, what it holds and bills,
//! and its latency floor from home. The engine's `replicas()` view, as a table.

use yew::prelude::*;

use super::geo_map::{Health, region_health, replica_state_label, replica_state_words};
use crate::engine::{Fault, FaultState, KeyState, ReplicaView};
use crate::ui::format::{exact_bytes_in, grouped_in, human_bytes_in, short_duration_in};
use crate::ui::i18n::{t, tf, use_lang};
use crate::ui::state::Action;

#[derive(Properties, PartialEq)]
pub struct ReplicasProps {
    pub replicas: Vec<ReplicaView>,
    /// The faults (active ones mark a replica's row: a replica in outage is not "ready" to a client).
    pub faults: Vec<Fault>,
    /// The customer-managed key's state, if any.
    pub key_state: Option<KeyState>,
    pub on_action: Callback<Action>,
}

#[function_component(Replicas)]
pub fn replicas(props: &ReplicasProps) -> Html {
    let lang = use_lang();
    let active: Vec<&Fault> = props.faults.iter().filter(|f| f.state == FaultState::Active).collect();
    let home = props.replicas.first().map_or("", |r| r.region);
    let rows = props.replicas.iter().map(|r| {
        let state = replica_state_words(r.state);
        let health = region_health(&active, r.region, home, true, props.key_state);
        let toggle = {
            let region = r.region.to_string();
            let enabled = !r.routing_enabled;
            props.on_action.reform(move |_: MouseEvent| Action::SetReplicaRouting { region: region.clone(), enabled })
        };
        let lag = match r.lag_ms {
            Some(lag) => short_duration_in(lang, lag),
            None => "—".to_string(),
        };
        html! {
            <tr data-region={r.region} data-state={state} data-health={health.words()} data-routing={r.routing_enabled.to_string()}
                data-syncing={r.syncing_changes.to_string()} data-inbound={r.inbound_changes.to_string()}
                data-lag-ms={r.lag_ms.map(|l| l.0.to_string())} data-repositories={r.repositories.to_string()}
                data-manifests={r.manifests.to_string()} data-billed={r.billed_bytes.to_string()}
                data-latency-ms={r.latency_from_home_ms.to_string()}>
                <th scope="row">
                    <span class="replica-name">{ r.display_name }</span>
                    if r.home { { " " }<span class="home-chip">{ t(lang, "replicas.home") }</span> }
                    <span class="replica-sub mono">
                        { r.region }
                        if !r.home {
                            // The space outside the span: where the latency moves to a line of its own.
                            { " " }<span class="latency" title={t(lang, "replicas.latency_title")}>
                                { tf(lang, "replicas.latency", &[&r.latency_from_home_ms.to_string()]).trim_start().to_string() }
                            </span>
                        }
                    </span>
                </th>
                <td><span class={classes!("state-badge", format!("state-{state}"))}
                    title={r.ready_at_ms.map_or_else(
                        || tf(lang, "replicas.created_at", &[&r.created_at_ms.to_string()]),
                        |at| tf(lang, "replicas.created_ready_at", &[&r.created_at_ms.to_string(), &at.to_string()]),
                    )}>
                    { replica_state_label(lang, r.state) }</span>
                    if health != Health::Ok {
                        { " " }<span class={classes!("health-badge", format!("health-{}", health.words()))}>{ health.label(lang) }</span>
                    }
                    // Whether the global endpoint routes here: under the state, in the same cell
                    // (the table fits the narrow side area beside the map).
                    <span class="routing-cell" title={t(lang, "replicas.col_routing_title")}>
                        <span class="routing-word">{ t(lang, "replicas.col_routing") }</span>{ " " }
                        if r.home {
                            <span class="small muted">{ if r.routing_enabled { t(lang, "replicas.on") } else { t(lang, "replicas.off") } }</span>
                        } else {
                            <button type="button" class={classes!("routing-toggle", r.routing_enabled.then_some("on"))}
                                aria-pressed={r.routing_enabled.to_string()} onclick={toggle}
                                title={t(lang, "replicas.routing_title")}>
                                { if r.routing_enabled { t(lang, "replicas.on") } else { t(lang, "replicas.off") } }
                            </button>
                        }
                    </span>
                </td>
                // What it still sends, then what is on its way to it and how far behind it is.
                <td class="num">
                    <span class="part" title={t(lang, "replicas.syncing_cell_title")}>{ grouped_in(lang, r.syncing_changes) }</span>
                    <span class="part" title={t(lang, "replicas.inbound_cell_title")}>
                        { format!(" · {}", grouped_in(lang, r.inbound_changes)) }<span class="lag">{ format!(" · {lag}") }</span>
                    </span>
                </td>
                <td class="num">{ format!("{} · {}", grouped_in(lang, r.repositories as u64), grouped_in(lang, r.manifests as u64)) }</td>
                <td class="num" title={exact_bytes_in(lang, r.billed_bytes)}>{ human_bytes_in(lang, r.billed_bytes) }</td>
            </tr>
        }
    });
    html! {
        <section id="replicas" class="panel replicas" aria-labelledby="replicas-title">
            <h2 id="replicas-title">{ t(lang, "replicas.title") }</h2>
            <p class="hint">{ t(lang, "replicas.hint") }</p>
            <div class="table-scroll" tabindex="0">
                <table class="replica-table">
                    <thead>
                        <tr>
                            <th scope="col">{ t(lang, "common.region_col") }</th>
                            <th scope="col">{ t(lang, "common.state_word") }</th>
                            <th scope="col" title={format!("{} {}", t(lang, "replicas.col_syncing_title"), t(lang, "replicas.col_inbound_title"))}>
                                { heading(&format!("{} · {}", t(lang, "replicas.col_syncing"), t(lang, "replicas.col_inbound"))) }
                            </th>
                            <th scope="col" title={t(lang, "replicas.col_holds_title")}>{ heading(t(lang, "replicas.col_holds")) }</th>
                            <th scope="col" title={t(lang, "replicas.col_billed_title")}>{ t(lang, "common.billed_col") }</th>
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </section>
    }
}

/// A column heading of parts joined by " · " ("inbound · lag"): in a narrow panel it wraps after
/// a dot, never inside a part, so the table fits without a heading cut in two mid-phrase.
fn heading(text: &str) -> Html {
    let parts: Vec<&str> = text.split(" · ").collect();
    let last = parts.len() - 1;
    let part = |(i, part): (usize, &&str)| {
        if i < last {
            html! { <><span class="part">{ format!("{part} ·") }</span>{ " " }</> }
        } else {
            html! { <span class="part">{ *part }</span> }
        }
    };
    html! { <>{ for parts.iter().enumerate().map(part) }</> }
}
