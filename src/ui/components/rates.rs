//! Request rates and bandwidth (`#rate-panel`): the rate model, each category's registry-wide
//! bucket against its limits, the identities drawing on theirs, the tier's bandwidth, and a
//! cluster scale-out that pulls one image on many nodes at once. Every figure is the engine's.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::tier::width;
use crate::engine::throttle::{CategoryView, RateModel};
use crate::engine::{ThrottleView, Tier};
use crate::ui::format::{exact_bytes_in, exact_ms_in, grouped_in, mb_per_s_in, scale_out_sentence_in};
use crate::ui::i18n::{Lang, t, tf, use_lang};
use crate::ui::state::{Action, Retry, RetryOp, ScaleOutSnap};

#[derive(Properties, PartialEq)]
pub struct RatePanelProps {
    pub throttle: Option<ThrottleView>,
    pub tier: Option<Tier>,
    /// The image a scale-out pulls (repository, tag).
    pub target: Option<(String, String)>,
    pub scale_out: Option<ScaleOutSnap>,
    pub retry: Option<Retry>,
    pub on_action: Callback<Action>,
}

/// The rate models offered, with their labels' keys.
const MODELS: [(&str, &str); 3] =
    [("2026", "rates.model_2026"), ("2019", "rates.model_2019"), ("off", "rates.model_off")];

