use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::faults::{TimingFields, use_timing};
use super::inline_error_with_id;
use crate::engine::region;
use crate::engine::{Fault, FaultKind, FaultState, GeoStorageView, Usage};
use crate::ui::format::{exact_bytes_in, grouped_in, human_bytes_in, short_duration_in};
use crate::ui::i18n::{Lang, t, tf, tn, use_lang};
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
    let lang = use_lang();
    let Some(u) = &props.usage else { return html! {} };
    let keys = props.keys.iter().map(|(id, wraps)| {
        html! {
            <li>
                <span class="mono">{ id }</span>
                { tf(lang, "accounts.key_wrapped", &[&tn(lang, "unit.data_keys", *wraps)]) }
            </li>
        }
    });
    let bytes = |n: u64| {
        html! { <td class="num" data-bytes={n.to_string()} title={exact_bytes_in(lang, n)}>{ human_bytes_in(lang, n) }</td> }
    };
    let records = |all: usize, released: usize| {
        html! {
            <td class="num" data-records={all.to_string()} data-released={released.to_string()}>
                { grouped_in(lang, all as u64) }
                if released > 0 {
                    <span class="released" title={t(lang, "accounts.released_title")}>
                        { tf(lang, "accounts.released", &[&grouped_in(lang, released as u64)]) }
                    </span>
                }
            </td>
        }
    };
    html! {
            <section id="accounts" class="panel accounts" aria-labelledby="accounts-title">
                <h2 id="accounts-title">{ t(lang, "accounts.title") }</h2>
                <p class="hint">{ t(lang, "accounts.hint") }</p>
                <div class="table-scroll" tabindex="0">
    <table class="usage">
                    <thead>
                        <tr><th scope="col">{ t(lang, "common.account_col") }</th><th scope="col">{ t(lang, "accounts.records_col") }</th>
                            <th scope="col" title={t(lang, "accounts.billed_title")}>{ t(lang, "common.billed_col") }</th>
                            <th scope="col" title={t(lang, "accounts.stored_title")}>{ t(lang, "accounts.stored_col") }</th>
                            <th scope="col" title={t(lang, "accounts.sealed_title")}>{ t(lang, "accounts.sealed_col") }</th></tr>
                    </thead>
                    <tbody>
                        { for u.accounts.iter().map(|a| html! {
                            <tr data-account={a.name.clone()} data-synthetic-records={a.synthetic_records.to_string()}>
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
                            <th scope="row">{ t(lang, "accounts.total") }</th>
                            { records(u.total_records, u.total_released_records) }
                            { bytes(u.total_billed_bytes) }
                            { bytes(u.total_stored_bytes) }
                            { bytes(u.total_sealed_bytes) }
                        </tr>
                    </tfoot>
                </table>
    </div>
                { synthetic_note(lang, u) }
                { geo(lang, props, &timing, &lag) }
                <h3>{ t(lang, "accounts.registry_key") }</h3>
                <ul class="keys">{ for keys }</ul>
            </section>
        }
}

/// Why sealed reads far below billed when synthetic layers are stored: each bills its declared
/// size while only a seed sample is sealed (the engine counts them per account).
fn synthetic_note(lang: Lang, u: &Usage) -> Html {
    if u.total_synthetic_records == 0 {
        return html! {};
    }
    html! {
        <p class="note accounts-synthetic" data-synthetic-records={u.total_synthetic_records.to_string()}>
            <span class="badge">{ t(lang, "blob.synthetic") }</span>{ " " }
            { tf(lang, "accounts.synthetic_note", &[
                &tn(lang, "accounts.synthetic_layers", u.total_synthetic_records as u64),
                &human_bytes_in(lang, u.total_synthetic_billed_bytes),
            ]) }
        </p>
    }
}

/// Geo-redundant storage per account: the recovery point window (written here, not yet in the
/// paired region), what a destroyed primary lost, and the account faults.
fn geo(
    lang: Lang,
    props: &AccountsProps,
    timing: &super::faults::Timing,
    lag: &UseStateHandle<String>,
) -> Html {
    let Some(g) = &props.geo else { return html! {} };
    let pair = g.paired.and_then(region::region).map(|p| p.display_name);
    let intro = match pair {
        Some(p) => tf(
            lang,
            "accounts.geo_intro",
            &[g.region_display_name, p, &short_duration_in(lang, g.geo_lag_ms)],
        ),
        None => tf(lang, "accounts.geo_intro_local", &[g.region_display_name]),
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
            t(lang, "accounts.all_copied").to_string()
        } else {
            format!(
                "{} · {}{}",
                tn(lang, "unit.records", a.uncopied_records as u64),
                human_bytes_in(lang, a.uncopied_bytes),
                a.window_ms.map_or(String::new(), |w| tf(lang, "accounts.window_old", &[&short_duration_in(lang, w)]))
            )
        };
        let failure = a.failure.map(|f| {
            let since = f.since.to_string();
            let words = if f.destroyed {
                tf(lang, "accounts.destroyed_since", &[&since])
            } else {
                tf(lang, "accounts.failed_since", &[&since])
            };
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
                        onclick={props.on_action.reform(move |_| Action::HealFault(id))}>{ t(lang, "common.heal") }</button>
                }
            });
        html! {
            <tr data-account={a.name.clone()} data-uncopied={a.uncopied_records.to_string()}
                data-uncopied-bytes={a.uncopied_bytes.to_string()} data-window-ms={a.window_ms.map(|w| w.0.to_string())}
                data-lost={a.lost_records.to_string()} data-lost-bytes={a.lost_bytes.to_string()}
                data-failed={a.failure.map(|f| if f.destroyed { "destroyed" } else { "failed" })}>
                <td class="mono">{ &a.name }{ failure }</td>
                <td class="window">{ window }</td>
                <td class={classes!("num", (a.lost_records > 0).then_some("bad"))} title={exact_bytes_in(lang, a.lost_bytes)}>
                    { if a.lost_records == 0 { "0".to_string() } else {
                        format!("{} · {}", grouped_in(lang, a.lost_records as u64), human_bytes_in(lang, a.lost_bytes))
                    } }
                </td>
                <td class="account-faults">
                    <button type="button" class="warn fail-account" onclick={inject(&a.name, false)}
                        title={t(lang, "accounts.fail_title")}>
                        { t(lang, "accounts.fail") }
                    </button>
                    <button type="button" class="danger destroy-account" onclick={inject(&a.name, true)}
                        title={t(lang, "accounts.destroy_title")}>
                        { t(lang, "accounts.destroy") }
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
            <h3>{ t(lang, "accounts.geo_title") }</h3>
            <p class="hint">{ intro }</p>
            <div class="account-timing" role="group" aria-label={t(lang, "accounts.timing_label")}>
                <span class="small muted">{ t(lang, "accounts.timing_lead") }</span>
                <TimingFields timing={timing.clone()} prefix="account" />
            </div>
            <div class="table-scroll" tabindex="0">
                <table class="usage geo-accounts">
                    <thead>
                        <tr>
                            <th scope="col">{ t(lang, "common.account_col") }</th>
                            <th scope="col" title={t(lang, "accounts.uncopied_title")}>{ t(lang, "accounts.uncopied_col") }</th>
                            <th scope="col" title={t(lang, "accounts.lost_title")}>{ t(lang, "common.lost_col") }</th>
                            <th scope="col">{ t(lang, "accounts.fault_col") }</th>
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            <form class="geo-lag" onsubmit={set_lag}>
                <label class="field inline">
                    <span class="label">{ t(lang, "accounts.lag_label") }</span>
                    <input id="geo-lag" type="text" class="duration" autocomplete="off" spellcheck="false"
                        placeholder={short_duration_in(lang, g.geo_lag_ms)} value={(**lag).clone()} oninput={on_lag}
                        title={t(lang, "accounts.lag_title")} />
                </label>
                <button id="geo-lag-set" type="submit">{ t(lang, "accounts.set_lag") }</button>
            </form>
            { props.error.as_ref().map(|e| inline_error_with_id(e, Some("accounts-error"))) }
        </div>
    }
}
