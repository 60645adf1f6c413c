use std::collections::BTreeMap;

use yew::prelude::*;

use crate::engine::region;
use crate::ui::format::{exact_ms_in, grouped_in};
use crate::ui::i18n::{Lang, t, tf, use_lang};
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
    let lang = use_lang();
    let toggle = html! {
        <button id="oracle-toggle" type="button" class="quiet" aria-expanded={props.open.to_string()}
            onclick={props.on_action.reform(|_| Action::ToggleOracle)}
            title={t(lang, "oracle.toggle_title")}>
            { if props.open { t(lang, "oracle.hide") } else { t(lang, "oracle.show") } }
        </button>
    };
    let body = match (&props.oracle, props.open) {
        (Some(o), true) => report(lang, o),
        _ => html! { <p class="hint">{ t(lang, "oracle.hidden") }</p> },
    };
    html! {
        <section id="oracle" class="panel oracle-panel" aria-labelledby="oracle-title"
            data-open={props.open.to_string()}>
            <div class="panel-head scenario-head">
                <div>
                    <h2 id="oracle-title">{ t(lang, "oracle.title") }</h2>
                    <p class="hint">{ t(lang, "oracle.hint") }</p>
                </div>
                { toggle }
            </div>
            { body }
        </section>
    }
}

fn report(lang: Lang, o: &OracleSnap) -> Html {
    let r = &o.report;
    let figure = |id: &'static str, label: &'static str, n: u64, bad: bool, title: &'static str| {
        html! {
            <div class={classes!("oracle-figure", bad.then_some("bad"))} title={t(lang, title)}>
                <dt>{ t(lang, label) }</dt>
                <dd id={id} data-n={n.to_string()}>{ grouped_in(lang, n) }</dd>
            </div>
        }
    };
    let failed_sum = |m: &BTreeMap<&'static str, u64>| m.values().sum::<u64>();
    let failures = |id: &'static str, m: &BTreeMap<&'static str, u64>| {
        if m.is_empty() {
            return html! { <ul id={id} class="oracle-codes"><li class="muted small">{ t(lang, "oracle.none") }</li></ul> };
        }
        html! {
            <ul id={id} class="oracle-codes">
                { for m.iter().map(|(code, n)| html! {
                    <li data-code={*code} data-n={n.to_string()}>
                        <code class="code">{ *code }</code>{ format!(" {}", grouped_in(lang, *n)) }
                    </li>
                }) }
            </ul>
        }
    };
    let convergence = match o.convergence {
        Some(ms) => html! {
            <p id="oracle-convergence" class="small" data-ms={ms.0.to_string()}>
                { t(lang, "oracle.converged") }
                <strong>{ exact_ms_in(lang, ms.0) }</strong>{ "." }
            </p>
        },
        None => html! {
            <p class="small muted">{ t(lang, "oracle.not_converged") }</p>
        },
    };
    html! {
        <>
            <div class="oracle-totals">
                <div class="oracle-group">
                    <h3>{ t(lang, "oracle.pushes") }</h3>
                    <dl>
                        { figure("oracle-pushes-ok", "oracle.ok", r.pushes_ok, false, "oracle.pushes_ok_title") }
                        { figure("oracle-pushes-failed-total", "oracle.failed", failed_sum(&r.pushes_failed), false, "oracle.pushes_failed_title") }
                    </dl>
                    { failures("oracle-pushes-failed", &r.pushes_failed) }
                </div>
                <div class="oracle-group">
                    <h3>{ t(lang, "oracle.pulls") }</h3>
                    <dl>
                        { figure("oracle-pulls-ok", "oracle.ok", r.pulls_ok, false, "oracle.pulls_ok_title") }
                        { figure("oracle-pulls-failed-total", "oracle.failed", failed_sum(&r.pulls_failed), false, "oracle.pulls_failed_title") }
                        { figure("oracle-stale-pulls", "oracle.stale", r.stale_pulls, false, "oracle.stale_pulls_title") }
                    </dl>
                    { failures("oracle-pulls-failed", &r.pulls_failed) }
                </div>
                <div class="oracle-group">
                    <h3>{ t(lang, "oracle.acknowledged_now") }</h3>
                    <dl>
                        { figure("oracle-acknowledged", "oracle.acknowledged", r.acknowledged, false, "oracle.acknowledged_title") }
                        { figure("oracle-lost", "common.lost_col", r.lost_acknowledged, r.lost_acknowledged > 0, "oracle.lost_title") }
                        { figure("oracle-unavailable", "oracle.unavailable", r.unavailable_acknowledged, false, "oracle.unavailable_title") }
                        { figure("oracle-wrong-bytes", "oracle.wrong_bytes", r.wrong_bytes, r.wrong_bytes > 0, "oracle.wrong_bytes_title") }
                        { figure("oracle-deletes", "oracle.deletes", r.deletes, false, "oracle.deletes_title") }
                    </dl>
                </div>
            </div>
            <div class="table-scroll" tabindex="0">
                <table id="oracle-regions" class="usage oracle-regions">
                    <thead><tr>
                        <th scope="col">{ t(lang, "common.region_col") }</th>
                        <th scope="col" class="num" title={t(lang, "oracle.col_readable_title")}>{ t(lang, "oracle.col_readable") }</th>
                        <th scope="col" class="num" title={t(lang, "oracle.col_stale_title")}>{ t(lang, "oracle.stale") }</th>
                        <th scope="col" class="num" title={t(lang, "oracle.col_unavailable_title")}>{ t(lang, "oracle.unavailable") }</th>
                        <th scope="col" class="num" title={t(lang, "oracle.col_lost_title")}>{ t(lang, "common.lost_col") }</th>
                        <th scope="col" class="num" title={t(lang, "oracle.col_stale_deletes_title")}>{ t(lang, "oracle.col_stale_deletes") }</th>
                    </tr></thead>
                    <tbody>
                        { for r.regions.iter().map(|t| {
                            let cell = |col: &'static str, n: u64, bad: bool| html! {
                                <td class={classes!("num", (bad && n > 0).then_some("bad"))} data-col={col} data-n={n.to_string()}>
                                    { grouped_in(lang, n) }
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
            <p class="hint">{ tf(lang, "oracle.as_of", &[&o.at.to_string()]) }</p>
        </>
    }
}
