//! The Yew page. `state` is the reducer (the engine does the work), `components` render its
//! snapshot, and `App` runs the two things only a browser can: reading files and downloads.

mod browser;
mod components;
pub mod format;
pub mod i18n;
mod keep;
mod locks;
mod small;
mod state;

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::engine::{KeyKind, Registry};
use crate::i18n::Msg;
use components::{
    Accounts, Catalog, ClientsPanel, ClockBar, ConfirmDialog, EventLog, FaultTimeline, FeaturesPanel, GeoMap,
    Header, Intro, KeyVaultPanel, NewRegistry, OraclePanel, PushForm, RatePanel, Replicas, RetentionPanel,
    ScenarioDialog, ScenarioPanel, ScenarioPicker, Scrubber, SidePanels, SoftDeletePanel, StartScreen,
    Status, StoryPanel, tier_panel,
};
use state::{Action, GuideSnap, Panel, Shared, State};

/// Where the built-in scenarios are, beside the page.
const SCENARIOS: &str = "www/scenarios/";

#[function_component(App)]
fn app() -> Html {
    let state = use_reducer(State::new);
    // A change made from the console (`stowage.page()`) refreshes the page at once.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            set_page_listener(Some(Callback::from(move |()| dispatcher.dispatch(Action::Refreshed))));
            || set_page_listener(None)
        });
    }
    // The list of built-in scenarios, fetched once.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let url = format!("{SCENARIOS}index.json");
                let list = browser::fetch_text(&url).await.and_then(|text| state::parse_index(&text));
                dispatcher.dispatch(Action::ScenarioIndex(list));
            });
        });
    }
    // The session is saved in this browser as it changes, and restored when the page opens.
    // Until the saved session is restored (or found absent), changes wait: from the first frame.
    let keep = use_reducer(keep::Keep::opening);
    {
        let (keep, page) = (keep.dispatcher(), state.dispatcher());
        use_effect_with((), move |_| keep::start(keep, page));
    }
    // The panel opened last beside the map (the page's layout, not the registry's state).
    let open_panel = use_state(|| None::<&'static str>);
    let on_open = {
        let open_panel = open_panel.clone();
        Callback::from(move |id: &'static str| {
            open_panel.set(Some(id));
            components::bring_into_view(id, true);
        })
    };
    let on_action = page_actions(&state, on_open.clone());
    // The page's language: every translated panel reads it from the context below.
    let (lang, set_lang) = i18n::use_language();
    let snap = &state.snapshot;
    let cmk_state = snap.key_vault.as_ref().filter(|k| k.kind == KeyKind::CustomerManaged).map(|k| k.state);
    let guide = snap.scenario.as_ref().and_then(|s| s.guide.as_ref());
    // Everything the story's frame names (its last one too) while the story is shown, and the
    // side panels among it (the map and the oracle are on the stage already).
    let looks_all: Vec<&'static str> = guide
        .filter(|g| !state.story.hidden && g.frame.is_some())
        .map(|g| components::look_ids(&g.look))
        .unwrap_or_default();
    let looked: Vec<&'static str> = looks_all.iter().copied().filter_map(components::side_id).collect();
    let frame = guide.and_then(|g| g.frame);
    let fresh = state.fresh();
    html! {
        <ContextProvider<i18n::Lang> context={lang}>
        <div class="page stage-page" data-session={if keep.busy.is_some() { "restoring" } else { "ready" }}>
            if let Some(busy) = &keep.busy {
                <div id="session-busy" class="session-busy" role="status" aria-live="polite"
                    data-percent={match busy { keep::Busy::Restoring { percent, .. } => percent.to_string(), keep::Busy::Opening => "0".into() }}>
                    <span>{ busy.words().text(lang) }</span>
                    if let keep::Busy::Restoring { percent, .. } = busy {
                        <progress max="100" value={percent.to_string()}></progress>
                    }
                </div>
            }
            <div class="stage-top">
                <components::LanguageSwitch {lang} on_change={set_lang} />
                <Header name={state.name.clone()} usage={snap.usage.clone()} cost={snap.cost.clone()}
                    {cmk_state} on_action={on_action.clone()} />
                <ScenarioPicker list={state.scenario_list.clone()} fetching={state.scenario_fetching}
                    error={state.scenario_error.clone()} loaded={snap.scenario.as_ref().map(|s| s.name.clone())}
                    ended={snap.scenario.as_ref().is_some_and(|s| s.ended || s.guide.as_ref().is_some_and(|g| g.next_at.is_none()))}
                    playing={snap.clock.running.is_some()} on_action={on_action.clone()} />
            </div>
            <main class="stage">
                { stage_centre(&state, guide, &on_action) }
                <aside class="stage-side" aria-label={i18n::t(lang, "stage.panels_label")} data-looks={looks_all.join(" ")}>
                    <StoryPanel guide={guide.cloned()} hidden={state.story.hidden}
                        running={snap.clock.running.clone()} on_action={on_action.clone()} />
                    <div id="inspector" class="inspector"></div>
                    <Status message={state.message.clone()} error={state.error.clone()} retry={state.retry.clone()}
                        on_action={on_action.clone()} />
                    <components::PresetProgress load={state.preset.clone()} on_action={on_action.clone()} />
                    <components::DownloadProgress download={state.download.as_ref().map(|d| d.view.clone())}
                        on_action={on_action.clone()} />
                    // What clients see, beside the map whatever else is shown (the start screen
                    // stands in for it on a fresh page, where there is nothing to see yet).
                    if !fresh {
                        <OraclePanel key="oracle" oracle={snap.oracle.clone()} open={state.oracle_open} on_action={on_action.clone()} />
                    }
                    <SidePanels slots={[content_slots(&state, &on_action), policy_slots(&state, &keep, lang, &on_action)].concat()}
                        looked={looked} {frame}
                        open={*open_panel} on_open={on_open} />
                </aside>
            </main>
            <ConfirmDialog danger={state.confirm.clone()} clock={snap.clock.clone()}
                soft_delete_days={snap.soft_delete.as_ref().filter(|v| v.enabled).map(|v| v.days)}
                on_action={on_action.clone()} />
            <ScenarioDialog ask={state.scenario_ask.clone()} current={state.name.clone()} on_action={on_action.clone()} />
            <NewRegistry dialog={state.new_registry.clone()} current={state.name.clone()} on_action={on_action} />
        </div>
        </ContextProvider<i18n::Lang>>
    }
}

