//! Clients (`#clients`): the clients added from the map, and a client push or pull whose every
//! request the global endpoint routes on its own. The table shows which replica served each
//! request, so a push split across two replicas (MANIFEST_BLOB_UNKNOWN, pain point 1) is seen.
//! The counts per client are of what was run from this page.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::inline_error_with_id;
use crate::engine::Client;
use crate::engine::region;
use crate::engine::scenario::request_msg;
use crate::ui::format::grouped_in;
use crate::ui::i18n::{Lang, t, tf, tn, use_lang};
use crate::ui::state::{Action, ClientRun, UiError};

#[derive(Properties, PartialEq)]
pub struct ClientsProps {
    pub clients: Vec<Client>,
    pub total: usize,
    pub runs: Vec<ClientRun>,
    pub error: Option<UiError>,
    pub on_action: Callback<Action>,
}

fn display(name: &str) -> &str {
    region::region(name).map_or(name, |r| r.display_name)
}

#[function_component(ClientsPanel)]
pub fn clients_panel(props: &ClientsProps) -> Html {
    let lang = use_lang();
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
            <h2 id="clients-title">{ t(lang, "clients.title") }</h2>
            <p class="hint">{ t(lang, "clients.hint") }</p>
            { client_table(lang, props) }
            <div class="client-form">
                <label class="field inline">
                    <span class="label">{ t(lang, "clients.client") }</span>
                    <select id="client-pick" onchange={on_pick} disabled={none}>
                        { for props.clients.iter().map(|c| html! {
                            <option value={c.name.clone()} selected={c.name == client}>
                                { format!("{} ({}{})", c.name, c.region, if c.dns_cache { t(lang, "clients.dns_cache_suffix") } else { "" }) }
                            </option>
                        }) }
                    </select>
                </label>
                <label class="field inline">
                    <span class="label">{ t(lang, "common.repository") }</span>
                    <input id="client-repo" type="text" autocomplete="off" spellcheck="false"
                        value={(*repo).clone()} oninput={text(&repo)} />
                </label>
                <label class="field inline">
                    <span class="label">{ t(lang, "common.tag") }</span>
                    <input id="client-tag" type="text" class="short" autocomplete="off" spellcheck="false"
                        value={(*tag).clone()} oninput={text(&tag)} title={t(lang, "clients.tag_title")} />
                </label>
                <div class="button-row">
                    <button id="client-push" type="button" class="primary" disabled={none} onclick={push}
                        title={t(lang, "clients.push_title")}>
                        { t(lang, "clients.push") }
                    </button>
                    <button id="client-pull" type="button" disabled={none} onclick={pull}
                        title={t(lang, "clients.pull_title")}>
                        { t(lang, "clients.pull") }
                    </button>
                </div>
                <small>{ t(lang, "clients.push_note") }</small>
                if none {
                    <p class="small muted">{ t(lang, "clients.none") }</p>
                }
            </div>
            { props.error.as_ref().map(|e| inline_error_with_id(e, Some("clients-error"))) }
            { props.runs.first().map(|run| last_run(lang, run)) }
            { runs(lang, &props.runs) }
        </section>
    }
}

