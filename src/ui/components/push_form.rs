use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::{Progress, progress_with_stop, use_slice_per_frame};
use crate::ui::browser::files_of;
use crate::ui::format::{SIZE_UNITS, exact_bytes_in, grouped_in, human_bytes_in, unit_in};
use crate::ui::i18n::{Lang, t, tf, tn, use_lang};
use crate::ui::state::{Action, PendingLayer, PushProgress};

#[derive(Properties, PartialEq)]
pub struct PushFormProps {
    pub pending: Vec<PendingLayer>,
    /// Files still being read.
    pub reading: usize,
    /// A push of large files being sent in slices.
    pub sending: Option<PushProgress>,
    pub on_action: Callback<Action>,
}

/// A text field's handler: what is typed goes into `handle`.
fn text_input(handle: &UseStateHandle<String>) -> Callback<InputEvent> {
    let handle = handle.clone();
    Callback::from(move |e: InputEvent| handle.set(e.target_unchecked_into::<HtmlInputElement>().value()))
}

/// The push form: repository, tag, layers from files or synthetic sizes, then push.
#[function_component(PushForm)]
pub fn push_form(props: &PushFormProps) -> Html {
    let lang = use_lang();
    use_slice_per_frame(props.sending.as_ref().map(|p| p.slices), props.on_action.clone(), || {
        Action::PushSlice
    });
    let repo = use_state(|| "demo/app".to_string());
    let tag = use_state(|| "v1".to_string());
    let identity = use_state(String::new);
    let on_action = props.on_action.clone();
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
    html! {
        <section id="push" class="panel push" aria-labelledby="push-title">
            <h2 id="push-title">{ t(lang, "push.title") }</h2>
            <form onsubmit={on_submit}>
                { fields(lang, &repo, &tag, &identity) }
                <DropZone on_action={on_action.clone()} />
                <SyntheticLayer on_action={on_action.clone()} />
                { pending_list(lang, props) }
                { props.sending.as_ref().map(|p| sending(lang, p, &on_action)) }
                <div class="submit">
                    <button id="push-submit" type="submit" class="primary" disabled={props.reading > 0 || props.sending.is_some()}
                        title={t(lang, "push.submit_title")}>
                        { t(lang, "push.submit") }
                    </button>
                    <small>{ t(lang, "push.submit_help") }</small>
                </div>
            </form>
        </section>
    }
}

/// Repository, tag and the identity the push is counted against.
fn fields(
    lang: Lang,
    repo: &UseStateHandle<String>,
    tag: &UseStateHandle<String>,
    identity: &UseStateHandle<String>,
) -> Html {
    html! {
        <div class="fields">
            <label class="field">
                <span class="label">{ t(lang, "common.repository") }</span>
                <input id="push-repo" type="text" autocomplete="off" spellcheck="false"
                    value={(**repo).clone()} oninput={text_input(repo)}
                    title={t(lang, "push.repo_title")} />
                <small>{ t(lang, "push.repo_help") }</small>
            </label>
            <label class="field narrow">
                <span class="label">{ t(lang, "common.tag") }</span>
                <input id="push-tag" type="text" autocomplete="off" spellcheck="false"
                    value={(**tag).clone()} oninput={text_input(tag)}
                    title={t(lang, "push.tag_title")} />
                <small>{ t(lang, "push.tag_help") }</small>
            </label>
            <label class="field wide">
                <span class="label">{ t(lang, "push.identity") }<span class="muted">{ t(lang, "push.optional") }</span></span>
                <input id="push-identity" type="text" autocomplete="off" spellcheck="false"
                    placeholder="admin" value={(**identity).clone()} oninput={text_input(identity)}
                    title={t(lang, "push.identity_title")} />
                <small>{ t(lang, "push.identity_help") }</small>
            </label>
        </div>
    }
}

