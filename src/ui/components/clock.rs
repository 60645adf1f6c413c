use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::keys::{KeyHelp, KeyTarget, StoryKeys, help_button, speed_label_in, use_keys};
use crate::engine::Millis;
use crate::i18n::{Arg, Lang, Msg};
use crate::ui::format::{duration_words_in, grouped_in, short_duration_in, short_key};
use crate::ui::i18n::{t, tf, use_lang};
use crate::ui::state::{Action, ClockSnap, RUN_SPEEDS, TICK_MS};

#[derive(Properties, PartialEq)]
pub struct ClockProps {
    pub clock: ClockSnap,
    /// The registry shows the past: → steps along the run instead of running the next job.
    #[prop_or_default]
    pub in_past: bool,
    /// A guided story shown: the keys follow it.
    #[prop_or_default]
    pub story: StoryKeys,
    pub on_action: Callback<Action>,
}

/// Sends a `RunTick` every `TICK_MS` while the clock runs. The interval and its closure live
/// as long as the run: the effect's cleanup clears the one and drops the other.
#[hook]
fn use_run_timer(running: bool, on_action: Callback<Action>) {
    use_effect_with(running, move |running| {
        let timer = running.then(|| {
            let tick = Closure::<dyn Fn()>::new(move || on_action.emit(Action::RunTick));
            let id = web_sys::window().and_then(|w| {
                w.set_interval_with_callback_and_timeout_and_arguments_0(
                    tick.as_ref().unchecked_ref(),
                    TICK_MS as i32,
                )
                .ok()
            });
            (id, tick)
        });
        move || {
            if let Some((Some(id), _tick)) = timer
                && let Some(w) = web_sys::window()
            {
                w.clear_interval_with_handle(id);
            }
        }
    });
}

