//! What the `stepwise` binary carries inside it: the web app (`dist/` as Trunk built it before
//! the CLI was compiled; empty when it was not) and the templates of `stepwise new`.

/// The web app's files, by their path in `dist/`.
#[derive(rust_embed::Embed)]
#[folder = "$CARGO_MANIFEST_DIR/../../dist/"]
#[allow_missing = true]
#[exclude = "samples/*"]
pub struct App;

/// The workshops `stepwise new` starts from, one folder per kind.
#[derive(rust_embed::Embed)]
#[folder = "$CARGO_MANIFEST_DIR/templates/"]
pub struct Templates;

/// Which build of the app is inside (from `build.rs`): changes whenever `dist/` did.
pub const APP_STAMP: &str = env!("STEPWISE_APP_STAMP");
