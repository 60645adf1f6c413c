use std::collections::BTreeMap;

use yew::prelude::*;

use crate::engine::region;
use crate::ui::format::{exact_ms, grouped};
use crate::ui::state::{Action, OracleSnap};

#[derive(Properties, PartialEq)]
pub struct OracleProps {
    /// None while the panel is closed (the report is then not computed).
    pub oracle: Option<OracleSnap>,
    pub open: bool,
    pub on_action: Callback<Action>,
}

/// The oracle: what clients were told against what the registry can serve now. Totals, each
/// region's view of every acknowledged push, and how long the replicas took to agree after the
/// last heal. Computed when the clock or the registry moved, not on every render.
#[function_component(OraclePanel)]
pub fn oracle_panel(props: &OracleProps) -> Html {
    let toggle = html! {
        <button id="oracle-toggle" type="button" class="quiet" aria-expanded={props.open.to_string()}
            onclick={props.on_action.reform(|_| Action::ToggleOracle)}
            title="The report walks every acknowledged push over every replica; hidden, it is not computed">
            { if props.open { "Hide" } else { "Show" } }
        </button>
    };
    let body = match (&props.oracle, props.open) {
        (Some(o), true) => report(o),
        _ => html! { <p class="hint">{ "Hidden: not computed while the panel is closed." }</p> },
    };
    html! {
        <section id="oracle" class="panel oracle-panel" aria-labelledby="oracle-title"
            data-open={props.open.to_string()}>
            <div class="panel-head scenario-head">
                <div>
                    <h2 id="oracle-title">{ "Oracle" }</h2>
                    <p class="hint">{ "What clients were told, against what the registry can serve now." }</p>
                </div>
                { toggle }
            </div>
            { body }
        </section>
    }
}

fn report(o: &OracleSnap) -> Html {
    let r = &o.report;
    let figure = |id: &'static str, label: &'static str, n: u64, bad: bool, title: &'static str| {
        html! {
            <div class={classes!("oracle-figure", bad.then_some("bad"))} {title}>
                <dt>{ label }</dt>
                <dd id={id} data-n={n.to_string()}>{ grouped(n) }</dd>
            </div>
        }
    };
    let failed_sum = |m: &BTreeMap<&'static str, u64>| m.values().sum::<u64>();
    let failures = |id: &'static str, m: &BTreeMap<&'static str, u64>| {
        if m.is_empty() {
            return html! { <ul id={id} class="oracle-codes"><li class="muted small">{ "none" }</li></ul> };
        }
        html! {
            <ul id={id} class="oracle-codes">
                { for m.iter().map(|(code, n)| html! {
                    <li data-code={*code} data-n={n.to_string()}>
                        <code class="code">{ *code }</code>{ format!(" {}", grouped(*n)) }
                    </li>
                }) }
            </ul>
        }
    };
    let convergence = match o.convergence {
        Some(ms) => html! {
            <p id="oracle-convergence" class="small" data-ms={ms.0.to_string()}>
                { "After the last heal, every replica held the same content again within " }
                <strong>{ exact_ms(ms.0) }</strong>{ "." }
            </p>
        },
        None => html! {
            <p class="small muted">{ "No convergence measured yet: it is timed from the last heal until the replicas agree." }</p>
        },
    };
    html! {
        <>
            <div class="oracle-totals">
                <div class="oracle-group">
                    <h3>{ "Pushes" }</h3>
                    <dl>
                        { figure("oracle-pushes-ok", "ok", r.pushes_ok, false, "Client pushes the registry acknowledged") }
                        { figure("oracle-pushes-failed-total", "failed", failed_sum(&r.pushes_failed), false, "Client pushes refused, by code below") }
                    </dl>
                    { failures("oracle-pushes-failed", &r.pushes_failed) }
                </div>
                <div class="oracle-group">
                    <h3>{ "Pulls" }</h3>
                    <dl>
                        { figure("oracle-pulls-ok", "ok", r.pulls_ok, false, "Client pulls that got the image") }
                        { figure("oracle-pulls-failed-total", "failed", failed_sum(&r.pulls_failed), false, "Client pulls refused, by code below") }
                        { figure("oracle-stale-pulls", "stale", r.stale_pulls, false, "Pulls of a tag acknowledged earlier that found nothing (replication lag, a failover)") }
                    </dl>
                    { failures("oracle-pulls-failed", &r.pulls_failed) }
                </div>
                <div class="oracle-group">
                    <h3>{ "Acknowledged pushes now" }</h3>
                    <dl>
                        { figure("oracle-acknowledged", "acknowledged", r.acknowledged, false, "Pushes clients were told succeeded") }
                        { figure("oracle-lost", "lost", r.lost_acknowledged, r.lost_acknowledged > 0, "Acknowledged pushes no replica holds any more") }
                        { figure("oracle-unavailable", "unavailable", r.unavailable_acknowledged, false, "Held by some replica, but none can serve it now (a fault is active)") }
                        { figure("oracle-wrong-bytes", "wrong bytes", r.wrong_bytes, r.wrong_bytes > 0, "Blobs served whose bytes did not hash to their digest: must always be 0") }
                        { figure("oracle-deletes", "deletes", r.deletes, false, "Deletes clients were told succeeded") }
                    </dl>
                </div>
            </div>
            <div class="table-scroll">
                <table id="oracle-regions" class="usage oracle-regions">
                    <thead><tr>
                        <th scope="col">{ "region" }</th>
                        <th scope="col" class="num" title="The tag resolves here to the acknowledged manifest and every byte can be read">{ "readable" }</th>
                        <th scope="col" class="num" title="The tag is missing here or points at an older manifest (not replicated yet)">{ "stale" }</th>
                        <th scope="col" class="num" title="Here, but cannot be read now (a fault is active)">{ "unavailable" }</th>
                        <th scope="col" class="num" title="It was here and its bytes are gone">{ "lost" }</th>
                        <th scope="col" class="num" title="Deleted images still pullable here (the delete has not arrived)">{ "stale deletes" }</th>
                    </tr></thead>
                    <tbody>
                        { for r.regions.iter().map(|t| {
                            let cell = |col: &'static str, n: u64, bad: bool| html! {
                                <td class={classes!("num", (bad && n > 0).then_some("bad"))} data-col={col} data-n={n.to_string()}>
                                    { grouped(n) }
                                </td>
                            };
                            let name = region::region(t.region).map_or(t.region.to_string(), |g| g.display_name.to_string());
                            html! {
                                <tr key={t.region} data-region={t.region}>
                                    <th scope="row">{ name }<span class="mono small muted">{ format!(" {}", t.region) }</span></th>
                                    { cell("readable", t.readable, false) }
                                    { cell("stale", t.stale, true) }
                                    { cell("unavailable", t.unavailable, true) }
                                    { cell("lost", t.lost, true) }
                                    { cell("stale-deletes", t.stale_deletes, true) }
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
            { convergence }
            <p class="hint">{ format!("As of {}.", o.at) }</p>
        </>
    }
}
