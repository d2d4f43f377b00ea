//! Generates the `i18n` module from `locales/*.json` and refuses to build when a locale file
//! lacks a key that English has (or has one English lacks): leptos_i18n only warns about that,
//! and a build-script warning cannot be promoted to an error.

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::collections::BTreeSet;
use std::error::Error;
use std::path::{Path, PathBuf};

const DEFAULT_LOCALE: &str = "en";

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");
    println!("cargo::rerun-if-changed=../migrations");

    let locales_dir = Path::new("locales");
    let mut locales = locale_files(locales_dir)?;
    locales.retain(|l| l != DEFAULT_LOCALE);

    let reference = keys_of(&locales_dir.join("en.json"))?;
    for locale in &locales {
        let keys = keys_of(&locales_dir.join(format!("{locale}.json")))?;
        let missing: Vec<_> = reference.difference(&keys).collect();
        let extra: Vec<_> = keys.difference(&reference).collect();
        if !missing.is_empty() || !extra.is_empty() {
            return Err(format!(
                "locales/{locale}.json is out of step with en.json: missing {missing:?}, extra {extra:?}"
            )
            .into());
        }
    }

    let mut cfg =
        Config::new(DEFAULT_LOCALE)?.parse_options(ParseOptions::new().interpolate_display(true));
    for locale in &locales {
        cfg = cfg.add_locale(locale)?;
    }
    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR unset")?).join("i18n");
    infos.generate_i18n_module(out)?;
    Ok(())
}

/// Every `<tag>.json` in the folder, so that adding a language is adding a file.
fn locale_files(dir: &Path) -> Result<Vec<String>, Box<dyn Error>> {
    let mut tags = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                tags.push(stem.to_owned());
            }
        }
    }
    tags.sort();
    Ok(tags)
}

fn keys_of(path: &Path) -> Result<BTreeSet<String>, Box<dyn Error>> {
    let text = std::fs::read_to_string(path)?;
    let value: serde_json::Value = serde_json::from_str(&text)?;
    let mut keys = BTreeSet::new();
    flatten("", &value, &mut keys);
    Ok(keys)
}

fn flatten(prefix: &str, value: &serde_json::Value, keys: &mut BTreeSet<String>) {
    if let serde_json::Value::Object(map) = value {
        for (k, v) in map {
            let full = if prefix.is_empty() {
                k.to_owned()
            } else {
                format!("{prefix}.{k}")
            };
            if v.is_object() {
                flatten(&full, v, keys);
            } else {
                keys.insert(full);
            }
        }
    }
}