/// The stage's centre: the clock, the scrubber and the map (and, on a fresh page, the stories
/// to start with).
fn stage_centre(state: &State, guide: Option<&GuideSnap>, on_action: &Callback<Action>) -> Html {
    let snap = &state.snapshot;
    html! {
    <div class="stage-centre">
        <ClockBar clock={snap.clock.clone()} in_past={snap.history.as_ref().is_some_and(|h| h.in_past)}
            story={components::StoryKeys::of(guide, state.story.hidden)}
            on_action={on_action.clone()} />
        <Scrubber history={snap.history.clone()} fork={state.story.fork_notice} on_action={on_action.clone()} />
        <GeoMap key={format!("geo-{}", state.generation)} replicas={snap.replicas.clone()} clients={snap.clients.clone()}
            clients_total={snap.clients_total} faults={snap.faults.clone()} in_flight={snap.in_flight.clone()}
            in_flight_by_link={snap.in_flight_by_link.clone()} registry={state.registry.clone().map(Shared)}
            usage={snap.usage.clone()}
            tier={snap.tier.as_ref().map(|t| t.tier)} key_state={snap.key_vault.as_ref().map(|k| k.state)}
            now={snap.clock.now} fit={snap.scenario.is_some()} error={state.error_of(Panel::Geo)}
            on_action={on_action.clone()} />
        if state.fresh() {
            <StartScreen list={state.scenario_list.clone()} on_action={on_action.clone()} />
        }
    </div>
    }
}

/// What the page does with an action: the few only a browser can do (read files, fetch a
/// scenario, save a download, open a panel beside the map) here; everything else goes to the
/// reducer (`state.rs`).
fn page_actions(state: &UseReducerHandle<State>, on_open: Callback<&'static str>) -> Callback<Action> {
    let dispatcher = state.dispatcher();
    let registry = state.registry.clone();
    let name = state.name.clone();
    Callback::from(move |action: Action| match action {
        Action::OpenPanel(id) => on_open.emit(id),
        Action::ReadFiles(files) => {
            let dispatcher = dispatcher.clone();
            dispatcher.dispatch(Action::ReadingStarted(files.len()));
            wasm_bindgen_futures::spawn_local(async move {
                let mut read = Vec::with_capacity(files.len());
                for file in files {
                    read.push(browser::read_file(file).await);
                }
                dispatcher.dispatch(Action::FilesRead(read));
            });
        }
        Action::FetchScenario(_) if session_busy().is_some() => {
            if let Some(why) = session_busy() {
                dispatcher.dispatch(Action::Fail(state::session_restoring(why)));
            }
        }
        Action::FetchScenario(file) => {
            let dispatcher = dispatcher.clone();
            dispatcher.dispatch(Action::FetchScenario(file.clone()));
            wasm_bindgen_futures::spawn_local(async move {
                let result = browser::fetch_text(&format!("{SCENARIOS}{file}")).await;
                dispatcher.dispatch(Action::ScenarioFetched { file, result });
            });
        }
        Action::ReadArchive(file) => {
            let dispatcher = dispatcher.clone();
            let name = file.name();
            dispatcher.dispatch(Action::ArchiveReading(name.clone()));
            wasm_bindgen_futures::spawn_local(async move {
                let result = browser::read_file(file).await;
                dispatcher.dispatch(Action::ArchiveRead { file: name, result });
            });
        }
        Action::ExportArchive(format) => {
            dispatcher.dispatch(state::export_archive(registry.as_ref(), format, &name));
        }
        other => dispatcher.dispatch(other),
    })
}

