use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::keys::{KeyHelp, KeyTarget, help_button, use_keys};
use crate::engine::Millis;
use crate::ui::format::{count, duration_words, job_kind_words, short_key};
use crate::ui::state::{Action, ClockSnap, RUN_SPEEDS, TICK_MS};

#[derive(Properties, PartialEq)]
pub struct ClockProps {
    pub clock: ClockSnap,
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
    let delay = duration_words(c.gc_delay);
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
        let to = r.until.map_or(String::new(), |u| format!(" until {u}"));
        html! {
            <span id="run-state" class="run-state" data-speed={r.speed.to_string()}
                data-until={r.until.map(|u| u.0.to_string())}>
                { format!("running {}{to}", r.speed_words()) }
            </span>
        }
    });
    html! {
        <section id="clock" class="clock" aria-labelledby="clock-title">
            <div class="clock-main">
            <div class="clock-row">
                <div class="clock-time">
                    <h2 id="clock-title">{ "Virtual time" }</h2>
                    <output id="clock-now" class="mono" data-ms={c.now.0.to_string()} aria-live="polite"
                        title="Time inside the simulation since the registry was created (days, then hours:minutes:seconds.milliseconds)">
                        { c.now.to_string() }
                    </output>
                </div>
                <div class="clock-buttons" role="group" aria-label="Move virtual time">
                    <button id="advance-1m" type="button" onclick={advance(Millis::MINUTE)}
                        title="Move the clock forward 1 virtual minute, running every job that falls due on the way">
                        { "+1 min" }
                    </button>
                    <button id="advance-10m" type="button" onclick={advance(Millis(10 * Millis::MINUTE.0))}
                        title="Move the clock forward 10 virtual minutes, running every job that falls due on the way">
                        { "+10 min" }
                    </button>
                    <button id="step-job" type="button" aria-keyshortcuts="ArrowRight" onclick={props.on_action.reform(|_| Action::StepJob)}
                        title="Run the next queued job now: the clock jumps to the time it was due">
                        { "Next job" }
                    </button>
                    <button id="run-idle" type="button" onclick={props.on_action.reform(|_| Action::RunUntilIdle)}
                        title="Run every queued job in order, moving the clock to each one's time, until none is left">
                        { "Run until idle" }
                    </button>
                </div>
                <div class="run-controls" role="group" aria-label="Run the clock">
                    <label class="run-speed" title="Virtual time per real second while the clock runs">
                        <span class="visually-hidden">{ "Speed" }</span>
                        <select id="run-speed" onchange={on_speed}>
                            { for RUN_SPEEDS.iter().map(|(value, label)| html! {
                                <option value={value.to_string()} selected={*value == shown_speed}>{ *label }</option>
                            }) }
                        </select>
                    </label>
                    <input id="run-until" type="text" class="run-until" placeholder="until (e.g. +10m)"
                        autocomplete="off" spellcheck="false" value={(*until).clone()} oninput={on_until}
                        aria-label="Run until this virtual time"
                        title="Optional: stop by itself at this virtual time, typed as the clock shows it (00:30:00, 1d 02:00:00) or from now (+10m, +2h)" />
                    if running {
                        <button id="run-pause" type="button" class="run-button running" aria-keyshortcuts="Space"
                            onclick={props.on_action.reform(|_| Action::Pause)}
                            title="Stop the clock where it is">
                            { "❚❚ Pause" }
                        </button>
                    } else {
                        <button id="run-start" type="button" class="run-button" aria-keyshortcuts="Space" onclick={run}
                            title="Let virtual time run by itself at the chosen speed, in small slices so the page stays responsive; jobs run as they fall due">
                            { "▶ Run" }
                        </button>
                    }
                    { run_state }
                    { help_button(open_help) }
                </div>
            </div>
            <p class="hint">
                { format!(
                    "Virtual time moves only when you press these buttons or let it run. A delete stops \
                     billing at once; garbage collection reclaims the space {delay} later in virtual time. \
                     The delay is Stowage's choice: ACR reclaims space asynchronously and documents no delay."
                ) }
            </p>
            </div>
            { backlog(c) }
            <KeyHelp open={*help} on_close={close_help} />
        </section>
    }
}

/// How many records wait for garbage collection and the next few reclaims (when, which
/// record), then the other queued work by kind.
fn backlog(c: &ClockSnap) -> Html {
    let summary = match c.jobs.first() {
        None => "Nothing waits for garbage collection.".to_string(),
        Some(next) => format!(
            "{} for garbage collection; next at {}",
            if c.reclaims == 1 {
                "1 record waits".to_string()
            } else {
                format!("{} wait", count(c.reclaims, "record", "records"))
            },
            next.at_ms
        ),
    };
    let more = c.reclaims.saturating_sub(c.jobs.len());
    let also = (!c.kinds.is_empty()).then(|| {
        let kinds: Vec<String> = c
            .kinds
            .iter()
            .map(|k| format!("{} (next at {})", job_kind_words(k.kind, k.count), k.next_at))
            .collect();
        html! {
            <p class="backlog-also" data-kinds={c.kinds.len().to_string()}>
                { format!("Also queued: {}.", kinds.join(", ")) }
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
                            <span class="kind">{ j.kind }</span>
                            <span class="target mono" title={j.target.clone()}>{ short_key(&j.target) }</span>
                        </li>
                    }) }
                    if more > 0 {
                        <li class="more-note">{ format!("… and {more} more") }</li>
                    }
                </ol>
            }
            { also }
        </div>
    }
}
