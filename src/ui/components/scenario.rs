use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::inline_error;
use crate::engine::Millis;
use crate::ui::browser;
use crate::ui::format::{count, duration_words, grouped};
use crate::ui::state::{
    Action, PROBE_MAX, ScenarioAsk, ScenarioEntry, ScenarioList, ScenarioSnap, StepSnap, StoryAction,
    UiError, convergence_words,
};

/// Every word the picker and the start screen add, in one place (to be translated).
mod words {
    use crate::ui::format::count;

    pub const GUIDED_GROUP: &str = "Guided stories";
    pub const OTHER_GROUP: &str = "Other scenarios";
    pub const GUIDED_MARK: &str =
        "★ marks a guided story: it shows one thing at a time and waits for you to continue.";
    pub const START_TITLE: &str = "Start with a story";
    pub const START_TEXT: &str = "Stowage runs a container registry, modelled on Azure Container Registry, in your \
        browser: real bytes, sealed at rest, stored once, on a virtual clock you control. Pick a story below: a guided \
        one shows one thing at a time and waits for you to continue; the others set up a situation and play it for you \
        to explore. Or skip this and push your own files with the form.";
    pub const START_LOADING: &str = "Loading the stories…";
    pub const SCENARIO: &str = "Scenario";
    pub const PICK_TITLE: &str = "Fetch this scenario and load it in place of the registry (after a warning)";

    pub fn guided(frames: usize) -> String {
        if frames == 0 {
            "Guided".to_string()
        } else {
            format!("Guided · {}", count(frames, "frame", "frames"))
        }
    }
    pub fn option(title: &str, name: &str, guided: bool, frames: usize) -> String {
        if guided {
            let frames =
                if frames > 0 { format!(" · {}", count(frames, "frame", "frames")) } else { String::new() };
            format!("★ {title} ({name}){frames}")
        } else {
            format!("{title} ({name})")
        }
    }
}

/// Reads the listed scenarios once the list is in, to tell which ones are guided stories (the
/// engine parses them; the list itself need not say).
#[hook]
fn use_probe(list: &ScenarioList, on_action: Callback<Action>) {
    let files: Vec<String> = match list {
        ScenarioList::Ready(l) => l.iter().take(PROBE_MAX).map(|e| e.file.clone()).collect(),
        _ => vec![],
    };
    use_effect_with(files, move |files| {
        let files = files.clone();
        if !files.is_empty() {
            wasm_bindgen_futures::spawn_local(async move {
                let mut texts = Vec::with_capacity(files.len());
                for file in files {
                    let text = browser::fetch_text(&format!("{}{file}", crate::ui::SCENARIOS)).await;
                    texts.push((file, text));
                }
                on_action.emit(Action::Story(StoryAction::Probed(texts)));
            });
        }
    });
}

/// Guided stories first, each group in the list's order.
fn story_first(entries: &[ScenarioEntry]) -> Vec<&ScenarioEntry> {
    entries.iter().filter(|e| e.guided).chain(entries.iter().filter(|e| !e.guided)).collect()
}

fn option(e: &ScenarioEntry, chosen: Option<&str>) -> Html {
    html! {
        <option value={e.file.clone()} data-name={e.name.clone()} data-guided={e.guided.to_string()}
            selected={chosen == Some(e.file.as_str())}>
            { words::option(&e.title, &e.name, e.guided, e.frames) }
        </option>
    }
}

