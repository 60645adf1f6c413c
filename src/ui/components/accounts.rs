use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::faults::{TimingFields, use_timing};
use super::inline_error_with_id;
use crate::engine::region;
use crate::engine::{Fault, FaultKind, FaultState, GeoStorageView, Usage};
use crate::ui::format::{count, exact_bytes, grouped, human_bytes, short_duration};
use crate::ui::state::{Action, Panel, UiError};

#[derive(Properties, PartialEq)]
pub struct AccountsProps {
    pub usage: Option<Usage>,
    pub keys: Vec<(String, u64)>,
    /// Geo-redundant storage: each account's recovery point window and losses.
    pub geo: Option<GeoStorageView>,
    /// The faults on the timeline (the active account failures get a Heal button here).
    pub faults: Vec<Fault>,
    pub error: Option<UiError>,
    pub on_action: Callback<Action>,
}

/// Storage accounts: what each bills, holds (logical and sealed), its geo-redundant copy's
/// recovery point window and losses, the faults one can inject on it, and the registry key.
#[function_component(Accounts)]
pub fn accounts(props: &AccountsProps) -> Html {
    let timing = use_timing();
    let lag = use_state(String::new);
    let Some(u) = &props.usage else { return html! {} };
    let keys = props.keys.iter().map(|(id, wraps)| {
        html! {
            <li>
                <span class="mono">{ id }</span>
                { format!(" has wrapped {}", count(*wraps as usize, "data key", "data keys")) }
            </li>
        }
    });
    let bytes = |n: u64| html! { <td class="num" data-bytes={n.to_string()} title={exact_bytes(n)}>{ human_bytes(n) }</td> };
    let records = |all: usize, released: usize| {
        html! {
            <td class="num" data-records={all.to_string()} data-released={released.to_string()}>
                { grouped(all as u64) }
                if released > 0 {
                    <span class="released" title="Released: billing stopped, awaiting garbage collection">
                        { format!(" {} released", grouped(released as u64)) }
                    </span>
                }
            </td>
        }
    };
    html! {
            <section id="accounts" class="panel accounts" aria-labelledby="accounts-title">
                <h2 id="accounts-title">{ "Storage accounts" }</h2>
                <p class="hint">{ "Records are spread over the accounts by digest. Billed bytes are what the registry \
                                   charges for: records still in use. Stored bytes add released records that garbage \
                                   collection has not reclaimed yet. Sealed bytes are the ciphertext, nonces and wrapped \
                                   keys actually held." }</p>
                <div class="table-scroll">
    <table class="usage">
                    <thead>
                        <tr><th scope="col">{ "account" }</th><th scope="col">{ "records" }</th>
                            <th scope="col" title="Logical bytes of records in use: what the registry bills">{ "billed" }</th>
                            <th scope="col" title="Logical bytes held: billed plus released records awaiting garbage collection">{ "stored" }</th>
                            <th scope="col" title="Ciphertext, nonces and wrapped keys actually held">{ "sealed" }</th></tr>
                    </thead>
                    <tbody>
                        { for u.accounts.iter().map(|a| html! {
                            <tr data-account={a.name.clone()}>
                                <td class="mono">{ &a.name }</td>
                                { records(a.records, a.released_records) }
                                { bytes(a.billed_bytes) }
                                { bytes(a.stored_bytes) }
                                { bytes(a.sealed_bytes) }
                            </tr>
                        }) }
                    </tbody>
                    <tfoot>
                        <tr>
                            <th scope="row">{ "total" }</th>
                            { records(u.total_records, u.total_released_records) }
                            { bytes(u.total_billed_bytes) }
                            { bytes(u.total_stored_bytes) }
                            { bytes(u.total_sealed_bytes) }
                        </tr>
                    </tfoot>
                </table>
    </div>
                { geo(props, &timing, &lag) }
                <h3>{ "Registry key" }</h3>
                <ul class="keys">{ for keys }</ul>
            </section>
        }
}