/// The panels beside the map about what the registry holds and does, each rendered, in the order
/// the side area lists them when nothing is opened (a fresh page starts with the push form and
/// what Stowage is); `policy_slots` follow.
fn content_slots(state: &State, on_action: &Callback<Action>) -> Vec<components::Slot> {
    let (snap, generation) = (&state.snapshot, state.generation);
    let mut slots = vec![];
    slots.push(slot(
        "push",
        html! {
            <PushForm pending={state.pending.clone()} reading={state.reading}
                sending={state.push_job.as_ref().map(|j| j.progress.clone())} on_action={on_action.clone()} />
        },
    ));
    if state.fresh() {
        slots.push(slot("intro", html! { <Intro /> }));
    }
    if snap.scenario.is_some() {
        slots.push(slot(
            "scenario",
            html! {
                <ScenarioPanel scenario={snap.scenario.clone()} now={snap.clock.now}
                    running={snap.clock.running.is_some()} on_action={on_action.clone()} />
            },
        ));
    }
    slots.push(slot("catalog", html! {
        <Catalog catalog={snap.catalog.clone()} from={state.catalog_from()} archive={state.archive.clone()}
            on_action={on_action.clone()} />
    }));
    slots.push(slot(
        "replicas",
        html! {
            <Replicas replicas={snap.replicas.clone()} faults={snap.faults.clone()}
                key_state={snap.key_vault.as_ref().map(|k| k.state)} on_action={on_action.clone()} />
        },
    ));
    slots.push(slot(
        "clients",
        html! {
            <ClientsPanel key={format!("clients-{generation}")} clients={snap.clients.clone()}
                total={snap.clients_total} runs={state.client_runs.clone()}
                error={state.error_of(Panel::Clients)} on_action={on_action.clone()} />
        },
    ));
    slots.push(slot("accounts", html! {
        <Accounts key={format!("accounts-{generation}")} usage={snap.usage.clone()} keys={snap.keys.clone()}
            geo={snap.geo.clone()} faults={snap.faults.clone()} error={state.error_of(Panel::Accounts)}
            on_action={on_action.clone()} />
    }));
    slots.push(slot("events", html! {
        <EventLog registry={state.registry.clone().map(Shared)} total={snap.events_total} regions={regions(snap)} />
    }));
    slots.push(slot("faults", html! {
        <FaultTimeline key={format!("faults-{generation}")} faults={snap.faults.clone()} total={snap.faults_total}
            now={snap.clock.now} error={state.error_of(Panel::Faults)} on_action={on_action.clone()} />
    }));
    slots
}