/// The clock bar: virtual time, the buttons that move it, and the garbage-collection backlog.
/// Time moves only when asked: a button, or a run at a chosen speed that can be paused, so
/// what a delete leaves behind can be looked at for as long as one likes.
#[function_component(ClockBar)]
pub fn clock_bar(props: &ClockProps) -> Html {
    let lang = use_lang();
    let c = &props.clock;
    let speed = use_state(|| 60u32);
    let until = use_state(String::new);
    let help = use_state(|| false);
    use_run_timer(c.running.is_some(), props.on_action.clone());
    // The speed shown is the running clock's (a story's "Continue" picks its own), else the
    // one chosen.
    let shown_speed = c.running.as_ref().map_or(*speed, |r| r.speed);
    {
        let target = KeyTarget {
            speed: shown_speed,
            until: (*until).clone(),
            running: c.running.as_ref().map(|r| r.until),
            help_open: *help,
            in_past: props.in_past,
            lang,
            story: props.story,
        };
        let set_speed = {
            let speed = speed.clone();
            Callback::from(move |s: u32| speed.set(s))
        };
        let set_help = {
            let help = help.clone();
            Callback::from(move |open: bool| help.set(open))
        };
        use_keys(target, set_speed, set_help, props.on_action.clone());
    }
    let open_help = {
        let help = help.clone();
        Callback::from(move |()| help.set(true))
    };
    let close_help = {
        let help = help.clone();
        Callback::from(move |()| help.set(false))
    };
    let delay = duration_words_in(lang, c.gc_delay);
    let advance = |by: Millis| props.on_action.reform(move |_| Action::Advance(by));
    let on_speed = {
        let (speed, on_action, running) = (speed.clone(), props.on_action.clone(), c.running.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value().parse().unwrap_or(60);
            speed.set(value);
            // A change of speed while running applies at once.
            if let Some(run) = &running {
                let until = run.until.map(|u| u.to_string()).unwrap_or_default();
                on_action.emit(Action::Run { speed: value, until });
            }
        })
    };
    let on_until = {
        let until = until.clone();
        Callback::from(move |e: InputEvent| until.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let run = {
        let (speed, until) = (speed.clone(), until.clone());
        props.on_action.reform(move |_: MouseEvent| Action::Run { speed: *speed, until: (*until).clone() })
    };
    let running = c.running.is_some();
    let run_state = c.running.as_ref().map(|r| {
        let speed = speed_label_in(lang, r.speed);
        let words = match r.until {
            Some(u) => tf(lang, "clock.running_until", &[&speed, &u.to_string()]),
            None => tf(lang, "clock.running", &[&speed]),
        };
        html! {
            <span id="run-state" class="run-state" data-speed={r.speed.to_string()}
                data-until={r.until.map(|u| u.0.to_string())}>
                { words }
            </span>
        }
    });
    html! {
        <section id="clock" class="clock" aria-labelledby="clock-title">
            <div class="clock-main">
            <div class="clock-row">
                <div class="clock-time">
                    <h2 id="clock-title">{ t(lang, "clock.title") }</h2>
                    <output id="clock-now" class="mono" data-ms={c.now.0.to_string()} aria-live="polite"
                        title={t(lang, "clock.now_title")}>
                        { c.now.to_string() }
                    </output>
                </div>
                <div class="clock-buttons" role="group" aria-label={t(lang, "clock.move_label")}>
                    <button id="advance-1m" type="button" onclick={advance(Millis::MINUTE)}
                        title={t(lang, "clock.advance_1m_title")}>
                        { format!("+{}", short_duration_in(lang, Millis::MINUTE)) }
                    </button>
                    <button id="advance-10m" type="button" onclick={advance(Millis(10 * Millis::MINUTE.0))}
                        title={t(lang, "clock.advance_10m_title")}>
                        { format!("+{}", short_duration_in(lang, Millis(10 * Millis::MINUTE.0))) }
                    </button>
                    <button id="step-job" type="button" aria-keyshortcuts="ArrowRight" onclick={props.on_action.reform(|_| Action::StepJob)}
                        title={t(lang, "clock.next_job_title")}>
                        { t(lang, "clock.next_job") }
                    </button>
                    <button id="run-idle" type="button" onclick={props.on_action.reform(|_| Action::RunUntilIdle)}
                        title={t(lang, "clock.run_idle_title")}>
                        { t(lang, "clock.run_idle") }
                    </button>
                </div>
                <div class="run-controls" role="group" aria-label={t(lang, "clock.run_label")}>
                    <label class="run-speed" title={t(lang, "clock.speed_title")}>
                        <span class="visually-hidden">{ t(lang, "clock.speed") }</span>
                        <select id="run-speed" onchange={on_speed}>
                            { for RUN_SPEEDS.iter().map(|(value, _)| html! {
                                <option value={value.to_string()} selected={*value == shown_speed}>{ speed_label_in(lang, *value) }</option>
                            }) }
                        </select>
                    </label>
                    <input id="run-until" type="text" class="run-until" placeholder={t(lang, "clock.until_placeholder")}
                        autocomplete="off" spellcheck="false" value={(*until).clone()} oninput={on_until}
                        aria-label={t(lang, "clock.until_label")} title={t(lang, "clock.until_title")} />
                    if running {
                        <button id="run-pause" type="button" class="run-button running" aria-keyshortcuts="Space"
                            onclick={props.on_action.reform(|_| Action::Pause)}
                            title={t(lang, "clock.pause_title")}>
                            { t(lang, "clock.pause") }
                        </button>
                    } else {
                        <button id="run-start" type="button" class="run-button" aria-keyshortcuts="Space" onclick={run}
                            title={t(lang, "clock.run_title")}>
                            { t(lang, "clock.run") }
                        </button>
                    }
                    { run_state }
                    { help_button(lang, open_help) }
                </div>
            </div>
            <p class="hint">
                { tf(lang, "clock.hint", &[&delay]) }
            </p>
            </div>
            { backlog(lang, c) }
            <KeyHelp open={*help} story={props.story} on_close={close_help} />
        </section>
    }
}

/// How many records wait for garbage collection and the next few reclaims (when, which
/// record), then the other queued work by kind.
fn backlog(lang: Lang, c: &ClockSnap) -> Html {
    let summary = match c.jobs.first() {
        None => t(lang, "clock.nothing_waits").to_string(),
        Some(next) => Msg::new("clock.waits", [Arg::Count(c.reclaims as u64), next.at_ms.to_string().into()])
            .counted(c.reclaims as u64)
            .text(lang),
    };
    let more = c.reclaims.saturating_sub(c.jobs.len());
    let also = (!c.kinds.is_empty()).then(|| {
        let kinds: Vec<String> = c
            .kinds
            .iter()
            .map(|k| {
                tf(
                    lang,
                    "clock.kind_next",
                    &[&crate::ui::format::job_kind_msg(k.kind, k.count).text(lang), &k.next_at.to_string()],
                )
            })
            .collect();
        html! {
            <p class="backlog-also" data-kinds={c.kinds.len().to_string()}>
                { tf(lang, "clock.also", &[&kinds.join(", ")]) }
            </p>
        }
    });
    html! {
        <div id="gc-backlog" class={classes!("backlog", (c.reclaims > 0).then_some("busy"))}
            data-jobs={c.reclaims.to_string()} data-queued={c.jobs_total.to_string()}>
            <p class="backlog-summary">{ summary }</p>
            if !c.jobs.is_empty() {
                <ol class="jobs">
                    { for c.jobs.iter().map(|j| html! {
                        <li class="job" data-at-ms={j.at_ms.0.to_string()} data-kind={j.kind}>
                            <span class="at mono">{ j.at_ms.to_string() }</span>
                            <span class="kind">{ job_kind_name(lang, j.kind) }</span>
                            <span class="target mono" title={j.target.clone()}>{ short_key(&j.target) }</span>
                        </li>
                    }) }
                    if more > 0 {
                        <li class="more-note">{ tf(lang, "common.and_more", &[&grouped_in(lang, more as u64)]) }</li>
                    }
                </ol>
            }
            { also }
        </div>
    }
}

/// A queued job's kind (the engine's `JobView::kind`) as a word in `lang`; a kind with no word
/// shows as the engine names it.
fn job_kind_name(lang: Lang, kind: &'static str) -> &'static str {
    match kind {
        "reclaim" => t(lang, "clock.kind_reclaim"),
        other => other,
    }
}