/// Geo-redundant storage per account: the recovery point window (written here, not yet in the
/// paired region), what a destroyed primary lost, and the account faults.
fn geo(props: &AccountsProps, timing: &super::faults::Timing, lag: &UseStateHandle<String>) -> Html {
    let Some(g) = &props.geo else { return html! {} };
    let pair = g.paired.and_then(region::region).map(|p| p.display_name);
    let intro = match pair {
        Some(p) => format!(
            "Each account in {} copies every write to {p} {} after it is made (Stowage's lag; Azure \
             gives no RPO guarantee, typically under 15 minutes). A primary destroyed inside that window \
             loses what was not copied yet.",
            g.region_display_name,
            short_duration(g.geo_lag_ms)
        ),
        None => format!(
            "{} keeps its data in its own geography: no paired-region copy, so a destroyed primary loses everything it held.",
            g.region_display_name
        ),
    };
    let on_lag = {
        let lag = lag.clone();
        Callback::from(move |e: InputEvent| lag.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let set_lag = {
        let lag = lag.clone();
        props.on_action.reform(move |e: SubmitEvent| {
            e.prevent_default();
            Action::SetGeoLag((*lag).clone())
        })
    };
    let inject = |account: &str, destroyed: bool| {
        let (timing, account) = (timing.clone(), account.to_string());
        props.on_action.reform(move |_: MouseEvent| Action::InjectFault {
            fault: FaultKind::StorageAccountFailure { account: account.clone(), destroyed },
            delay: (*timing.delay).clone(),
            duration: (*timing.duration).clone(),
            panel: Panel::Accounts,
        })
    };
    let rows = g.accounts.iter().map(|a| {
        let window = if a.uncopied_records == 0 {
            "all copied".to_string()
        } else {
            format!(
                "{} · {}{}",
                count(a.uncopied_records, "record", "records"),
                human_bytes(a.uncopied_bytes),
                a.window_ms.map_or(String::new(), |w| format!(" · {} old", short_duration(w)))
            )
        };
        let failure = a.failure.map(|f| {
            let words = if f.destroyed { format!("destroyed {}", f.since) } else { format!("failed over {}", f.since) };
            html! { <span class={classes!("account-failure", f.destroyed.then_some("destroyed"))}>{ words }</span> }
        });
        let heal = props
            .faults
            .iter()
            .filter(|f| f.state == FaultState::Active)
            .filter(|f| matches!(&f.fault, FaultKind::StorageAccountFailure { account, .. } if *account == a.name))
            .map(|f| {
                let id = f.id;
                html! {
                    <button type="button" class="heal quiet" data-fault={id.to_string()}
                        onclick={props.on_action.reform(move |_| Action::HealFault(id))}>{ "Heal" }</button>
                }
            });
        html! {
            <tr data-account={a.name.clone()} data-uncopied={a.uncopied_records.to_string()}
                data-uncopied-bytes={a.uncopied_bytes.to_string()} data-window-ms={a.window_ms.map(|w| w.0.to_string())}
                data-lost={a.lost_records.to_string()} data-lost-bytes={a.lost_bytes.to_string()}
                data-failed={a.failure.map(|f| if f.destroyed { "destroyed" } else { "failed" })}>
                <td class="mono">{ &a.name }{ failure }</td>
                <td class="window">{ window }</td>
                <td class={classes!("num", (a.lost_records > 0).then_some("bad"))} title={exact_bytes(a.lost_bytes)}>
                    { if a.lost_records == 0 { "0".to_string() } else {
                        format!("{} · {}", grouped(a.lost_records as u64), human_bytes(a.lost_bytes))
                    } }
                </td>
                <td class="account-faults">
                    <button type="button" class="warn fail-account" onclick={inject(&a.name, false)}
                        title="The primary fails: reads and writes go to the paired-region copy; writes inside the window are unavailable until it heals">
                        { "Fail" }
                    </button>
                    <button type="button" class="danger destroy-account" onclick={inject(&a.name, true)}
                        title="The primary is destroyed: what was not yet copied to the paired region is lost">
                        { "Destroy" }
                    </button>
                    { for heal }
                </td>
            </tr>
        }
    });
    let lost: usize = g.accounts.iter().map(|a| a.lost_records).sum();
    let lost_bytes: u64 = g.accounts.iter().map(|a| a.lost_bytes).sum();
    html! {
        <div id="geo-storage" class="geo-storage" data-region={g.region} data-paired={g.paired}
            data-lag-ms={g.geo_lag_ms.0.to_string()} data-lost={lost.to_string()} data-lost-bytes={lost_bytes.to_string()}>
            <h3>{ "Geo-redundant storage" }</h3>
            <p class="hint">{ intro }</p>
            <div class="account-timing" role="group" aria-label="When the Fail and Destroy buttons' faults start, and how long they last">
                <span class="small muted">{ "Fail and Destroy below:" }</span>
                <TimingFields timing={timing.clone()} prefix="account" />
            </div>
            <div class="table-scroll">
                <table class="usage geo-accounts">
                    <thead>
                        <tr>
                            <th scope="col">{ "account" }</th>
                            <th scope="col" title="The recovery point window: written here, not yet in the paired region, and how old the oldest is">{ "not yet copied" }</th>
                            <th scope="col" title="Records a destroyed primary alone held">{ "lost" }</th>
                            <th scope="col">{ "fault" }</th>
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            <form class="geo-lag" onsubmit={set_lag}>
                <label class="field inline">
                    <span class="label">{ "Copy lag" }</span>
                    <input id="geo-lag" type="text" class="duration" autocomplete="off" spellcheck="false"
                        placeholder={short_duration(g.geo_lag_ms)} value={(**lag).clone()} oninput={on_lag}
                        title="How long after a write its copy reaches the paired region, for writes from now on: e.g. 30s, 5m, 1h (at most 30 days)" />
                </label>
                <button id="geo-lag-set" type="submit">{ "Set lag" }</button>
            </form>
            { props.error.as_ref().map(|e| inline_error_with_id(e, Some("accounts-error"))) }
        </div>
    }
}
