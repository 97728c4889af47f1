//! A modal dialog: labelled, closed by its button, by Escape or by tapping outside.
use leptos::prelude::*;

#[component]
pub fn Dialog(
    #[prop(into)] title: ViewFn,
    #[prop(into)] on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="dialog-backdrop" on:click=move |_| on_close.run(())>
            <div
                class="dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby="dialog-title"
                on:click=|ev| ev.stop_propagation()
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        on_close.run(());
                    }
                }
            >
                <h2 id="dialog-title">{title.run()}</h2>
                {children()}
            </div>
        </div>
    }
}
