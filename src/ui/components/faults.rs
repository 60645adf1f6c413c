//! Faults: the timeline strip under the clock bar (`#faults`), each fault shaded in the
//! engine's colour from its start to its heal (or now; scheduled ones ahead, hatched), the list
//! with Heal buttons, a form for the registry-wide faults, and the start/duration fields every
//! fault form shares.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::inline_error_with_id;
use crate::engine::{Fault, FaultKind, FaultState, Millis};
use crate::ui::format::{grouped_in, short_duration_in};
use crate::ui::i18n::{Lang, t, tf, use_lang};
use crate::ui::state::{Action, Panel, UiError};

/// Rows of the strip; more overlapping faults share the last one.
const LANES: usize = 5;
/// Faults listed under the strip.
const LISTED: usize = 20;

/// When a fault form's fault starts and how long it lasts, as typed.
#[derive(Clone, PartialEq)]
pub struct Timing {
    pub delay: UseStateHandle<String>,
    pub duration: UseStateHandle<String>,
}

#[hook]
pub fn use_timing() -> Timing {
    Timing { delay: use_state(String::new), duration: use_state(String::new) }
}

#[derive(Properties, PartialEq)]
pub struct TimingProps {
    pub timing: Timing,
    /// Makes the fields' ids unique: `{prefix}-fault-delay`, `{prefix}-fault-duration`.
    pub prefix: &'static str,
}

/// "Start after … lasting …": empty means now, and until healed by hand.
#[function_component(TimingFields)]
pub fn timing_fields(props: &TimingProps) -> Html {
    let lang = use_lang();
    let text = |handle: &UseStateHandle<String>| {
        let handle = handle.clone();
        Callback::from(move |e: InputEvent| handle.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    html! {
        <div class="timing">
            <label class="field inline">
                <span class="label">{ t(lang, "faults.start_after") }</span>
                <input id={format!("{}-fault-delay", props.prefix)} type="text" class="duration"
                    placeholder={t(lang, "faults.now")} autocomplete="off" spellcheck="false"
                    value={(*props.timing.delay).clone()} oninput={text(&props.timing.delay)}
                    title={t(lang, "faults.start_after_title")} />
            </label>
            <label class="field inline">
                <span class="label">{ t(lang, "faults.lasting") }</span>
                <input id={format!("{}-fault-duration", props.prefix)} type="text" class="duration"
                    placeholder={t(lang, "faults.until_healed")} autocomplete="off" spellcheck="false"
                    value={(*props.timing.duration).clone()} oninput={text(&props.timing.duration)}
                    title={t(lang, "faults.lasting_title")} />
            </label>
        </div>
    }
}

/// Whether a fault acts on the region named `region` (`home`: the registry's home region).
pub fn fault_targets_region(fault: &FaultKind, region: &str, home: &str) -> bool {
    match fault {
        FaultKind::ZoneFailure { region: r }
        | FaultKind::RegionOutage { region: r, .. }
        | FaultKind::ReplicationPaused { region: Some(r) }
        | FaultKind::RegionStorageFailure { region: Some(r), .. } => r == region,
        // Bit rot is in the home region's storage (the one the registry reads records from).
        FaultKind::RegionStorageFailure { region: None, .. } | FaultKind::BitRot { .. } => region == home,
        // A storage account is drawn by its own row; links, the key vault and the throttle
        // are no region's.
        FaultKind::StorageAccountFailure { .. }
        | FaultKind::ReplicationPaused { region: None }
        | FaultKind::NetworkPartition { .. }
        | FaultKind::SlowLink { .. }
        | FaultKind::KeyVaultUnreachable
        | FaultKind::ThrottleBurst { .. } => false,
    }
}

/// Whether a fault acts on the link between regions `a` and `b`.
pub fn fault_targets_link(fault: &FaultKind, a: &str, b: &str) -> bool {
    match fault {
        FaultKind::NetworkPartition { from, to, .. } | FaultKind::SlowLink { from, to, .. } => {
            (from == a && to == b) || (from == b && to == a)
        }
        FaultKind::StorageAccountFailure { .. }
        | FaultKind::RegionStorageFailure { .. }
        | FaultKind::BitRot { .. }
        | FaultKind::ZoneFailure { .. }
        | FaultKind::RegionOutage { .. }
        | FaultKind::ReplicationPaused { .. }
        | FaultKind::KeyVaultUnreachable
        | FaultKind::ThrottleBurst { .. } => false,
    }
}

/// A fault's state as its class and `data-state` name it.
pub fn fault_state_words(state: FaultState) -> &'static str {
    match state {
        FaultState::Scheduled => "scheduled",
        FaultState::Active => "active",
        FaultState::Healed => "healed",
    }
}

/// A fault's state in words, in `lang`.
pub fn fault_state_label(lang: Lang, state: FaultState) -> &'static str {
    match state {
        FaultState::Scheduled => t(lang, "faults.state_scheduled"),
        FaultState::Active => t(lang, "faults.state_active"),
        FaultState::Healed => t(lang, "faults.state_healed"),
    }
}

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// The newest faults, in the order they were injected.
    pub faults: Vec<Fault>,
    pub total: usize,
    pub now: Millis,
    pub error: Option<UiError>,
    pub on_action: Callback<Action>,
}

