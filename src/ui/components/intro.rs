use yew::prelude::*;

/// Four short facts a newcomer reads before touching anything.
#[function_component(Intro)]
pub fn intro() -> Html {
    html! {
        <section class="intro" aria-label="How Stowage works">
            <div class="step">
                <h2>{ "1 · Push" }</h2>
                <p>{ "Each file becomes a layer: a blob named by the SHA-256 of its bytes. A manifest lists \
                      the layers; a tag such as " }<code>{ "v1" }</code>{ " points to it." }</p>
            </div>
            <div class="step">
                <h2>{ "2 · Sealed at rest" }</h2>
                <p>{ "Each blob is encrypted with AES-256-GCM under its own data key, which the registry key \
                      wraps. Storage holds only ciphertext." }</p>
            </div>
            <div class="step">
                <h2>{ "3 · Stored once" }</h2>
                <p>{ "Identical content is stored once, even across repositories. Every pull decrypts it and \
                      re-checks its digest." }</p>
            </div>
            <div class="step">
                <h2>{ "4 · Untag ≠ delete" }</h2>
                <p>{ "Untag removes a name and frees nothing. Delete cannot be undone (unless soft delete is \
                      on): billing for what nothing else uses stops at once, and garbage collection reclaims \
                      the space later." }</p>
            </div>
        </section>
    }
}
