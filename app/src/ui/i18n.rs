//! Translations. The texts live in `app/locales/*.txt` (one `key = value` a line), compiled in for the
//! server (every key) and the browser (the islands' keys). A missing key falls back to Simplified
//! Chinese, then to the key.

use domain::Lang;
use std::collections::HashMap;
use std::sync::OnceLock;

#[cfg(not(feature = "hydrate"))]
const ZH_HANS: &str = include_str!("../../locales/zh-Hans.txt");
#[cfg(not(feature = "hydrate"))]
const ZH_HANT: &str = include_str!("../../locales/zh-Hant.txt");
#[cfg(not(feature = "hydrate"))]
const EN: &str = include_str!("../../locales/en.txt");
// The browser gets only the keys the islands use (`locales/islands.txt`, written by `build.rs`).
#[cfg(feature = "hydrate")]
const ZH_HANS: &str = include_str!(concat!(env!("OUT_DIR"), "/islands-zh-Hans.txt"));
#[cfg(feature = "hydrate")]
const ZH_HANT: &str = include_str!(concat!(env!("OUT_DIR"), "/islands-zh-Hant.txt"));
#[cfg(feature = "hydrate")]
const EN: &str = include_str!(concat!(env!("OUT_DIR"), "/islands-en.txt"));

/// Parses a translation file: `key = value` a line, `#` starts a comment.
pub fn parse(text: &'static str) -> HashMap<&'static str, &'static str> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

fn table(lang: Lang) -> &'static HashMap<&'static str, &'static str> {
    static TABLES: [OnceLock<HashMap<&'static str, &'static str>>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    match lang {
        Lang::ZhHans => TABLES[0].get_or_init(|| parse(ZH_HANS)),
        Lang::ZhHant => TABLES[1].get_or_init(|| parse(ZH_HANT)),
        Lang::En => TABLES[2].get_or_init(|| parse(EN)),
    }
}

/// Whether `lang`'s table has `key` itself (no fallback).
pub fn has_key(lang: Lang, key: &str) -> bool {
    table(lang).contains_key(key)
}

/// The text for `key` in `lang`.
pub fn t(lang: Lang, key: &str) -> String {
    table(lang)
        .get(key)
        .or_else(|| table(Lang::ZhHans).get(key))
        .map(|s| s.to_string())
        .unwrap_or_else(|| key.to_string())
}

/// The text for `key` with `{name}` placeholders filled in.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = t(lang, key);
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// The message for a field error code.
pub fn err(lang: Lang, code: &str) -> String {
    t(lang, &format!("err.{code}"))
}

/// The `lang` attribute value for `<html>`.
pub fn html_lang(lang: Lang) -> &'static str {
    match lang {
        Lang::ZhHans => "zh-Hans",
        Lang::ZhHant => "zh-Hant",
        Lang::En => "en",
    }
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A timestamp as Dongguan local time, `2026-11-22 14:05`.
pub fn local_time(ts: i64) -> String {
    let d = domain::Date::from_timestamp(ts);
    let secs = (ts + domain::calendar::CHINA_OFFSET_SECS).rem_euclid(86_400);
    format!("{d} {:02}:{:02}", secs / 3600, (secs % 3600) / 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_key() {
        let base: std::collections::BTreeSet<_> = table(Lang::ZhHans).keys().collect();
        for lang in [Lang::ZhHant, Lang::En] {
            let other: std::collections::BTreeSet<_> = table(lang).keys().collect();
            assert_eq!(base.difference(&other).collect::<Vec<_>>(), Vec::<&&&str>::new(), "{lang:?} is missing keys");
            assert_eq!(other.difference(&base).collect::<Vec<_>>(), Vec::<&&&str>::new(), "{lang:?} has extra keys");
        }
    }

    #[test]
    fn formatting() {
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
        assert_eq!(tf(Lang::En, "yuan", &[("n", "800")]), "¥800");
        // 2026-11-22 06:05 UTC = 14:05 in Dongguan.
        assert_eq!(local_time(1_795_363_200 - 86_400 + 14 * 3600 + 300), "2026-11-22 14:05");
    }
}
