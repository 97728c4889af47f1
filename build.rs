//! Build script: compiles the locale files into the `i18n` module (compile-time-checked
//! translation keys) and makes `sqlx::migrate!()` re-embed migrations when they change.
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");
    println!("cargo::rerun-if-changed=migrations");

    let out_dir = std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?;
    let i18n_dir = PathBuf::from(out_dir).join("i18n");
    // interpolate_display: error messages are also needed as plain strings (t_string!).
    let options = ParseOptions::new().interpolate_display(true);
    let cfg = Config::new("zh-CN")?
        .add_locale("en")?
        .parse_options(options);
    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(i18n_dir)?;
    Ok(())
}