/// The layers chosen so far (and the files still being read).
fn pending_list(lang: Lang, props: &PushFormProps) -> Html {
    let total: u64 = props.pending.iter().map(|p| p.size_bytes).sum();
    let pending = if props.pending.is_empty() {
        html! { <p class="empty">{ t(lang, "push.no_layers") }</p> }
    } else {
        html! {
            <ol id="pending-layers" class="pending">
                { for props.pending.iter().map(|p| pending_row(lang, p, &props.on_action)) }
            </ol>
        }
    };
    let reading = (props.reading > 0).then(|| {
        html! { <p class="reading">{ tf(lang, "push.reading", &[&tn(lang, "unit.files", props.reading as u64)]) }</p> }
    });
    html! {
        <>
            <h3>{ tf(lang, "push.layers_to_push", &[&grouped_in(lang, props.pending.len() as u64)]) }
                { (!props.pending.is_empty()).then(|| html! { <span class="muted">{ format!(" · {}", human_bytes_in(lang, total)) }</span> }) }
            </h3>
            { reading }
            { pending }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct AddProps {
    on_action: Callback<Action>,
}

/// Files as layers: dropped on the zone or chosen with the picker.
#[function_component(DropZone)]
fn drop_zone(props: &AddProps) -> Html {
    let lang = use_lang();
    let on_action = props.on_action.clone();
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
    let drop = crate::ui::browser::use_file_drop(on_action.reform(Action::ReadFiles));
    let zone_class = if drop.dragging { "dropzone dragging" } else { "dropzone" };
    html! {
        <div id="drop-zone" class={zone_class}
            ondragover={drop.on_drag_over} ondragleave={drop.on_drag_leave} ondrop={drop.on_drop}>
            <p>
                { t(lang, "push.drop") }
                <label for="push-files" class="button" title={t(lang, "push.choose_title")}>
                    { t(lang, "push.choose") }
                </label>
                <input id="push-files" class="visually-hidden" type="file" multiple=true onchange={on_pick} />
            </p>
            <small>{ t(lang, "push.drop_help") }</small>
        </div>
    }
}

/// A synthetic layer of a declared size.
#[function_component(SyntheticLayer)]
fn synthetic_layer(props: &AddProps) -> Html {
    let lang = use_lang();
    let size = use_state(|| "512".to_string());
    let unit = use_state(|| "MiB".to_string());
    let on_unit = {
        let unit = unit.clone();
        Callback::from(move |e: Event| {
            unit.set(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value())
        })
    };
    let on_add = {
        let (size, unit, on_action) = (size.clone(), unit.clone(), props.on_action.clone());
        Callback::from(move |_: MouseEvent| {
            on_action.emit(Action::AddSynthetic { size: (*size).clone(), unit: (*unit).clone() })
        })
    };
    html! {
        <div class="synthetic">
            <label class="field inline">
                <span class="label">{ t(lang, "push.synthetic_of") }</span>
                <input id="synthetic-size" type="number" min="0" step="any" inputmode="decimal"
                    value={(*size).clone()} oninput={text_input(&size)}
                    title={t(lang, "push.size_title")} />
                <select id="synthetic-unit" onchange={on_unit} title={t(lang, "push.unit_title")}>
                    { for SIZE_UNITS.iter().map(|(name, _)| html! {
                        <option value={*name} selected={*name == unit.as_str()}>{ unit_in(lang, name) }</option>
                    }) }
                </select>
            </label>
            <button id="add-synthetic" type="button" onclick={on_add}
                title={t(lang, "push.add_synthetic_title")}>
                { t(lang, "push.add_synthetic") }
            </button>
            <small>{ t(lang, "push.synthetic_help") }</small>
        </div>
    }
}

/// The push being sent: a progress bar, how much of which file, and Stop.
fn sending(lang: Lang, p: &PushProgress, on_action: &Callback<Action>) -> Html {
    let percent = p.percent();
    let words = tf(
        lang,
        "push.sending",
        &[
            &grouped_in(lang, p.file as u64),
            &grouped_in(lang, p.files as u64),
            &human_bytes_in(lang, p.sent_bytes),
            &human_bytes_in(lang, p.total_bytes),
            &percent.to_string(),
        ],
    );
    let bar = Progress {
        bar_id: "push-progress",
        stop_id: "push-stop",
        label: "push.sending_label",
        stop: "push.stop",
        stop_title: "push.stop_title",
        percent,
        words,
        on_stop: on_action.reform(|_| Action::StopPush),
    };
    html! {
        <div id="push-sending" class="push-sending" data-sent={p.sent_bytes.to_string()} data-total={p.total_bytes.to_string()}>
            { progress_with_stop(lang, bar) }
        </div>
    }
}

fn pending_row(lang: Lang, p: &PendingLayer, on_action: &Callback<Action>) -> Html {
    let id = p.id;
    let kind = if p.bytes.is_some() { "file" } else { "synthetic" };
    html! {
        <li key={id} class="pending-layer" data-kind={kind}>
            <span class="name">{ &p.name }</span>
            <span class="size" title={exact_bytes_in(lang, p.size_bytes)}>{ human_bytes_in(lang, p.size_bytes) }</span>
            <button type="button" class="remove-layer quiet" title={t(lang, "push.remove_title")}
                onclick={on_action.reform(move |_| Action::RemovePending(id))}>{ t(lang, "common.remove") }</button>
        </li>
    }
}
