//! The Yew page. `state` is the reducer (the engine does the work), `components` render its
//! snapshot, and `App` runs the two things only a browser can: reading files and downloads.

mod browser;
mod components;
pub mod format;
mod locks;
mod small;
mod state;

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::engine::Registry;
use components::{
    Accounts, Catalog, ClockBar, ConfirmDialog, EventLog, Header, Intro, PushForm, Status, tier_panel,
};
use state::{Action, State, UiError};

#[function_component(App)]
fn app() -> Html {
    let state = use_reducer(State::new);
    let on_action = {
        let dispatcher = state.dispatcher();
        let registry = state.registry.clone();
        Callback::from(move |action: Action| match action {
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
            Action::Download { repo, digest, filename } => {
                dispatcher.dispatch(download(registry.as_ref(), &repo, &digest, &filename));
            }
            other => dispatcher.dispatch(other),
        })
    };
    let snap = &state.snapshot;
    html! {
        <div class="page">
            <Header name={state.name.clone()} usage={snap.usage.clone()} cost={snap.cost.clone()} />
            <ClockBar clock={snap.clock.clone()} on_action={on_action.clone()} />
            <Intro />
            <Status message={state.message.clone()} error={state.error.clone()} on_action={on_action.clone()} />
            <main class="columns">
                <div class="side">
                    <PushForm pending={state.pending.clone()} reading={state.reading} on_action={on_action.clone()} />
                    { tier_panel(snap.tier.as_ref(), snap.cost.as_ref(), &on_action) }
                    <Accounts usage={snap.usage.clone()} keys={snap.keys.clone()} />
                    <EventLog events={snap.events.clone()} total={snap.events_total} />
                </div>
                <Catalog catalog={snap.catalog.clone()} on_action={on_action.clone()} />
            </main>
            <ConfirmDialog danger={state.confirm.clone()} clock={snap.clock.clone()} on_action={on_action} />
        </div>
    }
}

/// Pulls a blob (the registry decrypts it and checks its digest) and saves it as a file.
fn download(registry: Option<&Rc<RefCell<Registry>>>, repo: &str, digest: &str, filename: &str) -> Action {
    let Some(registry) = registry else {
        return Action::Fail(UiError::page("NO_REGISTRY", "the registry could not be created"));
    };
    let pulled = match registry.try_borrow() {
        Ok(r) => r.read_blob(repo, digest),
        Err(_) => return Action::Fail(UiError::page("BUSY", "the registry is in use; try again")),
    };
    let bytes = match pulled {
        Ok(b) => b,
        Err(e) => return Action::Fail(e.into()),
    };
    match browser::save(filename, &bytes) {
        Ok(()) => Action::Note(format!(
            "Pulled {digest}: decrypted, digest checked, saved as {filename} ({}).",
            format::exact_bytes(bytes.len() as u64)
        )),
        Err(e) => Action::Fail(UiError::page("DOWNLOAD_FAILED", format!("could not save {filename}: {e}"))),
    }
}

/// Renders the page into `root`.
pub fn mount(root: web_sys::Element) {
    yew::Renderer::<App>::with_root(root).render();
}
