//! Entry point of the UI binary: renders [`stepwise_app::App`] into the page's body.

fn main() {
    yew::Renderer::<stepwise_app::App>::new().render();
}
