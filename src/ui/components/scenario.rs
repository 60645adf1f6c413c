use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::inline_error;
use crate::engine::Millis;
use crate::engine::scenario::Localized;
use crate::i18n::Lang;
use crate::ui::browser;
use crate::ui::format::{duration_words_in, grouped_in};
use crate::ui::i18n::{t, tf, tn, use_lang};
use crate::ui::state::{
    Action, PROBE_MAX, ScenarioAsk, ScenarioEntry, ScenarioList, ScenarioSnap, StepSnap, StoryAction,
    UiError, convergence_words,
};

/// The `lang` attribute of a step's detail the engine gave only in English (every detail it gives
/// now has a catalogue text; a detail without one would be English).
const FILE_LANG: &str = "en";

/// A scenario file's text (its title, description, a step's note) in `lang`, and the element's
/// `lang` attribute: `Some("en")` when the file does not give it in `lang` and it shows in
/// English instead.
fn file_text(text: &Localized, lang: Lang) -> (&str, Option<&'static str>) {
    (text.get(lang.code()), (!text.has(lang.code())).then_some("en"))
}

/// The picker's and the start screen's words with figures, in `lang`.
mod words {
    use crate::i18n::Lang;
    use crate::ui::i18n::{t, tf, tn};

    pub fn guided(lang: Lang, frames: usize) -> String {
        if frames == 0 {
            t(lang, "scenario.guided").to_string()
        } else {
            tf(lang, "scenario.guided_frames", &[&tn(lang, "scenario.frames", frames as u64)])
        }
    }
    pub fn option(lang: Lang, title: &str, name: &str, guided: bool, frames: usize) -> String {
        if guided {
            let frames = if frames > 0 {
                format!(" · {}", tn(lang, "scenario.frames", frames as u64))
            } else {
                String::new()
            };
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
/// The opening tour leads (it tells the story the others take apart), then the other stories.
fn story_first(entries: &[ScenarioEntry]) -> Vec<&ScenarioEntry> {
    let tour = |e: &&ScenarioEntry| e.name == TOUR;
    let guided = entries.iter().filter(|e| e.guided);
    guided
        .clone()
        .filter(tour)
        .chain(guided.filter(|e| !tour(e)))
        .chain(entries.iter().filter(|e| !e.guided))
        .collect()
}

/// The opening tour's name.
const TOUR: &str = "tour";

fn option(lang: Lang, e: &ScenarioEntry, chosen: Option<&str>) -> Html {
    let (title, title_lang) = file_text(&e.title, lang);
    html! {
        <option value={e.file.clone()} data-name={e.name.clone()} data-guided={e.guided.to_string()}
            selected={chosen == Some(e.file.as_str())} lang={title_lang}>
            { words::option(lang, title, &e.name, e.guided, e.frames) }
        </option>
    }
}

/// The start screen's invitation: the stories, guided ones first, each a button that loads it.
fn start_list(lang: Lang, list: &ScenarioList, on_action: &Callback<Action>) -> Html {
    let entries = match list {
        ScenarioList::Ready(l) => story_first(l),
        ScenarioList::Loading => return html! { <p class="muted">{ t(lang, "scenario.start_loading") }</p> },
        ScenarioList::Failed(e) => return inline_error(e),
    };
    html! {
        <ul id="start-list" class="start-list">
            { for entries.into_iter().map(|e| {
                let file = e.file.clone();
                let (title, title_lang) = file_text(&e.title, lang);
                html! {
                    <li key={e.file.clone()} data-name={e.name.clone()} data-guided={e.guided.to_string()}
                        class={classes!(e.guided.then_some("guided"))}>
                        <button type="button" class="start-pick" title={t(lang, "scenario.pick_title")}
                            onclick={on_action.reform(move |_| Action::FetchScenario(file.clone()))}>
                            if e.guided {
                                <span class="guided-badge">{ words::guided(lang, e.frames) }</span>
                            }
                            <strong class="start-title" lang={title_lang}>{ title }</strong>
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
    /// The scenario loaded has played to its end (or its story to its last frame).
    #[prop_or_default]
    pub ended: bool,
    /// The clock is playing it now (else it waits, e.g. between a story's frames).
    #[prop_or_default]
    pub playing: bool,
    pub on_action: Callback<Action>,
}

/// The built-in scenarios: pick one and load it in place of the registry (after a warning).
#[function_component(ScenarioPicker)]
pub fn scenario_picker(props: &ScenarioPickerProps) -> Html {
    let lang = use_lang();
    let chosen = use_state(String::new);
    use_probe(&props.list, props.on_action.clone());
    let entries = match &props.list {
        ScenarioList::Ready(l) => l.as_slice(),
        _ => &[],
    };
    let ordered = story_first(entries);
    let any_guided = entries.iter().any(|e| e.guided);
    // A scenario loaded (from the start screen, a saved session, the console) is what the
    // picker shows until another is picked.
    {
        let chosen = chosen.clone();
        use_effect_with(props.loaded.clone(), move |_| chosen.set(String::new()));
    }
    // The choice, else the scenario loaded, else the first one (the first story, if any).
    let loaded_file = props
        .loaded
        .as_ref()
        .and_then(|name| entries.iter().find(|e| &e.name == name))
        .map(|e| e.file.clone());
    let file = Some((*chosen).clone())
        .filter(|f| entries.iter().any(|e| &e.file == f))
        .or(loaded_file)
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
        ScenarioList::Loading => {
            html! { <span class="muted small">{ t(lang, "scenario.loading_list") }</span> }
        }
        ScenarioList::Failed(e) => inline_error(e),
        ScenarioList::Ready(_) => match &props.loaded {
            Some(name) if props.ended => html! {
                <span class="small scenario-loaded" data-ended="true">{ t(lang, "scenario.ended_before") }<strong>{ name }</strong>
                    { t(lang, "scenario.ended_after") }</span>
            },
            Some(name) if props.playing => html! {
                <span class="small scenario-loaded" data-ended="false" data-playing="true">
                    { t(lang, "scenario.playing_before") }<strong>{ name }</strong>{ t(lang, "scenario.playing_after") }</span>
            },
            Some(name) => html! {
                <span class="small scenario-loaded" data-ended="false" data-playing="false">
                    { t(lang, "scenario.paused_before") }<strong>{ name }</strong>{ t(lang, "scenario.playing_after") }</span>
            },
            None => html! {
                <span class="muted small">{ t(lang, "scenario.about") }
                    if any_guided { { " " }{ t(lang, "scenario.guided_mark") } }
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
                <optgroup label={t(lang, "scenario.guided_group")}>{ for guided.iter().map(|e| option(lang, e, chosen_file)) }</optgroup>
                if !other.is_empty() {
                    <optgroup label={t(lang, "scenario.other_group")}>{ for other.iter().map(|e| option(lang, e, chosen_file)) }</optgroup>
                }
            </>
        }
    } else {
        html! { { for entries.iter().map(|e| option(lang, e, chosen_file)) } }
    };
    html! {
        <section id="scenarios" class="scenario-bar" aria-label={t(lang, "scenario.bar_label")}>
            <label class="scenario-pick">
                <span class="label">{ t(lang, "scenario.label") }</span>
                <select id="scenario-picker" onchange={on_pick} disabled={entries.is_empty()}>
                    { options }
                </select>
            </label>
            <button id="scenario-load" type="button" class="primary" onclick={on_load}
                disabled={file.is_none() || props.fetching}
                title={t(lang, "scenario.load_title")}>
                { if props.fetching { t(lang, "scenario.loading") } else { t(lang, "scenario.load") } }
            </button>
            { status }
            { props.error.as_ref().map(|e| html! {
                <div id="scenario-error" class="scenario-error">
                    { inline_error(e) }
                    { e.aside.as_ref().map(|a| html! { <p class="small muted">{ a.text(lang) }</p> }) }
                </div>
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct StartProps {
    pub list: ScenarioList,
    pub on_action: Callback<Action>,
}

/// The start screen, while the page is as it opened: the stories to start with, each a button.
#[function_component(StartScreen)]
pub fn start_screen(props: &StartProps) -> Html {
    let lang = use_lang();
    html! {
        <section id="start" class="start" aria-labelledby="start-title">
            <h2 id="start-title">{ t(lang, "scenario.start_title") }</h2>
            <p class="start-text">{ t(lang, "scenario.start_text") }</p>
            { start_list(lang, &props.list, &props.on_action) }
        </section>
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
    let lang = use_lang();
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
                <h2 id="scenario-dialog-title">{ tf(lang, "scenario.dialog_title", &[&ask.name]) }</h2>
                <p><strong lang={file_text(&ask.title, lang).1}>{ ask.title.get(lang.code()) }</strong>
                    { format!(" ({}, {})", ask.file, tn(lang, "scenario.steps", ask.steps as u64)) }</p>
                <p class="replace-warning">
                    <strong>{ tf(lang, "new_registry.discarded", &[current]) }</strong>
                    { t(lang, "new_registry.discarded_what") }
                </p>
                <div class="dialog-actions">
                    <button id="scenario-cancel" type="button" title={t(lang, "new_registry.cancel_title")}
                        onclick={props.on_action.reform(|_| Action::CancelScenario)}>
                        { t(lang, "confirm.cancel") }
                    </button>
                    <button id="scenario-confirm" type="button" class="danger solid" autofocus=true
                        title={t(lang, "scenario.confirm_title")}
                        onclick={props.on_action.reform(|_| Action::ConfirmScenario)}>
                        { tf(lang, "scenario.confirm", &[current]) }
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
fn final_phase(lang: Lang, s: &ScenarioSnap, running: bool, on_action: &Callback<Action>) -> Html {
    let Some(limit) = s.converge_within else { return html! {} };
    match &s.convergence {
        Some(c) => html! {
            <p id="scenario-convergence" class={classes!("scenario-convergence", if c.converged { "ok" } else { "bad" })}
                data-converged={c.converged.to_string()} data-after-ms={c.after_ms.0.to_string()}>
                { convergence_words(lang, c, Some(limit)) }
            </p>
        },
        None if s.ended => html! {
            <div id="scenario-convergence" class="scenario-convergence pending" data-converged="pending">
                <span>{ tf(lang, "scenario.final_pending", &[&duration_words_in(lang, limit)]) }</span>
                <button id="scenario-converge" type="button" class="primary" disabled={running}
                    onclick={on_action.reform(|_| Action::PlayFinalPhase)}
                    title={t(lang, "scenario.converge_title")}>
                    { t(lang, "scenario.converge") }
                </button>
            </div>
        },
        None => html! {
            <p id="scenario-convergence" class="scenario-convergence hint" data-converged="pending">
                { tf(lang, "scenario.final_ahead", &[&duration_words_in(lang, limit)]) }
            </p>
        },
    }
}

/// The loaded scenario: what it is, its steps at their virtual times (played ones with their
/// result), the next one marked, "Run to the end", and its final phase.
#[function_component(ScenarioPanel)]
pub fn scenario_panel(props: &ScenarioPanelProps) -> Html {
    let lang = use_lang();
    let Some(s) = &props.scenario else { return html! {} };
    let end = s.run_until.map_or(t(lang, "scenario.until_idle").to_string(), |u| {
        tf(lang, "scenario.until", &[&u.to_string()])
    });
    let refused = if s.failed > 0 {
        tf(lang, "scenario.refused", &[&grouped_in(lang, s.failed as u64)])
    } else {
        String::new()
    };
    let progress = tf(
        lang,
        "scenario.progress",
        &[&grouped_in(lang, s.played as u64), &tn(lang, "scenario.steps", s.total as u64)],
    ) + &refused;
    let workload =
        (s.workload_ops > 0).then(|| tf(lang, "scenario.workload", &[&grouped_in(lang, s.workload_ops)]));
    let hidden = s.total - s.steps.len();
    html! {
        <section id="scenario" class="panel scenario-panel" aria-labelledby="scenario-title"
            data-name={s.name.clone()} data-played={s.played.to_string()} data-total={s.total.to_string()}
            data-ended={s.ended.to_string()}>
            <div class="panel-head scenario-head">
                <div>
                    <h2 id="scenario-title" lang={file_text(&s.title, lang).1}>{ s.title.get(lang.code()) }</h2>
                    <p class="hint mono">{ &s.name }</p>
                </div>
                <button id="scenario-run" type="button" class="primary" disabled={props.running || s.ended}
                    onclick={props.on_action.reform(|_| Action::RunScenarioToEnd)}
                    title={t(lang, "scenario.run_title")}>
                    { if s.ended {
                        t(lang, "scenario.at_end")
                    } else if props.running {
                        t(lang, "scenario.running")
                    } else {
                        t(lang, "scenario.run")
                    } }
                </button>
            </div>
            <p class="scenario-description" lang={file_text(&s.description, lang).1}>{ s.description.get(lang.code()) }</p>
            <p id="scenario-progress" class="small">
                <strong>{ progress }</strong>{ tf(lang, "scenario.clock_at", &[&props.now.to_string(), &end]) }
                { workload }{ "." }
            </p>
            { final_phase(lang, s, props.running, &props.on_action) }
            <div class="table-scroll" tabindex="0">
                <table id="scenario-steps" class="scenario-steps">
                    <thead><tr>
                        <th scope="col">{ "#" }</th>
                        <th scope="col">{ t(lang, "scenario.col_at") }</th>
                        <th scope="col">{ t(lang, "scenario.col_step") }</th>
                        <th scope="col">{ t(lang, "scenario.col_result") }</th>
                    </tr></thead>
                    <tbody>{ for s.steps.iter().map(|step| step_row(lang, step, s.next)) }</tbody>
                </table>
            </div>
            { (hidden > 0).then(|| html! {
                <p class="hint">{ tf(lang, "scenario.more_steps", &[&tn(lang, "scenario.steps", hidden as u64)]) }</p>
            }) }
        </section>
    }
}

fn step_row(lang: Lang, step: &StepSnap, next: Option<usize>) -> Html {
    let state = match (&step.outcome, next == Some(step.index)) {
        (Some(_), _) => "done",
        (None, true) => "next",
        (None, false) => "ahead",
    };
    let result = match &step.outcome {
        Some(o) if o.result == "ok" => html! { <span class="result ok">{ "ok" }</span> },
        Some(o) => html! { <code class="code result bad">{ &o.result }</code> },
        None if state == "next" => {
            html! { <span class="result next-mark">{ t(lang, "scenario.next_mark") }</span> }
        }
        None => html! { <span class="muted small">{ t(lang, "scenario.to_come") }</span> },
    };
    // The detail in the page's language when the engine gave it as a catalogue text (a refusal,
    // an ok step's summary); else as the engine wrote it, in English.
    let detail = step.outcome.as_ref().and_then(|o| match (&o.detail_text, &o.detail) {
        (Some(text), _) => Some((text.text(lang), None)),
        (None, Some(d)) => Some((d.clone(), Some(FILE_LANG))),
        (None, None) => None,
    });
    html! {
        <tr key={step.index} data-step={step.index.to_string()} data-state={state}
            data-result={step.outcome.as_ref().map(|o| o.result.clone())}
            class={classes!(state, step.outcome.as_ref().filter(|o| o.result != "ok").map(|_| "refused"))}>
            <td class="num">{ step.index + 1 }</td>
            <td class="mono at" data-ms={step.at.0.to_string()}>{ step.at.to_string() }</td>
            <td>
                <span class="step-action">{ step.action.text(lang) }</span>
                { step.note.as_ref().map(|n| {
                    let (note, note_lang) = file_text(n, lang);
                    html! { <span class="step-note" lang={note_lang}>{ note }</span> }
                }) }
            </td>
            <td>
                { result }
                { detail.map(|(d, d_lang)| html! { <span class="step-detail small" lang={d_lang}>{ d }</span> }) }
            </td>
        </tr>
    }
}
