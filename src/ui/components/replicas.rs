//! Replicas (`#replicas`): every replica of the registry, home first, with its state, whether
//! the global endpoint routes to it, what is still on its way to it, what it holds and bills,
//! and its latency floor from home. The engine's `replicas()` view, as a table.

use yew::prelude::*;

use super::geo_map::replica_state_words;
use crate::engine::ReplicaView;
use crate::ui::format::{exact_bytes, grouped, human_bytes, short_duration};
use crate::ui::state::Action;

#[derive(Properties, PartialEq)]
pub struct ReplicasProps {
    pub replicas: Vec<ReplicaView>,
    pub on_action: Callback<Action>,
}

#[function_component(Replicas)]
pub fn replicas(props: &ReplicasProps) -> Html {
    let rows = props.replicas.iter().map(|r| {
        let state = replica_state_words(r.state);
        let toggle = {
            let region = r.region.to_string();
            let enabled = !r.routing_enabled;
            props.on_action.reform(move |_: MouseEvent| Action::SetReplicaRouting { region: region.clone(), enabled })
        };
        let lag = match r.lag_ms {
            Some(lag) => short_duration(lag),
            None => "—".to_string(),
        };
        html! {
            <tr data-region={r.region} data-state={state} data-routing={r.routing_enabled.to_string()}
                data-syncing={r.syncing_changes.to_string()} data-inbound={r.inbound_changes.to_string()}
                data-lag-ms={r.lag_ms.map(|l| l.0.to_string())} data-repositories={r.repositories.to_string()}
                data-manifests={r.manifests.to_string()} data-billed={r.billed_bytes.to_string()}
                data-latency-ms={r.latency_from_home_ms.to_string()}>
                <th scope="row">
                    <span class="replica-name">{ r.display_name }</span>
                    if r.home { <span class="home-chip">{ "home" }</span> }
                    <span class="replica-sub mono">
                        { r.region }
                        if !r.home {
                            <span class="latency" title="One-way latency floor from the home region (light in fibre)">
                                { format!(" · {} ms from home", r.latency_from_home_ms) }
                            </span>
                        }
                    </span>
                </th>
                <td><span class={classes!("state-badge", format!("state-{state}"))}
                    title={r.ready_at_ms.map_or(format!("created at {}", r.created_at_ms), |at| format!("created at {}, ready at {at}", r.created_at_ms))}>
                    { state }</span></td>
                <td>
                    if r.home {
                        <span class="small muted">{ if r.routing_enabled { "on" } else { "off" } }</span>
                    } else {
                        <button type="button" class={classes!("routing-toggle", r.routing_enabled.then_some("on"))}
                            aria-pressed={r.routing_enabled.to_string()} onclick={toggle}
                            title="Whether the global endpoint sends requests here; out of routing it keeps syncing">
                            { if r.routing_enabled { "on" } else { "off" } }
                        </button>
                    }
                </td>
                <td class="num" title="Initial-sync changes still on their way">{ grouped(r.syncing_changes) }</td>
                <td class="num" title="Changes from other replicas still on their way, and how long ago the oldest was made">
                    { grouped(r.inbound_changes) }<span class="lag">{ format!(" · {lag}") }</span>
                </td>
                <td class="num">{ format!("{} · {}", grouped(r.repositories as u64), grouped(r.manifests as u64)) }</td>
                <td class="num" title={exact_bytes(r.billed_bytes)}>{ human_bytes(r.billed_bytes) }</td>
            </tr>
        }
    });
    html! {
        <section id="replicas" class="panel replicas" aria-labelledby="replicas-title">
            <h2 id="replicas-title">{ "Replicas" }</h2>
            <p class="hint">{ "Each replica holds a full copy in its own storage, billed there too. A change made in \
                               one travels to every other after the link's latency and transfer time, in order per \
                               link. Add one by clicking a region on the map (Premium)." }</p>
            <div class="table-scroll">
                <table class="replica-table">
                    <thead>
                        <tr>
                            <th scope="col">{ "region" }</th>
                            <th scope="col">{ "state" }</th>
                            <th scope="col" title="Routed to by the global endpoint">{ "routing" }</th>
                            <th scope="col" title="Initial-sync changes on their way">{ "syncing" }</th>
                            <th scope="col" title="Replicated changes on their way · lag">{ "inbound · lag" }</th>
                            <th scope="col" title="Repositories · manifests it holds">{ "repos · manifests" }</th>
                            <th scope="col" title="Storage billed in this replica">{ "billed" }</th>
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </section>
    }
}
