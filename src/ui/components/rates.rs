//! Request rates and bandwidth (`#rate-panel`): the rate model, each category's registry-wide
//! bucket against its limits, the identities drawing on theirs, the tier's bandwidth, and a
//! cluster scale-out that pulls one image on many nodes at once. Every figure is the engine's.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::tier::width;
use crate::engine::throttle::{CategoryView, RateModel};
use crate::engine::{ThrottleView, Tier};
use crate::ui::format::{exact_bytes, exact_ms, grouped, mb_per_s, scale_out_sentence};
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

const MODELS: [(&str, &str); 3] = [
    ("2026", "2026: token buckets per registry and per identity"),
    ("2019", "2019: per-minute limits per registry"),
    ("off", "no limits (not an ACR model)"),
];

#[function_component(RatePanel)]
pub fn rate_panel(props: &RatePanelProps) -> Html {
    let nodes = use_state(|| "300".to_string());
    let shared = use_state(|| true);
    let Some(t) = &props.throttle else { return html! {} };
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
    let model = t.model.as_str();
    let tier = props.tier.map_or("this tier", Tier::as_str);
    let image = props.target.as_ref().map(|(repo, tag)| format!("{repo}:{tag}"));
    html! {
        <section id="rate-panel" class="panel rate-panel" aria-labelledby="rate-title" data-model={model}>
            <h2 id="rate-title">{ "Request rates and bandwidth" }</h2>
            <p class="hint">{ "Every client request (push, pull, list, delete) counts against the registry's \
                               limit for its kind, and in the 2026 model against the identity making it too. \
                               Over a limit the registry answers 429 TOOMANYREQUESTS with a Retry-After. The \
                               page's own views of the registry are not counted." }</p>
            <label class="field inline rate-model-field">
                <span class="label">{ "Rate model" }</span>
                <select id="rate-model" onchange={on_model}
                    title="Which published request-rate limits the registry enforces; a change refills every bucket">
                    { for MODELS.iter().map(|(value, label)| html! {
                        <option value={*value} selected={*value == model}>{ *label }</option>
                    }) }
                </select>
            </label>
            <div id="rate-categories" class="rate-categories">
                { for t.categories.iter().map(|c| category_row(c, t.model)) }
            </div>
            { identities(t) }
            <p id="bandwidth" class="bandwidth" data-download={t.download_bytes_per_s.to_string()}
                data-upload={t.upload_bytes_per_s.to_string()}>
                <strong>{ format!("Bandwidth on {tier}: ") }</strong>
                { format!(
                    "download {}, upload {}. Every push and pull takes virtual time at these rates.",
                    mb_per_s(t.download_bytes_per_s),
                    mb_per_s(t.upload_bytes_per_s)
                ) }
            </p>
            <p class="small muted simplifications">
                { format!(
                    "Stowage's simplifications: a bucket holds {} seconds of its per-minute rate (ACR publishes \
                     no burst size); the 2019–2022 bandwidth figures apply in both models (the 2026 table gives \
                     none); a refused request changes nothing, buckets included.",
                    t.burst_seconds
                ) }
            </p>
            <div id="scale-out" class="scale-out">
                <h3>{ "Cluster scale-out" }</h3>
                <p class="hint">{ "Many nodes pull one image at the same virtual instant, each its manifest, its \
                                   config and every layer, as AKS nodes do when a node pool scales out. Nodes \
                                   that share the kubelet identity share its bucket." }</p>
                <div class="scale-controls">
                    <label class="field inline">
                        <span class="label">{ "Nodes" }</span>
                        <input id="scale-out-nodes" type="number" min="1" max="10000" step="1"
                            value={(*nodes).clone()} oninput={on_nodes} title="How many nodes pull at once (1 to 10,000)" />
                    </label>
                    <label class="check" title="All nodes count against one identity, cluster, as AKS nodes share a kubelet identity; otherwise each node is its own identity">
                        <input id="scale-out-shared" type="checkbox" checked={*shared} onchange={on_shared} />
                        { " shared kubelet identity" }
                    </label>
                    <button id="scale-out-pull" type="button" disabled={image.is_none()} onclick={on_pull}
                        title="Every node pulls the image now; refused nodes get nothing">
                        { "Pull on every node" }
                    </button>
                </div>
                <p class="small scale-image">
                    { match &image {
                        Some(i) => html! { <>{ "Image: " }<span id="scale-out-image" class="mono">{ i.clone() }</span>
                            { " (the last image pushed here, otherwise the first tagged one in the catalog)" }</> },
                        None => html! { { "Push a tagged image first: there is nothing to pull yet." } },
                    } }
                </p>
                { props.scale_out.as_ref().map(|s| report(s, props.retry.as_ref(), &props.on_action)) }
            </div>
        </section>
    }
}