#[function_component(RatePanel)]
pub fn rate_panel(props: &RatePanelProps) -> Html {
    let lang = use_lang();
    let nodes = use_state(|| "300".to_string());
    let shared = use_state(|| true);
    let Some(v) = &props.throttle else { return html! {} };
    let on_model = props
        .on_action
        .reform(|e: Event| Action::SetRateModel(e.target_unchecked_into::<HtmlSelectElement>().value()));
    let on_nodes = {
        let nodes = nodes.clone();
        Callback::from(move |e: InputEvent| nodes.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_shared = {
        let shared = shared.clone();
        Callback::from(move |e: Event| shared.set(e.target_unchecked_into::<HtmlInputElement>().checked()))
    };
    let on_pull = {
        let (nodes, shared) = (nodes.clone(), shared.clone());
        props.on_action.reform(move |_: MouseEvent| Action::ScaleOut {
            nodes: (*nodes).clone(),
            shared_identity: *shared,
        })
    };
    let model = v.model.as_str();
    let tier = props.tier.map_or(t(lang, "rates.this_tier"), Tier::as_str);
    let image = props.target.as_ref().map(|(repo, tag)| format!("{repo}:{tag}"));
    html! {
        <section id="rate-panel" class="panel rate-panel" aria-labelledby="rate-title" data-model={model}>
            <h2 id="rate-title">{ t(lang, "rates.title") }</h2>
            <p class="hint">{ t(lang, "rates.hint") }</p>
            <label class="field inline rate-model-field">
                <span class="label">{ t(lang, "rates.model") }</span>
                <select id="rate-model" onchange={on_model} title={t(lang, "rates.model_title")}>
                    { for MODELS.iter().map(|(value, label)| html! {
                        <option value={*value} selected={*value == model}>{ t(lang, label) }</option>
                    }) }
                </select>
            </label>
            <div id="rate-categories" class="rate-categories">
                { for v.categories.iter().map(|c| category_row(lang, c, v.model)) }
            </div>
            { identities(lang, v) }
            <p id="bandwidth" class="bandwidth" data-download={v.download_bytes_per_s.to_string()}
                data-upload={v.upload_bytes_per_s.to_string()}>
                <strong>{ tf(lang, "rates.bandwidth_on", &[tier]) }</strong>
                { tf(lang, "rates.bandwidth", &[
                    &mb_per_s_in(lang, v.download_bytes_per_s), &mb_per_s_in(lang, v.upload_bytes_per_s),
                ]) }
            </p>
            <p class="small muted simplifications">
                { tf(lang, "rates.simplifications", &[&v.burst_seconds.to_string()]) }
            </p>
            <div id="scale-out" class="scale-out">
                <h3>{ t(lang, "rates.scale_title") }</h3>
                <p class="hint">{ t(lang, "rates.scale_hint") }</p>
                <div class="scale-controls">
                    <label class="field inline">
                        <span class="label">{ t(lang, "rates.nodes") }</span>
                        <input id="scale-out-nodes" type="number" min="1" max="10000" step="1"
                            value={(*nodes).clone()} oninput={on_nodes} title={t(lang, "rates.nodes_title")} />
                    </label>
                    <label class="check" title={t(lang, "rates.shared_title")}>
                        <input id="scale-out-shared" type="checkbox" checked={*shared} onchange={on_shared} />
                        { t(lang, "rates.shared") }
                    </label>
                    <button id="scale-out-pull" type="button" disabled={image.is_none()} onclick={on_pull}
                        title={t(lang, "rates.pull_title")}>
                        { t(lang, "rates.pull") }
                    </button>
                </div>
                <p class="small scale-image">
                    { match &image {
                        Some(i) => html! { <>{ t(lang, "rates.image") }<span id="scale-out-image" class="mono">{ i.clone() }</span>
                            { t(lang, "rates.image_which") }</> },
                        None => html! { { t(lang, "rates.no_image") } },
                    } }
                </p>
                { props.scale_out.as_ref().map(|s| report(lang, s, props.retry.as_ref(), &props.on_action)) }
            </div>
        </section>
    }
}

/// One category: its limits, the registry-wide bucket as a bar, and the counts.
fn category_row(lang: Lang, c: &CategoryView, model: RateModel) -> Html {
    let limits = match &c.limit {
        Some(l) => {
            let identity = l.per_identity.map_or(t(lang, "rates.no_identity_limit").to_string(), |i| {
                tf(lang, "rates.per_identity", &[&grouped_in(lang, i)])
            });
            tf(lang, "rates.per_registry", &[&grouped_in(lang, l.per_registry), &identity])
        }
        None if model == RateModel::Unlimited => t(lang, "rates.not_limited").to_string(),
        None => t(lang, "rates.no_own_limit").to_string(),
    };
    let counts = tf(lang, "rates.counts", &[&grouped_in(lang, c.admitted), &grouped_in(lang, c.throttled)]);
    let bucket = match (c.available, c.capacity) {
        (Some(available), Some(capacity)) => {
            let fill = u64::try_from(available).unwrap_or(0);
            let words = if available < 0 {
                tf(lang, "rates.in_debt", &[&signed_in(lang, available), &grouped_in(lang, capacity)])
            } else {
                tf(lang, "rates.bucket_now", &[&grouped_in(lang, fill), &grouped_in(lang, capacity)])
            };
            html! {
                <>
                    <div class="bar rate-bar" title={tf(lang, "rates.bar_title", &[&grouped_in(lang, capacity)])}>
                        <span class={classes!("fill", (fill > 0).then_some("sliver"))} style={width(fill, capacity)}></span>
                    </div>
                    <p class="rate-words">
                        <span class="bucket-words">{ words }</span>
                        { format!(" · {counts}") }
                    </p>
                </>
            }
        }
        _ => html! {
            <p class="rate-words">{ counts }</p>
        },
    };
    html! {
        <div class={classes!("rate-row", (c.throttled > 0).then_some("throttled"))} data-category={c.name}
            data-available={c.available.map(|a| a.to_string())} data-capacity={c.capacity.map(|a| a.to_string())}
            data-admitted={c.admitted.to_string()} data-throttled={c.throttled.to_string()}>
            <div class="rate-head">
                <span class="rate-name mono">{ c.name }</span>
                <span class="rate-limits">{ limits }</span>
            </div>
            { bucket }
        </div>
    }
}

/// The identities drawing on their own buckets, busiest first (at most 20).
fn identities(lang: Lang, v: &ThrottleView) -> Html {
    if v.identities.is_empty() {
        let why = if v.categories.iter().any(|c| c.limit.is_some_and(|l| l.per_identity.is_some())) {
            t(lang, "rates.identities_full")
        } else {
            t(lang, "rates.identities_none")
        };
        return html! { <p class="small muted identities-empty">{ why }</p> };
    }
    html! {
        <>
            <h3>{ t(lang, "rates.busiest") }</h3>
            <div class="table-scroll" tabindex="0">
                <table id="rate-identities" class="identities">
                    <thead>
                        <tr><th scope="col">{ t(lang, "rates.col_identity") }</th><th scope="col">{ t(lang, "rates.col_category") }</th>
                            <th scope="col" title={t(lang, "rates.col_left_title")}>{ t(lang, "rates.col_left") }</th></tr>
                    </thead>
                    <tbody>
                        { for v.identities.iter().take(crate::ui::state::IDENTITIES_SHOWN).map(|i| html! {
                            <tr data-identity={i.identity.as_str().to_string()}>
                                <td class="mono">{ i.identity.as_str() }</td>
                                <td class="mono small">{ i.category.as_str() }</td>
                                <td class="num" data-available={i.available.to_string()} data-capacity={i.capacity.to_string()}>
                                    { tf(lang, "rates.left", &[&signed_in(lang, i.available), &grouped_in(lang, i.capacity)]) }
                                </td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </>
    }
}

/// The last scale-out: the sentence, the figures behind it, and the Retry-After to wait out.
fn report(lang: Lang, s: &ScaleOutSnap, retry: Option<&Retry>, on_action: &Callback<Action>) -> Html {
    let r = &s.report;
    let wait = retry.filter(|r| r.op == RetryOp::ScaleOut).map(|retry| {
        html! {
            <button id="retry-after" type="button" class="primary" data-seconds={retry.seconds.to_string()}
                title={t(lang, "rates.wait_title")}
                onclick={on_action.reform(|_| Action::RetryAfter)}>
                { tf(lang, "rates.wait", &[&retry.seconds.to_string()]) }
            </button>
        }
    });
    let identity = if s.shared_identity { t(lang, "rates.shared_identity") } else { "node-1 … node-N" };
    html! {
        <div id="scale-out-report" class={classes!("scale-report", (r.throttled > 0).then_some("throttled"))}
            data-nodes={r.nodes.to_string()} data-completed={r.completed.to_string()}
            data-throttled={r.throttled.to_string()} data-retry-after={r.retry_after_max_s.to_string()}
            data-first-throttled={r.first_throttled_node.map(|n| n.to_string())}
            data-reads-per-node={r.reads_per_node.to_string()} data-bytes-per-node={r.bytes_per_node.to_string()}
            data-took-ms={r.took_ms.0.to_string()}>
            <p class="scale-sentence"><strong>{ scale_out_sentence_in(lang, r, &s.image) }</strong></p>
            <ul class="scale-facts small">
                <li>{ tf(lang, "rates.counted_against", &[identity]) }</li>
                <li>{ tf(lang, "rates.each_node", &[&grouped_in(lang, r.reads_per_node as u64), &exact_bytes_in(lang, r.bytes_per_node)]) }</li>
                { for r.first_throttled_node.map(|n| html! { <li>{ tf(lang, "rates.first_refused", &[&n.to_string()]) }</li> }) }
                <li>{ tf(lang, "rates.took", &[&exact_ms_in(lang, r.took_ms.0)]) }</li>
            </ul>
            { wait }
        </div>
    }
}

/// A token count that can be below zero (a bucket in debt), grouped like every count.
fn signed_in(lang: Lang, n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", grouped_in(lang, n.unsigned_abs()))
}