/// The start screen's invitation: the stories, guided ones first, each a button that loads it.
fn start_list(list: &ScenarioList, on_action: &Callback<Action>) -> Html {
    let entries = match list {
        ScenarioList::Ready(l) => story_first(l),
        ScenarioList::Loading => return html! { <p class="muted">{ words::START_LOADING }</p> },
        ScenarioList::Failed(e) => return inline_error(e),
    };
    html! {
        <ul id="start-list" class="start-list">
            { for entries.into_iter().map(|e| {
                let file = e.file.clone();
                html! {
                    <li key={e.file.clone()} data-name={e.name.clone()} data-guided={e.guided.to_string()}
                        class={classes!(e.guided.then_some("guided"))}>
                        <button type="button" class="start-pick" title={words::PICK_TITLE}
                            onclick={on_action.reform(move |_| Action::FetchScenario(file.clone()))}>
                            if e.guided {
                                <span class="guided-badge">{ words::guided(e.frames) }</span>
                            }
                            <strong class="start-title">{ &e.title }</strong>
                            <span class="start-name mono">{ &e.name }</span>
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
pub struct ScenarioPickerProps {
    pub list: ScenarioList,
    pub fetching: bool,
    /// Why the last scenario could not be loaded.
    pub error: Option<UiError>,
    /// The scenario loaded now, if any.
    pub loaded: Option<String>,
    /// The page is as it opened: the start screen invites the reader to pick a story.
    #[prop_or_default]
    pub fresh: bool,
    pub on_action: Callback<Action>,
}

/// The built-in scenarios: pick one and load it in place of the registry (after a warning).
#[function_component(ScenarioPicker)]
pub fn scenario_picker(props: &ScenarioPickerProps) -> Html {
    let chosen = use_state(String::new);
    use_probe(&props.list, props.on_action.clone());
    let entries = match &props.list {
        ScenarioList::Ready(l) => l.as_slice(),
        _ => &[],
    };
    let ordered = story_first(entries);
    let any_guided = entries.iter().any(|e| e.guided);
    // The choice, or the first scenario (the first story, if any) while none was picked.
    let file = Some((*chosen).clone())
        .filter(|f| entries.iter().any(|e| &e.file == f))
        .or_else(|| ordered.first().map(|e| e.file.clone()));
    let on_pick = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| chosen.set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_load = {
        let (file, on_action) = (file.clone(), props.on_action.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(file) = &file {
                on_action.emit(Action::FetchScenario(file.clone()));
            }
        })
    };
    let status = match &props.list {
        ScenarioList::Loading => html! { <span class="muted small">{ "loading the list…" }</span> },
        ScenarioList::Failed(e) => inline_error(e),
        ScenarioList::Ready(_) => match &props.loaded {
            Some(name) => html! {
                <span class="small scenario-loaded">{ "Playing " }<strong>{ name }</strong>
                    { ": see the scenario and oracle panels." }</span>
            },
            None => html! {
                <span class="muted small">{ "A scenario builds a registry, its clients and what happens to them, \
                    at virtual times; the clock plays it." }
                    if any_guided { { " " }{ words::GUIDED_MARK } }
                </span>
            },
        },
    };
    let chosen_file = file.as_deref();
    let options = if any_guided {
        let (guided, other): (Vec<&ScenarioEntry>, Vec<&ScenarioEntry>) =
            ordered.iter().copied().partition(|e| e.guided);
        html! {
            <>
                <optgroup label={words::GUIDED_GROUP}>{ for guided.iter().map(|e| option(e, chosen_file)) }</optgroup>
                if !other.is_empty() {
                    <optgroup label={words::OTHER_GROUP}>{ for other.iter().map(|e| option(e, chosen_file)) }</optgroup>
                }
            </>
        }
    } else {
        html! { { for entries.iter().map(|e| option(e, chosen_file)) } }
    };
    let start = props.fresh.then(|| {
        html! {
            <section id="start" class="start" aria-labelledby="start-title">
                <h2 id="start-title">{ words::START_TITLE }</h2>
                <p class="start-text">{ words::START_TEXT }</p>
                { start_list(&props.list, &props.on_action) }
            </section>
        }
    });
    html! {
        <>
        <section id="scenarios" class="scenario-bar" aria-label="Scenarios">
            <label class="scenario-pick">
                <span class="label">{ words::SCENARIO }</span>
                <select id="scenario-picker" onchange={on_pick} disabled={entries.is_empty()}>
                    { options }
                </select>
            </label>
            <button id="scenario-load" type="button" class="primary" onclick={on_load}
                disabled={file.is_none() || props.fetching}
                title="Fetch the scenario, check it, and replace the registry with it (after a warning)">
                { if props.fetching { "Loading…" } else { "Load…" } }
            </button>
            { status }
            { props.error.as_ref().map(|e| html! {
                <div id="scenario-error" class="scenario-error">
                    { inline_error(e) }
                    { e.aside.as_ref().map(|a| html! { <p class="small muted">{ a }</p> }) }
                </div>
            }) }
        </section>
        { start }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct ScenarioDialogProps {
    pub ask: Option<ScenarioAsk>,
    /// The registry the page shows now (it is discarded on load).
    pub current: String,
    pub on_action: Callback<Action>,
}

/// The warning "New registry" gives, before a scenario replaces the registry.
#[function_component(ScenarioDialog)]
pub fn scenario_dialog(props: &ScenarioDialogProps) -> Html {
    let Some(ask) = &props.ask else { return html! {} };
    let current = &props.current;
    let on_key = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_action.emit(Action::CancelScenario);
            }
        })
    };
    html! {
        <div class="overlay" onkeydown={on_key}>
            <div id="scenario-dialog" class="dialog new-registry" role="dialog" aria-modal="true"
                aria-labelledby="scenario-dialog-title" data-file={ask.file.clone()}>
                <h2 id="scenario-dialog-title">{ format!("Load scenario {}", ask.name) }</h2>
                <p><strong>{ &ask.title }</strong>{ format!(" ({}, {})", ask.file, count(ask.steps, "step", "steps")) }</p>
                <p class="replace-warning">
                    <strong>{ format!("The current registry, {current}, and everything in it is discarded") }</strong>
                    { ": its repositories, manifests, layers, locks, key, event log and virtual time. Layers \
                       waiting in the push form stay." }
                </p>
                <div class="dialog-actions">
                    <button id="scenario-cancel" type="button" title="Close this dialog; the current registry stays"
                        onclick={props.on_action.reform(|_| Action::CancelScenario)}>
                        { "Cancel" }
                    </button>
                    <button id="scenario-confirm" type="button" class="danger solid" autofocus=true
                        title="Discard the current registry and load the scenario's"
                        onclick={props.on_action.reform(|_| Action::ConfirmScenario)}>
                        { format!("Discard {current} and load") }
                    </button>
                </div>
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ScenarioPanelProps {
    pub scenario: Option<ScenarioSnap>,
    pub now: Millis,
    pub running: bool,
    pub on_action: Callback<Action>,
}

/// The scenario's final phase (`convergeWithinMs`): what it will do, the button to play it
/// once the clock reached the end by hand, or its result.
fn final_phase(s: &ScenarioSnap, running: bool, on_action: &Callback<Action>) -> Html {
    let Some(limit) = s.converge_within else { return html! {} };
    match &s.convergence {
        Some(c) => html! {
            <p id="scenario-convergence" class={classes!("scenario-convergence", if c.converged { "ok" } else { "bad" })}
                data-converged={c.converged.to_string()} data-after-ms={c.after_ms.0.to_string()}>
                { convergence_words(c, Some(limit)) }
            </p>
        },
        None if s.ended => html! {
            <div id="scenario-convergence" class="scenario-convergence pending" data-converged="pending">
                <span>{ format!("Final phase still to play: heal every fault, then run until the replicas agree (within {}).",
                    duration_words(limit)) }</span>
                <button id="scenario-converge" type="button" class="primary" disabled={running}
                    onclick={on_action.reform(|_| Action::PlayFinalPhase)}
                    title="Heal every fault now and run the clock until every replica holds the same content">
                    { "Play the final phase" }
                </button>
            </div>
        },
        None => html! {
            <p id="scenario-convergence" class="scenario-convergence hint" data-converged="pending">
                { format!("At the end, a final phase heals every fault and runs until the replicas agree (within {}): \
                           \"Run to the end\" plays it.", duration_words(limit)) }
            </p>
        },
    }
}

/// The loaded scenario: what it is, its steps at their virtual times (played ones with their
/// result), the next one marked, "Run to the end", and its final phase.
#[function_component(ScenarioPanel)]
pub fn scenario_panel(props: &ScenarioPanelProps) -> Html {
    let Some(s) = &props.scenario else { return html! {} };
    let end = s.run_until.map_or("until nothing is queued".to_string(), |u| format!("until {u}"));
    let progress = format!(
        "{} of {} played{}",
        grouped(s.played as u64),
        count(s.total, "step", "steps"),
        if s.failed > 0 { format!(", {} refused", grouped(s.failed as u64)) } else { String::new() }
    );
    let workload = (s.workload_ops > 0)
        .then(|| format!("; workloads queued {} client operations", grouped(s.workload_ops)));
    let hidden = s.total - s.steps.len();
    html! {
        <section id="scenario" class="panel scenario-panel" aria-labelledby="scenario-title"
            data-name={s.name.clone()} data-played={s.played.to_string()} data-total={s.total.to_string()}
            data-ended={s.ended.to_string()}>
            <div class="panel-head scenario-head">
                <div>
                    <h2 id="scenario-title">{ &s.title }</h2>
                    <p class="hint mono">{ &s.name }</p>
                </div>
                <button id="scenario-run" type="button" class="primary" disabled={props.running || s.ended}
                    onclick={props.on_action.reform(|_| Action::RunScenarioToEnd)}
                    title="Run the clock as fast as it goes to the scenario's end, in slices (pause it from the clock bar)">
                    { if s.ended { "At the end" } else if props.running { "Running…" } else { "Run to the end" } }
                </button>
            </div>
            <p class="scenario-description">{ &s.description }</p>
            <p id="scenario-progress" class="small">
                <strong>{ progress }</strong>{ format!("; the clock is at {}, the scenario runs {end}", props.now) }
                { workload }{ "." }
            </p>
            { final_phase(s, props.running, &props.on_action) }
            <div class="table-scroll">
                <table id="scenario-steps" class="scenario-steps">
                    <thead><tr>
                        <th scope="col">{ "#" }</th>
                        <th scope="col">{ "at" }</th>
                        <th scope="col">{ "step" }</th>
                        <th scope="col">{ "result" }</th>
                    </tr></thead>
                    <tbody>{ for s.steps.iter().map(|step| step_row(step, s.next)) }</tbody>
                </table>
            </div>
            { (hidden > 0).then(|| html! {
                <p class="hint">{ format!("{} more not listed.", count(hidden, "step", "steps")) }</p>
            }) }
        </section>
    }
}

fn step_row(step: &StepSnap, next: Option<usize>) -> Html {
    let state = match (&step.outcome, next == Some(step.index)) {
        (Some(_), _) => "done",
        (None, true) => "next",
        (None, false) => "ahead",
    };
    let result = match &step.outcome {
        Some(o) if o.result == "ok" => html! { <span class="result ok">{ "ok" }</span> },
        Some(o) => html! { <code class="code result bad">{ &o.result }</code> },
        None if state == "next" => html! { <span class="result next-mark">{ "next" }</span> },
        None => html! { <span class="muted small">{ "to come" }</span> },
    };
    let detail = step.outcome.as_ref().and_then(|o| o.detail.clone());
    html! {
        <tr key={step.index} data-step={step.index.to_string()} data-state={state}
            data-result={step.outcome.as_ref().map(|o| o.result.clone())}
            class={classes!(state, step.outcome.as_ref().filter(|o| o.result != "ok").map(|_| "refused"))}>
            <td class="num">{ step.index + 1 }</td>
            <td class="mono at" data-ms={step.at.0.to_string()}>{ step.at.to_string() }</td>
            <td>
                <span class="step-action">{ &step.action }</span>
                { step.note.as_ref().map(|n| html! { <span class="step-note">{ n }</span> }) }
            </td>
            <td>
                { result }
                { detail.map(|d| html! { <span class="step-detail small">{ d }</span> }) }
            </td>
        </tr>
    }
}