/// One category: its limits, the registry-wide bucket as a bar, and the counts.
fn category_row(c: &CategoryView, model: RateModel) -> Html {
    let limits = match &c.limit {
        Some(l) => {
            let identity = l
                .per_identity
                .map_or("no per-identity limit".to_string(), |i| format!("{}/min per identity", grouped(i)));
            format!("{}/min per registry · {identity}", grouped(l.per_registry))
        }
        None if model == RateModel::Unlimited => "not limited".to_string(),
        None => "no limit of its own in this model".to_string(),
    };
    let bucket = match (c.available, c.capacity) {
        (Some(available), Some(capacity)) => {
            let fill = u64::try_from(available).unwrap_or(0);
            let words = if available < 0 {
                format!(
                    "{available} of {}: in debt, a request larger than the bucket took more than it held",
                    grouped(capacity)
                )
            } else {
                format!("{} of {} in the registry's bucket now", grouped(fill), grouped(capacity))
            };
            html! {
                <>
                    <div class="bar rate-bar" title={format!("The registry-wide bucket holds {capacity} requests and refills at the per-minute rate")}>
                        <span class={classes!("fill", (fill > 0).then_some("sliver"))} style={width(fill, capacity)}></span>
                    </div>
                    <p class="rate-words">
                        <span class="bucket-words">{ words }</span>
                        { format!(" · {} admitted · {} throttled", grouped(c.admitted), grouped(c.throttled)) }
                    </p>
                </>
            }
        }
        _ => html! {
            <p class="rate-words">
                { format!("{} admitted · {} throttled", grouped(c.admitted), grouped(c.throttled)) }
            </p>
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
fn identities(t: &ThrottleView) -> Html {
    if t.identities.is_empty() {
        let why = if t.categories.iter().any(|c| c.limit.is_some_and(|l| l.per_identity.is_some())) {
            "No identity is drawing on its bucket: every one is full."
        } else {
            "This model has no per-identity limits."
        };
        return html! { <p class="small muted identities-empty">{ why }</p> };
    }
    html! {
        <>
            <h3>{ "Busiest identities" }</h3>
            <div class="table-scroll">
                <table id="rate-identities" class="identities">
                    <thead>
                        <tr><th scope="col">{ "identity" }</th><th scope="col">{ "category" }</th>
                            <th scope="col" title="Requests its own bucket could admit now, of what it holds when full">{ "left" }</th></tr>
                    </thead>
                    <tbody>
                        { for t.identities.iter().take(crate::ui::state::IDENTITIES_SHOWN).map(|i| html! {
                            <tr data-identity={i.identity.as_str().to_string()}>
                                <td class="mono">{ i.identity.as_str() }</td>
                                <td class="mono small">{ i.category.as_str() }</td>
                                <td class="num" data-available={i.available.to_string()} data-capacity={i.capacity.to_string()}>
                                    { format!("{} of {}", i.available, grouped(i.capacity)) }
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
fn report(s: &ScaleOutSnap, retry: Option<&Retry>, on_action: &Callback<Action>) -> Html {
    let r = &s.report;
    let wait = retry.filter(|r| r.op == RetryOp::ScaleOut).map(|retry| {
        html! {
            <button id="retry-after" type="button" class="primary" data-seconds={retry.seconds.to_string()}
                title="Move the virtual clock forward by the Retry-After the registry sent: the buckets refill meanwhile"
                onclick={on_action.reform(|_| Action::RetryAfter)}>
                { format!("Wait {} s (Retry-After)", retry.seconds) }
            </button>
        }
    });
    let identity = if s.shared_identity { "one shared identity, cluster" } else { "node-1 … node-N" };
    html! {
        <div id="scale-out-report" class={classes!("scale-report", (r.throttled > 0).then_some("throttled"))}
            data-nodes={r.nodes.to_string()} data-completed={r.completed.to_string()}
            data-throttled={r.throttled.to_string()} data-retry-after={r.retry_after_max_s.to_string()}
            data-first-throttled={r.first_throttled_node.map(|n| n.to_string())}
            data-reads-per-node={r.reads_per_node.to_string()} data-bytes-per-node={r.bytes_per_node.to_string()}
            data-took-ms={r.took_ms.0.to_string()}>
            <p class="scale-sentence"><strong>{ scale_out_sentence(r, &s.image) }</strong></p>
            <ul class="scale-facts small">
                <li>{ format!("Counted against {identity}.") }</li>
                <li>{ format!("Each node: {} reads, {}.", r.reads_per_node, exact_bytes(r.bytes_per_node)) }</li>
                { for r.first_throttled_node.map(|n| html! { <li>{ format!("The first node refused was node {n}.") }</li> }) }
                <li>{ format!("The nodes that got it took {} of virtual time to download.", exact_ms(r.took_ms.0)) }</li>
            </ul>
            { wait }
        </div>
    }
}