/// The side panels of the registry's policies and settings: tier and cost, request rates, the
/// key vault, retention, soft delete, features, the charts and the saved session (and, once the
/// page is in use, what Stowage is, last).
fn policy_slots(
    state: &State,
    keep: &UseReducerHandle<keep::Keep>,
    lang: i18n::Lang,
    on_action: &Callback<Action>,
) -> Vec<components::Slot> {
    let (snap, generation) = (&state.snapshot, state.generation);
    let mut slots = vec![];
    slots.push(slot("tier-panel", tier_panel(lang, snap.tier.as_ref(), snap.cost.as_ref(), on_action)));
    slots.push(slot("rate-panel", html! {
        <RatePanel key={format!("rates-{generation}")} throttle={snap.throttle.clone()}
            tier={snap.tier.as_ref().map(|t| t.tier)} target={snap.scale_target.clone()}
            scale_out={state.scale_out.clone()} retry={state.retry.clone()} on_action={on_action.clone()} />
    }));
    slots.push(slot(
        "key-vault",
        html! {
            <KeyVaultPanel key={format!("key-{generation}")} view={snap.key_vault.clone()}
                backup_chars={state.key_backup_chars()} on_action={on_action.clone()} />
        },
    ));
    slots.push(slot(
        "retention",
        html! {
            <RetentionPanel key={format!("retention-{generation}")} view={snap.retention.clone()}
                error={state.retention_error.clone()} on_action={on_action.clone()} />
        },
    ));
    slots.push(slot(
        "soft-delete",
        html! {
            <SoftDeletePanel key={format!("soft-delete-{generation}")} view={snap.soft_delete.clone()}
                error={state.error_of(Panel::SoftDelete)} on_action={on_action.clone()} />
        },
    ));
    slots.push(slot("features", html! {
        <FeaturesPanel key={format!("features-{generation}")} view={snap.features.clone()} regions={regions(snap)}
            error={state.error_of(Panel::Features)} on_action={on_action.clone()} />
    }));
    slots.push(slot(
        "charts",
        html! {
            <components::Charts registry={state.registry.clone().map(Shared)} generation={state.generation}
                version={state.version} now={snap.clock.now} />
        },
    ));
    slots.push(slot(
        "session",
        html! {
            <components::SessionPanel keep={(**keep).clone()} on_keep={Callback::from(keep::act)} />
        },
    ));
    if !state.fresh() {
        slots.push(slot("intro", html! { <Intro /> }));
    }
    slots
}

/// One panel of the side area.
fn slot(id: &'static str, html: Html) -> components::Slot {
    components::Slot { id, html }
}

/// Every replica's region, home first (the panels that offer a region to choose).
fn regions(snap: &state::Snapshot) -> Vec<&'static str> {
    snap.replicas.iter().map(|r| r.region).collect()
}

thread_local! {
    /// The registry the page shows now. The "New registry" dialog replaces it.
    static LIVE: RefCell<Option<Rc<RefCell<Registry>>>> = const { RefCell::new(None) };
}

/// The page's live registry, shared with the page (for a console handle over it, e.g. through
/// `api::Registry::from_shared`); `None` before the page is mounted or if it could not be
/// created. After "New registry" it is the new one: take a fresh handle each time.
pub fn live_registry() -> Option<Rc<RefCell<Registry>>> {
    LIVE.with(|live| live.borrow().clone())
}

/// Replaces the live registry; the one replaced is set aside by `keep` if anything was done to
/// it (nothing the person did is dropped without their say).
fn set_live_registry(registry: Option<Rc<RefCell<Registry>>>) {
    let old = LIVE.with(|live| std::mem::replace(&mut *live.borrow_mut(), registry.clone()));
    if let Some(old) = old
        && !registry.as_ref().is_some_and(|new| Rc::ptr_eq(new, &old))
    {
        keep::replaced(old);
    }
}

thread_local! {
    /// Why changes wait now: the saved session is being opened or replayed (None: they don't).
    static SESSION_BUSY: RefCell<Option<Msg>> = RefCell::new(Some(keep::Busy::Opening.words()));
}

/// Why the page's registry cannot be changed now (its saved session is being restored), in
/// words; None when it can. The page and the console (`stowage.page()`) refuse changes with
/// these words meanwhile, rather than make them on a registry about to be replaced.
pub fn session_busy() -> Option<Msg> {
    SESSION_BUSY.with(|b| b.borrow().clone())
}

fn set_session_busy(busy: Option<Msg>) {
    SESSION_BUSY.with(|b| *b.borrow_mut() = busy);
}

thread_local! {
    /// Called when something outside the page (the console, through `stowage.page()`) changed
    /// the live registry, so the page can show it at once.
    static PAGE_LISTENER: RefCell<Option<yew::Callback<()>>> = const { RefCell::new(None) };
}

/// The page registers how it wants to hear of outside changes (its refresh).
pub fn set_page_listener(listener: Option<yew::Callback<()>>) {
    PAGE_LISTENER.with(|l| *l.borrow_mut() = listener);
}

/// The live registry was changed from outside the page.
pub fn page_changed() {
    let listener = PAGE_LISTENER.with(|l| l.borrow().clone());
    if let Some(listener) = listener {
        listener.emit(());
    }
}

/// Renders the page into `root`.
pub fn mount(root: web_sys::Element) {
    yew::Renderer::<App>::with_root(root).render();
}
