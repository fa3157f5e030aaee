//! The browser's WebAssembly carries only the translations whose keys start with a prefix listed in
//! `locales/islands.txt` (see `build.rs`). This reads the islands' source files and fails when one of
//! them names a key — literally, or as the fixed start of a built one (`format!("ben.{}", …)`) —
//! outside those prefixes: the island would show the key instead of the text.

use std::path::Path;

const ISLAND_FILES: &[&str] = &["src/resident/forms.rs", "src/resident/fields.rs", "src/ui/read_aloud.rs"];

fn prefixes() -> Vec<String> {
    let list = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("locales/islands.txt")).unwrap();
    list.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(String::from).collect()
}

/// Every key an island source names: `t(lang, "k")`, `tf(lang, "k"`, `err(lang, "k")` (an error code,
/// looked up as `err.k`), and `format!("k.{`.
fn keys_in(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (call, prefix) in [("t(lang, \"", ""), ("tf(lang, \"", ""), ("err(lang, \"", "err."), ("format!(\"", "")] {
        for (i, _) in source.match_indices(call) {
            let rest = &source[i + call.len()..];
            let Some(end) = rest.find('"') else { continue };
            let key = &rest[..end];
            if call.starts_with("format!") {
                // Only translation keys built from a fixed start: "ben.{}".
                if let Some(start) = key.strip_suffix("{}").or_else(|| key.split_once('{').map(|(s, _)| s)) {
                    if start.ends_with('.') && !start.contains(' ') && !start.contains('/') {
                        out.push(start.to_string());
                    }
                }
            } else {
                out.push(format!("{prefix}{key}"));
            }
        }
    }
    out
}

#[test]
fn the_islands_use_only_the_keys_the_browser_gets() {
    let prefixes = prefixes();
    let mut seen = 0;
    for file in ISLAND_FILES {
        let source = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
        for key in keys_in(&source) {
            seen += 1;
            assert!(
                prefixes.iter().any(|p| key.starts_with(p.as_str())),
                "{file} uses `{key}`, not in locales/islands.txt"
            );
        }
    }
    assert!(seen > 40, "the scan found the islands' keys ({seen})");
}

#[test]
fn the_scan_finds_each_kind_of_key() {
    let src = r#"t(lang, "f.need") tf(lang, "form.errors", &[]) err(lang, "server") t(lang, &format!("ben.{}", b)) format!("/t/{}", x)"#;
    assert_eq!(keys_in(src), vec!["f.need", "form.errors", "err.server", "ben."]);
}
