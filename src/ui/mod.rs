//! The Yew page (placeholder until the UI lands).
use yew::prelude::*;

#[function_component(App)]
fn app() -> Html {
    html! { <main><h1>{ "Stowage" }</h1></main> }
}

pub fn mount(root: web_sys::Element) {
    yew::Renderer::<App>::with_root(root).render();
}
