use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::ui::browser::files_of;
use crate::ui::format::{SIZE_UNITS, count, exact_bytes, human_bytes};
use crate::ui::state::{Action, PendingLayer};

#[derive(Properties, PartialEq)]
pub struct PushFormProps {
    pub pending: Vec<PendingLayer>,
    /// Files still being read.
    pub reading: usize,
    pub on_action: Callback<Action>,
}

/// The push form: repository, tag, layers from files or synthetic sizes, then push.
#[function_component(PushForm)]
pub fn push_form(props: &PushFormProps) -> Html {
    let repo = use_state(|| "demo/app".to_string());
    let tag = use_state(|| "v1".to_string());
    let identity = use_state(String::new);
    let size = use_state(|| "512".to_string());
    let unit = use_state(|| "MiB".to_string());
    let dragging = use_state(|| false);
    let on_action = props.on_action.clone();

    let text_input = |handle: &UseStateHandle<String>| {
        let handle = handle.clone();
        Callback::from(move |e: InputEvent| handle.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_submit = {
        let (repo, tag, identity, on_action) =
            (repo.clone(), tag.clone(), identity.clone(), on_action.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_action.emit(Action::Push {
                repo: (*repo).clone(),
                tag: (*tag).clone(),
                identity: (*identity).clone(),
            });
        })
    };
    let on_pick = {
        let on_action = on_action.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let files = files_of(input.files());
            input.set_value("");
            if !files.is_empty() {
                on_action.emit(Action::ReadFiles(files));
            }
        })
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(true);
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_drop = {
        let (dragging, on_action) = (dragging.clone(), on_action.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            let files = files_of(e.data_transfer().and_then(|d| d.files()));
            if !files.is_empty() {
                on_action.emit(Action::ReadFiles(files));
            }
        })
    };
    let on_unit = {
        let unit = unit.clone();
        Callback::from(move |e: Event| {
            unit.set(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value())
        })
    };
    let on_add_synthetic = {
        let (size, unit, on_action) = (size.clone(), unit.clone(), on_action.clone());
        Callback::from(move |_: MouseEvent| {
            on_action.emit(Action::AddSynthetic { size: (*size).clone(), unit: (*unit).clone() })
        })
    };

    let total: u64 = props.pending.iter().map(|p| p.size_bytes).sum();
    let pending = if props.pending.is_empty() {
        html! { <p class="empty">{ "No layers yet: add at least one file or synthetic layer." }</p> }
    } else {
        html! {
            <ol id="pending-layers" class="pending">
                { for props.pending.iter().map(|p| pending_row(p, &on_action)) }
            </ol>
        }
    };
    let reading = (props.reading > 0).then(|| {
        html! { <p class="reading">{ format!("Reading {}…", count(props.reading, "file", "files")) }</p> }
    });
    let zone_class = if *dragging { "dropzone dragging" } else { "dropzone" };

    html! {
        <section class="panel push" aria-labelledby="push-title">
            <h2 id="push-title">{ "Push an image" }</h2>
            <form onsubmit={on_submit}>
                <div class="fields">
                    <label class="field">
                        <span class="label">{ "Repository" }</span>
                        <input id="push-repo" type="text" autocomplete="off" spellcheck="false"
                            value={(*repo).clone()} oninput={text_input(&repo)}
                            title="The repository to push into; it is created by the first push" />
                        <small>{ "lowercase letters, digits, . _ - and /, e.g. demo/app" }</small>
                    </label>
                    <label class="field narrow">
                        <span class="label">{ "Tag" }</span>
                        <input id="push-tag" type="text" autocomplete="off" spellcheck="false"
                            value={(*tag).clone()} oninput={text_input(&tag)}
                            title="The name that will point to the pushed manifest" />
                        <small>{ "e.g. v1 or latest" }</small>
                    </label>
                    <label class="field wide">
                        <span class="label">{ "As identity " }<span class="muted">{ "(optional)" }</span></span>
                        <input id="push-identity" type="text" autocomplete="off" spellcheck="false"
                            placeholder="admin" value={(*identity).clone()} oninput={text_input(&identity)}
                            title="Who the push's requests are counted against: a CI job, a token, a developer. Empty: the registry's admin user" />
                        <small>{ "whose request-rate buckets the push draws on, e.g. ci-bot; empty: admin" }</small>
                    </label>
                </div>

                <div id="drop-zone" class={zone_class}
                    ondragover={on_drag_over} ondragleave={on_drag_leave} ondrop={on_drop}>
                    <p>
                        { "Drop files here, or " }
                        <label for="push-files" class="button" title="Pick files from your computer; each becomes one layer">
                            { "choose files" }
                        </label>
                        <input id="push-files" class="visually-hidden" type="file" multiple=true onchange={on_pick} />
                    </p>
                    <small>{ "Each file becomes one layer, byte for byte. Nothing leaves this page." }</small>
                </div>

                <div class="synthetic">
                    <label class="field inline">
                        <span class="label">{ "Synthetic layer of" }</span>
                        <input id="synthetic-size" type="number" min="0" step="any" inputmode="decimal"
                            value={(*size).clone()} oninput={text_input(&size)}
                            title="Size of a simulated layer" />
                        <select id="synthetic-unit" onchange={on_unit} title="Unit of the size">
                            { for SIZE_UNITS.iter().map(|(name, _)| html! {
                                <option value={*name} selected={*name == unit.as_str()}>{ *name }</option>
                            }) }
                        </select>
                    </label>
                    <button id="add-synthetic" type="button" onclick={on_add_synthetic}
                        title="Add a layer of this size without a real file: storage counts the full size, only a 64 KiB sample is made">
                        { "Add synthetic layer" }
                    </button>
                    <small>{ "Simulates a big layer (up to 200 GiB): its size counts in storage, \
                              but only a 64 KiB sample of it is actually made." }</small>
                </div>

                <h3>{ format!("Layers to push: {}", props.pending.len()) }
                    { (!props.pending.is_empty()).then(|| html! { <span class="muted">{ format!(" · {}", human_bytes(total)) }</span> }) }
                </h3>
                { reading }
                { pending }

                <div class="submit">
                    <button id="push-submit" type="submit" class="primary" disabled={props.reading > 0}
                        title="Push the layers, then a config blob, then a manifest under this tag">
                        { "Push image" }
                    </button>
                    <small>{ "Pushes the layers, then a config blob, then a manifest tagged with the tag. \
                              The upload takes virtual time at the tier's upload bandwidth." }</small>
                </div>
            </form>
        </section>
    }
}

fn pending_row(p: &PendingLayer, on_action: &Callback<Action>) -> Html {
    let id = p.id;
    let kind = if p.bytes.is_some() { "file" } else { "synthetic" };
    html! {
        <li key={id} class="pending-layer" data-kind={kind}>
            <span class="name">{ &p.name }</span>
            <span class="size" title={exact_bytes(p.size_bytes)}>{ human_bytes(p.size_bytes) }</span>
            <button type="button" class="remove-layer quiet" title="Take this layer out of the list (nothing was pushed yet)"
                onclick={on_action.reform(move |_| Action::RemovePending(id))}>{ "Remove" }</button>
        </li>
    }
}