/// Every client shown, with the engine's request count and the page's runs and failures.
fn client_table(lang: Lang, props: &ClientsProps) -> Html {
    if props.clients.is_empty() {
        return html! {};
    }
    let more = props.total.saturating_sub(props.clients.len());
    html! {
        <div class="table-scroll" tabindex="0">
            <table id="client-table" class="client-table">
                <thead>
                    <tr>
                        <th scope="col">{ t(lang, "clients.col_client") }</th>
                        <th scope="col" title={t(lang, "clients.col_region_title")}>{ t(lang, "clients.col_region") }</th>
                        <th scope="col" title={t(lang, "clients.col_resolved_title")}>{ t(lang, "clients.col_resolved") }</th>
                        <th scope="col" title={t(lang, "clients.col_lookups_title")}>{ t(lang, "clients.col_lookups") }</th>
                        <th scope="col" title={t(lang, "clients.col_runs_title")}>{ t(lang, "clients.col_runs") }</th>
                        <th scope="col" title={t(lang, "clients.col_failed_title")}>{ t(lang, "clients.col_failed") }</th>
                    </tr>
                </thead>
                <tbody>
                    { for props.clients.iter().map(|c| {
                        // The engine counts every run of the client: from here, the console, a scenario.
                        let runs = c.pushes + c.pulls;
                        let failures: Vec<(&'static str, u64)> = c.failures.iter().map(|(k, n)| (*k, *n)).collect();
                        let failed: u64 = failures.iter().map(|(_, n)| n).sum();
                        html! {
                            <tr data-client={c.name.clone()} data-region={c.region} data-dns-cache={c.dns_cache.to_string()}
                                data-lookups={c.lookups.to_string()} data-runs={runs.to_string()}
                                data-failed={failed.to_string()}
                                data-manifest-blob-unknown={c.failures.get("MANIFEST_BLOB_UNKNOWN").copied().unwrap_or(0).to_string()}>
                                <th scope="row" class="mono">{ &c.name }</th>
                                <td>{ display(c.region) }<span class="sub">{ if c.dns_cache { t(lang, "clients.dns_cached") } else { t(lang, "clients.no_dns_cache") } }</span></td>
                                <td class="mono">{ c.resolved.map_or("—".to_string(), |(to, until)| {
                                    if c.dns_cache { tf(lang, "clients.resolved_until", &[to, &until.to_string()]) } else { to.to_string() }
                                }) }</td>
                                <td class="num">{ grouped_in(lang, c.lookups) }</td>
                                <td class="num">{ grouped_in(lang, runs) }</td>
                                <td class={classes!("num", "failed", (failed > 0).then_some("bad"))}>
                                    if failures.len() != 1 { { grouped_in(lang, failed) } }
                                    { for failures.iter().map(|(code, n)| html! {
                                        <span class="sub code-count" data-code={*code}>{ format!("{n} {code}") }</span>
                                    }) }
                                </td>
                            </tr>
                        }
                    }) }
                    if more > 0 {
                        <tr><td colspan="6" class="more-note">{ tf(lang, "common.and_more", &[&grouped_in(lang, more as u64)]) }</td></tr>
                    }
                </tbody>
            </table>
        </div>
    }
}

/// The last run: each request, the replica that served it, and how it went.
fn last_run(lang: Lang, run: &ClientRun) -> Html {
    let r = &run.report;
    let outcome = match (&r.error_code, &r.digest) {
        (Some(code), _) => {
            html! { <><code class="code">{ *code }</code>{ format!(" {}", r.error_text.as_ref().map(|m| m.text(lang)).or_else(|| r.error.clone()).unwrap_or_default()) }</> }
        }
        (None, Some(d)) => {
            html! { <>{ t(lang, "clients.ok_manifest") }<span class="mono">{ d.short() }</span></> }
        }
        (None, None) => html! { { "OK" } },
    };
    html! {
        <div id="client-report" class={classes!("client-report", r.error_code.map(|_| "failed"))}
            data-seq={run.seq.to_string()} data-op={run.op.as_str()} data-client={r.client.clone()}
            data-error={r.error_code} data-requests={r.requests.len().to_string()}>
            <h3>{ tf(lang, "clients.run_title", &[
                &run.seq.to_string(), &r.client, op_words(lang, run.op.as_str()), &run.image, &run.at.to_string(),
            ]) }</h3>
            <table class="routed">
                <thead><tr>
                    <th scope="col">{ t(lang, "clients.col_request") }</th>
                    <th scope="col">{ t(lang, "clients.col_served_by") }</th>
                    <th scope="col">{ t(lang, "clients.col_result") }</th>
                </tr></thead>
                <tbody>
                    { for r.requests.iter().map(|q| html! {
                        <tr data-region={q.region} data-error={q.error} class={classes!(q.error.map(|_| "bad"))}>
                            <td class="mono">{ request_msg(&q.request).text(lang) }</td>
                            <td>{ if q.region.is_empty() { t(lang, "clients.no_replica").to_string() } else { format!("{} ({})", display(q.region), q.region) } }</td>
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
fn runs(lang: Lang, runs: &[ClientRun]) -> Html {
    if runs.len() < 2 {
        return html! {};
    }
    html! {
        <>
            <h3>{ t(lang, "clients.recent") }</h3>
            <ol id="client-runs" class="client-runs small">
                { for runs.iter().map(|run| {
                    let r = &run.report;
                    let route: Vec<String> = r.requests.iter().map(|q| {
                        let what = request_msg(&q.request).text(lang);
                        match q.error {
                            Some(code) => format!("{what} ✗ {} {code}", q.region),
                            None => format!("{what} → {}", q.region),
                        }
                    }).collect();
                    html! {
                        <li data-seq={run.seq.to_string()} data-error={r.error_code}
                            class={classes!(r.error_code.map(|_| "bad"))}>
                            <span class="mono">{ format!("#{} {} ", run.seq, run.at) }</span>
                            <strong>{ format!("{} {} {}", r.client, op_words(lang, run.op.as_str()), run.image) }</strong>
                            { format!(": {}{}", route.join(", "), match r.error_code {
                                Some(_) => String::new(),
                                None => format!(" · OK, {}", tn(lang, "unit.requests", r.requests.len() as u64)),
                            }) }
                        </li>
                    }
                }) }
            </ol>
        </>
    }
}

/// A client run's operation (`push` or `pull`, as the state names it) in `lang`.
fn op_words(lang: Lang, op: &'static str) -> &'static str {
    match op {
        "push" => t(lang, "clients.op_push"),
        "pull" => t(lang, "clients.op_pull"),
        other => other,
    }
}
