//! Entry point of the UI binary: clears index.html's loading shell and renders
//! [`stepwise_app::App`] into the page's body ([`stepwise_app::boot::start`]).

fn main() {
    stepwise_app::boot::start();
}
