//! Clients (`#clients`): the clients added from the map, and a client push or pull whose every
//! request the global endpoint routes on its own. The table shows which replica served each
//! request, so a push split across two replicas (MANIFEST_BLOB_UNKNOWN, pain point 1) is seen.
//! The counts per client are of what was run from this page.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::inline_error_with_id;
use crate::engine::Client;
use crate::engine::region;
use crate::ui::format::{count, grouped};
use crate::ui::state::{Action, ClientRun, ClientTally, UiError};

#[derive(Properties, PartialEq)]
pub struct ClientsProps {
    pub clients: Vec<Client>,
    pub total: usize,
    pub runs: Vec<ClientRun>,
    pub tally: Vec<ClientTally>,
    pub error: Option<UiError>,
    pub on_action: Callback<Action>,
}

fn display(name: &str) -> &str {
    region::region(name).map_or(name, |r| r.display_name)
}

#[function_component(ClientsPanel)]
pub fn clients_panel(props: &ClientsProps) -> Html {
    let picked = use_state(String::new);
    let repo = use_state(|| "demo/app".to_string());
    let tag = use_state(|| "v1".to_string());
    // The client used: the one picked, if it still exists, else the first.
    let client = props
        .clients
        .iter()
        .find(|c| c.name == *picked)
        .or(props.clients.first())
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let on_pick = {
        let picked = picked.clone();
        Callback::from(move |e: Event| picked.set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let text = |handle: &UseStateHandle<String>| {
        let handle = handle.clone();
        Callback::from(move |e: InputEvent| handle.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let push = {
        let (client, repo, tag) = (client.clone(), repo.clone(), tag.clone());
        props.on_action.reform(move |_: MouseEvent| Action::ClientPush {
            client: client.clone(),
            repo: (*repo).clone(),
            tag: (*tag).clone(),
        })
    };
    let pull = {
        let (client, repo, tag) = (client.clone(), repo.clone(), tag.clone());
        props.on_action.reform(move |_: MouseEvent| Action::ClientPull {
            client: client.clone(),
            repo: (*repo).clone(),
            reference: (*tag).clone(),
        })
    };
    let none = props.clients.is_empty();
    html! {
        <section id="clients" class="panel clients" aria-labelledby="clients-title"
            data-total={props.total.to_string()}>
            <h2 id="clients-title">{ "Clients" }</h2>
            <p class="hint">{ "A client lives in a region. Each of its requests goes to the routable replica with the \
                               lowest measured latency; without a DNS cache it resolves again for every request, so a \
                               push's layers and its manifest can land in different replicas." }</p>
            { client_table(props) }
            <div class="client-form">
                <label class="field inline">
                    <span class="label">{ "Client" }</span>
                    <select id="client-pick" onchange={on_pick} disabled={none}>
                        { for props.clients.iter().map(|c| html! {
                            <option value={c.name.clone()} selected={c.name == client}>
                                { format!("{} ({}{})", c.name, c.region, if c.dns_cache { ", DNS cache" } else { "" }) }
                            </option>
                        }) }
                    </select>
                </label>
                <label class="field inline">
                    <span class="label">{ "Repository" }</span>
                    <input id="client-repo" type="text" autocomplete="off" spellcheck="false"
                        value={(*repo).clone()} oninput={text(&repo)} />
                </label>
                <label class="field inline">
                    <span class="label">{ "Tag" }</span>
                    <input id="client-tag" type="text" class="short" autocomplete="off" spellcheck="false"
                        value={(*tag).clone()} oninput={text(&tag)} title="The tag to push, or the tag or digest to pull" />
                </label>
                <div class="button-row">
                    <button id="client-push" type="button" class="primary" disabled={none} onclick={push}
                        title="The client pushes two small text layers, a config and a manifest, one request at a time">
                        { "Client push" }
                    </button>
                    <button id="client-pull" type="button" disabled={none} onclick={pull}
                        title="The client pulls the manifest, then each blob, one request at a time">
                        { "Client pull" }
                    </button>
                </div>
                <small>{ "A client push sends two layers, layer-1.txt and layer-2.txt, each the line \
                          \"layer N of repo:tag, pushed by client at T ms\" (T: the virtual time), so every push is \
                          new content." }</small>
                if none {
                    <p class="small muted">{ "Add a client first: click a region on the map." }</p>
                }
            </div>
            { props.error.as_ref().map(|e| inline_error_with_id(e, Some("clients-error"))) }
            { props.runs.first().map(last_run) }
            { runs(&props.runs) }
        </section>
    }
}

/// Every client shown, with the engine's request count and the page's runs and failures.
fn client_table(props: &ClientsProps) -> Html {
    if props.clients.is_empty() {
        return html! {};
    }
    let more = props.total.saturating_sub(props.clients.len());
    html! {
        <div class="table-scroll">
            <table id="client-table" class="client-table">
                <thead>
                    <tr>
                        <th scope="col">{ "client" }</th>
                        <th scope="col" title="Where it is, and whether it caches DNS">{ "region · DNS" }</th>
                        <th scope="col" title="The replica it resolved last (a caching client keeps it for 5 minutes)">{ "resolved" }</th>
                        <th scope="col" title="Times the global endpoint resolved a replica for it: every request without a DNS cache, once per 5 minutes with one">{ "lookups" }</th>
                        <th scope="col" title="Pushes and pulls run from this page">{ "runs" }</th>
                        <th scope="col" title="Runs from this page that failed, by error code">{ "failed" }</th>
                    </tr>
                </thead>
                <tbody>
                    { for props.clients.iter().map(|c| {
                        let tally = props.tally.iter().find(|t| t.client == c.name);
                        let runs = tally.map_or(0, |t| t.pushes + t.pulls);
                        let failures = tally.map(|t| t.failures.clone()).unwrap_or_default();
                        let failed: u32 = failures.iter().map(|(_, n)| n).sum();
                        html! {
                            <tr data-client={c.name.clone()} data-region={c.region} data-dns-cache={c.dns_cache.to_string()}
                                data-lookups={c.lookups.to_string()} data-runs={runs.to_string()}
                                data-failed={failed.to_string()}
                                data-manifest-blob-unknown={tally.map_or(0, |t| t.failed("MANIFEST_BLOB_UNKNOWN")).to_string()}>
                                <th scope="row" class="mono">{ &c.name }</th>
                                <td>{ display(c.region) }<span class="sub">{ if c.dns_cache { "DNS cached" } else { "no DNS cache" } }</span></td>
                                <td class="mono">{ c.resolved.map_or("—".to_string(), |(to, until)| {
                                    if c.dns_cache { format!("{to} until {until}") } else { to.to_string() }
                                }) }</td>
                                <td class="num">{ grouped(c.lookups) }</td>
                                <td class="num">{ runs }</td>
                                <td class={classes!("num", "failed", (failed > 0).then_some("bad"))}>
                                    if failures.len() != 1 { { grouped(u64::from(failed)) } }
                                    { for failures.iter().map(|(code, n)| html! {
                                        <span class="sub code-count" data-code={*code}>{ format!("{n} {code}") }</span>
                                    }) }
                                </td>
                            </tr>
                        }
                    }) }
                    if more > 0 {
                        <tr><td colspan="6" class="more-note">{ format!("… and {} more", grouped(more as u64)) }</td></tr>
                    }
                </tbody>
            </table>
        </div>
    }
}

/// The last run: each request, the replica that served it, and how it went.
fn last_run(run: &ClientRun) -> Html {
    let r = &run.report;
    let outcome = match (&r.error_code, &r.digest) {
        (Some(code), _) => {
            html! { <><code class="code">{ *code }</code>{ format!(" {}", r.error.clone().unwrap_or_default()) }</> }
        }
        (None, Some(d)) => html! { <>{ "OK: manifest " }<span class="mono">{ d.short() }</span></> },
        (None, None) => html! { { "OK" } },
    };
    html! {
        <div id="client-report" class={classes!("client-report", r.error_code.map(|_| "failed"))}
            data-seq={run.seq.to_string()} data-op={run.op.as_str()} data-client={r.client.clone()}
            data-error={r.error_code} data-requests={r.requests.len().to_string()}>
            <h3>{ format!("#{} {} {} {} at {}", run.seq, r.client, run.op.as_str(), run.image, run.at) }</h3>
            <table class="routed">
                <thead><tr><th scope="col">{ "request" }</th><th scope="col">{ "served by" }</th><th scope="col">{ "result" }</th></tr></thead>
                <tbody>
                    { for r.requests.iter().map(|q| html! {
                        <tr data-region={q.region} data-error={q.error} class={classes!(q.error.map(|_| "bad"))}>
                            <td class="mono">{ &q.request }</td>
                            <td>{ if q.region.is_empty() { "no replica".to_string() } else { format!("{} ({})", display(q.region), q.region) } }</td>
                            <td>{ match q.error { Some(code) => html! { <code class="code">{ code }</code> }, None => html! { { "OK" } } } }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <p class="small outcome">{ outcome }</p>
        </div>
    }
}

/// The runs made from the page, newest first: one line each, where each request went.
fn runs(runs: &[ClientRun]) -> Html {
    if runs.len() < 2 {
        return html! {};
    }
    html! {
        <>
            <h3>{ "Recent client runs" }</h3>
            <ol id="client-runs" class="client-runs small">
                { for runs.iter().map(|run| {
                    let r = &run.report;
                    let route: Vec<String> = r.requests.iter().map(|q| {
                        let what = q.request.trim_start_matches("PUT ").trim_start_matches("GET ");
                        match q.error {
                            Some(code) => format!("{what} ✗ {} {code}", q.region),
                            None => format!("{what} → {}", q.region),
                        }
                    }).collect();
                    html! {
                        <li data-seq={run.seq.to_string()} data-error={r.error_code}
                            class={classes!(r.error_code.map(|_| "bad"))}>
                            <span class="mono">{ format!("#{} {} ", run.seq, run.at) }</span>
                            <strong>{ format!("{} {} {}", r.client, run.op.as_str(), run.image) }</strong>
                            { format!(": {}{}", route.join(", "), match r.error_code {
                                Some(_) => String::new(),
                                None => format!(" · OK, {}", count(r.requests.len(), "request", "requests")),
                            }) }
                        </li>
                    }
                }) }
            </ol>
        </>
    }
}
