//! Writes, for the browser build, the translations the islands use (`locales/islands.txt` lists
//! their key prefixes): the full tables are 140 KB that the WebAssembly does not need.

use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("manifest dir")).join("locales");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("out dir"));
    println!("cargo:rerun-if-changed=locales");
    let list = std::fs::read_to_string(dir.join("islands.txt")).expect("locales/islands.txt");
    let prefixes: Vec<&str> = list.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    for lang in ["zh-Hans", "zh-Hant", "en"] {
        let text = std::fs::read_to_string(dir.join(format!("{lang}.txt"))).expect("locale file");
        let kept: Vec<&str> = text.lines().filter(|l| prefixes.iter().any(|p| l.starts_with(p))).collect();
        std::fs::write(out.join(format!("islands-{lang}.txt")), kept.join("\n")).expect("write");
    }
}
