use yew::prelude::*;

use crate::engine::Millis;
use crate::ui::format::{count, duration_words, grouped, job_kind_words, short_key};
use crate::ui::state::{Action, ClockSnap, JOB_KINDS_SCAN};

#[derive(Properties, PartialEq)]
pub struct ClockProps {
    pub clock: ClockSnap,
    pub on_action: Callback<Action>,
}

/// The clock bar: virtual time, the buttons that move it, and the garbage-collection backlog.
/// Time never moves by itself, so what a delete leaves behind can be looked at for as long as
/// one likes.
#[function_component(ClockBar)]
pub fn clock_bar(props: &ClockProps) -> Html {
    let c = &props.clock;
    let delay = duration_words(c.gc_delay);
    let advance = |by: Millis| props.on_action.reform(move |_| Action::Advance(by));
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
                    <button id="step-job" type="button" onclick={props.on_action.reform(|_| Action::StepJob)}
                        title="Run the next queued job now: the clock jumps to the time it was due">
                        { "Next job" }
                    </button>
                    <button id="run-idle" type="button" onclick={props.on_action.reform(|_| Action::RunUntilIdle)}
                        title="Run every queued job in order, moving the clock to each one's time, until none is left">
                        { "Run until idle" }
                    </button>
                </div>
            </div>
            <p class="hint">
                { format!(
                    "Virtual time moves only when you press these buttons. A delete stops billing at once; \
                     garbage collection reclaims the space {delay} later in virtual time. The delay is \
                     Stowage's choice: ACR reclaims space asynchronously and documents no delay."
                ) }
            </p>
            </div>
            { backlog(c) }
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
    let partial = (!c.kinds_complete).then(|| {
        html! {
            <p class="backlog-also">
                { format!("{} queued in all; the counts above cover the first {}.", count(c.jobs_total, "job", "jobs"), grouped(JOB_KINDS_SCAN as u64)) }
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
            { partial }
        </div>
    }
}