/// Where a fault's shading ends on the strip: its heal, its scheduled end, or now.
fn bar_end(f: &Fault, now: Millis, hi: Millis) -> Millis {
    match f.state {
        FaultState::Healed => f.healed_at_ms.unwrap_or(now),
        FaultState::Active => now.max(f.starts_at_ms),
        FaultState::Scheduled => f.ends_at_ms.unwrap_or(hi),
    }
}

#[function_component(FaultTimeline)]
pub fn fault_timeline(props: &TimelineProps) -> Html {
    let lang = use_lang();
    let timing = use_timing();
    let divisor = use_state(|| "10".to_string());
    let now = props.now;
    let global = {
        let inject = |fault: FaultKind| {
            let timing = timing.clone();
            props.on_action.reform(move |_: MouseEvent| Action::InjectFault {
                fault: fault.clone(),
                delay: (*timing.delay).clone(),
                duration: (*timing.duration).clone(),
                panel: Panel::Faults,
            })
        };
        let on_divisor = {
            let divisor = divisor.clone();
            Callback::from(move |e: InputEvent| {
                divisor.set(e.target_unchecked_into::<HtmlInputElement>().value())
            })
        };
        let burst = {
            let (timing, divisor) = (timing.clone(), divisor.clone());
            props.on_action.reform(move |_: MouseEvent| match divisor.trim().parse::<u32>() {
                Ok(d) => Action::InjectFault {
                    fault: FaultKind::ThrottleBurst { divisor: d },
                    delay: (*timing.delay).clone(),
                    duration: (*timing.duration).clone(),
                    panel: Panel::Faults,
                },
                Err(_) => Action::Fail(UiError::page(
                    "INVALID_INPUT",
                    tf(lang, "faults.bad_divisor", &[&format!("{:?}", divisor.trim())]),
                )),
            })
        };
        html! {
            <details class="global-faults">
                <summary>{ t(lang, "faults.global") }</summary>
                <div class="global-fault-form">
                    <TimingFields timing={timing.clone()} prefix="global" />
                    <div class="button-row">
                        <button id="fault-key-vault" type="button" class="warn" onclick={inject(FaultKind::KeyVaultUnreachable)}
                            title={t(lang, "faults.key_vault_title")}>
                            { t(lang, "faults.key_vault") }
                        </button>
                        <button id="fault-pause-all" type="button" class="warn"
                            onclick={inject(FaultKind::ReplicationPaused { region: None })}
                            title={t(lang, "faults.pause_all_title")}>
                            { t(lang, "faults.pause_all") }
                        </button>
                        <label class="field inline">
                            <span class="label">{ t(lang, "faults.buckets") }</span>
                            <input id="burst-divisor" type="number" min="2" max="1000" step="1"
                                value={(*divisor).clone()} oninput={on_divisor} aria-label={t(lang, "faults.divisor_label")} />
                        </label>
                        <button id="fault-throttle" type="button" class="warn" onclick={burst}
                            title={t(lang, "faults.throttle_title")}>
                            { t(lang, "faults.throttle") }
                        </button>
                    </div>
                </div>
            </details>
        }
    };
    let error = props.error.as_ref().map(|e| inline_error_with_id(e, Some("faults-error")));
    if props.faults.is_empty() {
        return html! {
            <section id="faults" class="faults empty-faults" aria-labelledby="faults-title" data-total="0">
                <h2 id="faults-title">{ t(lang, "faults.title") }</h2>
                <p class="small">{ t(lang, "faults.none") }</p>
                { global }
                { error }
            </section>
        };
    }

    // The strip covers the faults shown and now, with a margin on each side.
    let lo = props.faults.iter().map(|f| f.starts_at_ms).min().unwrap_or(now).min(now);
    let hi = props
        .faults
        .iter()
        .map(|f| {
            let failover = f.failover_at_ms.filter(|_| f.state != FaultState::Healed).unwrap_or_default();
            f.ends_at_ms.unwrap_or(f.starts_at_ms).max(f.healed_at_ms.unwrap_or_default()).max(failover)
        })
        .max()
        .unwrap_or(now)
        .max(now);
    let span = (hi.0 - lo.0).max(60_000);
    // Room on the right for what goes on after now.
    let (lo, hi) = (Millis(lo.0.saturating_sub(span / 20)), Millis(hi.0 + span / 4));
    let span = hi.0 - lo.0;
    // Percent of the strip, in hundredths, as integer arithmetic.
    let pos = |t: Millis| (u128::from(t.0.saturating_sub(lo.0)) * 10_000 / u128::from(span)) as u64;
    let pct = |h: u64| format!("{}.{:02}%", h / 100, h % 100);

    // Lanes: each fault in the first whose last fault has ended.
    let mut lane_ends: Vec<Millis> = vec![];
    let bars: Vec<Html> = props
        .faults
        .iter()
        .map(|f| {
            let end = bar_end(f, now, hi);
            // An active fault with no end goes on: its lane stays taken to the strip's end.
            let taken = if f.state == FaultState::Active { f.ends_at_ms.unwrap_or(hi) } else { end };
            let lane = match lane_ends.iter().position(|e| *e < f.starts_at_ms) {
                Some(i) => i,
                None if lane_ends.len() < LANES => {
                    lane_ends.push(Millis(0));
                    lane_ends.len() - 1
                }
                None => LANES - 1,
            };
            lane_ends[lane] = lane_ends[lane].max(taken);
            let (left, right) = (pos(f.starts_at_ms), pos(end));
            let width = right.saturating_sub(left).max(40);
            let top = 4 + lane * 16;
            // What is still ahead of an active fault: to its scheduled end, or on (hatched).
            let ahead = (f.state == FaultState::Active).then(|| {
                let to = pos(f.ends_at_ms.unwrap_or(hi)).max(right);
                html! {
                    <span class="fault-bar ahead" style={format!("left:{};width:{};top:{top}px;background-color:{}",
                        pct(right), pct(to.saturating_sub(right)), f.colour)} aria-hidden="true"></span>
                }
            });
            let failover = f.failover_at_ms.map(|at| html! {
                <span class="failover-mark" style={format!("left:{};top:{top}px", pct(pos(at)))}
                    title={tf(lang, "faults.failover_mark", &[&f.id.to_string(), &at.to_string()])}></span>
            });
            let state = fault_state_words(f.state);
            // The fault's words in the page's language.
            let text = f.fault.describe_msg().text(lang);
            let until = match (f.state, f.healed_at_ms, f.ends_at_ms) {
                (FaultState::Healed, Some(h), _) => tf(lang, "faults.bar_healed_at", &[&h.to_string()]),
                (_, _, Some(e)) => tf(lang, "faults.bar_until", &[&e.to_string()]),
                _ => t(lang, "faults.bar_until_healed").to_string(),
            };
            let title = tf(
                lang,
                "faults.bar_title",
                &[
                    &f.id.to_string(),
                    &text,
                    fault_state_label(lang, f.state),
                    &f.starts_at_ms.to_string(),
                    &until,
                ],
            );
            html! {
                <>
                    { ahead }
                    <span class={classes!("fault-bar", state)} data-fault={f.id.to_string()} data-state={state}
                        style={format!("left:{};width:{};top:{top}px;background-color:{}", pct(left), pct(width), f.colour)}
                        title={title.clone()} tabindex="0" aria-label={title}>
                        <span class="fault-bar-text">{ format!("{} {text}", f.id) }</span>
                    </span>
                    { failover }
                </>
            }
        })
        .collect();
    let lanes = lane_ends.len().max(1);

    // Active first, then scheduled, then healed, newest first within each.
    let mut listed: Vec<&Fault> = props.faults.iter().rev().collect();
    listed.sort_by_key(|f| match f.state {
        FaultState::Active => 0,
        FaultState::Scheduled => 1,
        FaultState::Healed => 2,
    });
    let more = props.total.saturating_sub(listed.len().min(LISTED));
    let rows = listed.into_iter().take(LISTED).map(|f| {
        let id = f.id;
        let state = fault_state_words(f.state);
        let start = f.starts_at_ms.to_string();
        let when = match (f.state, f.healed_at_ms, f.ends_at_ms) {
            (FaultState::Healed, Some(h), _) => tf(lang, "faults.when_healed", &[&start, &h.to_string()]),
            (FaultState::Scheduled, _, end) => tf(
                lang,
                "faults.when_starts",
                &[
                    &start,
                    &short_duration_in(lang, Millis(f.starts_at_ms.0.saturating_sub(now.0))),
                    &end.map_or(String::new(), |e| format!(" → {e}")),
                ],
            ),
            (_, _, Some(e)) => tf(lang, "faults.when_heals", &[&start, &e.to_string()]),
            _ => tf(lang, "faults.when_until_healed", &[&start]),
        };
        let failover = f.failover_at_ms.map(|at| {
            let key = if at <= now { "faults.failed_over_at" } else { "faults.fails_over_at" };
            html! { <span class="failover">{ tf(lang, key, &[&at.to_string()]) }</span> }
        });
        html! {
            <li class={classes!("fault-row", state)} data-fault={id.to_string()} data-state={state}>
                <span class="swatch" style={format!("background:{}", f.colour)}></span>
                <span class="fault-id mono">{ format!("#{id}") }</span>
                <span class="fault-text">{ f.fault.describe_msg().text(lang) }</span>
                <span class="fault-state">{ fault_state_label(lang, f.state) }</span>
                <span class="fault-when mono">{ when }</span>
                { failover }
                if f.state != FaultState::Healed {
                    <button type="button" class="heal" data-fault={id.to_string()}
                        onclick={props.on_action.reform(move |_| Action::HealFault(id))}
                        title={t(lang, "faults.heal_title")}>{ t(lang, "common.heal") }</button>
                }
            </li>
        }
    });
    let active = props.faults.iter().filter(|f| f.state == FaultState::Active).count();
    html! {
        <section id="faults" class="faults" aria-labelledby="faults-title" data-total={props.total.to_string()}
            data-active={active.to_string()}>
            <div class="faults-head">
                <h2 id="faults-title">{ t(lang, "faults.title") }</h2>
                <span class="small">{ tf(lang, "faults.summary", &[
                    &props.total.to_string(),
                    &active.to_string(),
                    &if props.total > props.faults.len() {
                        tf(lang, "faults.newest_drawn", &[&grouped_in(lang, props.faults.len() as u64)])
                    } else {
                        String::new()
                    },
                ]) }</span>
            </div>
            <div id="fault-strip" class="fault-strip" style={format!("height:{}px", 8 + lanes * 16)}
                data-from-ms={lo.0.to_string()} data-to-ms={hi.0.to_string()}>
                { for bars }
                <span class="now-mark" style={format!("left:{}", pct(pos(now)))} title={tf(lang, "faults.now_mark", &[&now.to_string()])}></span>
            </div>
            <div class="strip-scale small mono"><span>{ lo.to_string() }</span><span>{ hi.to_string() }</span></div>
            <ol id="fault-list" class="fault-list">
                { for rows }
                if more > 0 {
                    <li class="more-note">{ tf(lang, "common.and_more", &[&grouped_in(lang, more as u64)]) }</li>
                }
            </ol>
            { global }
            { error }
        </section>
    }
}
