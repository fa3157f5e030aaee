//! 朗读: a button that reads the page aloud with the browser's own speech synthesis, in the page's
//! language. It is an island: the server renders it `hidden`, and the browser shows it only when it has
//! a voice for the language (nothing is downloaded from elsewhere; without JavaScript or without a
//! voice there is no button). What it reads: the parts of `<main>` marked `data-read`, in page order
//! (the tracking page marks its status and next step, the forms their title, intro and notice), else
//! the whole of `<main>` as displayed.

use crate::ui::i18n::t;
use domain::Lang;
use leptos::prelude::*;

/// The language tags (lower case, `-` separated) of voices that can read `lang`, best first. A
/// Mandarin or Cantonese voice reads either Chinese script; the script's own region comes first.
pub fn voice_prefixes(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::ZhHans => &["zh-cn", "zh-hans", "cmn", "zh-sg", "zh", "yue", "zh-hk", "zh-tw"],
        Lang::ZhHant => &["zh-hk", "zh-tw", "zh-hant", "yue", "zh-mo", "zh", "cmn", "zh-cn"],
        Lang::En => &["en"],
    }
}

/// The index of the best voice for `lang` among voices with these language tags, if any.
pub fn best_voice(lang: Lang, voice_langs: &[String]) -> Option<usize> {
    let norm: Vec<String> = voice_langs.iter().map(|l| l.trim().to_ascii_lowercase().replace('_', "-")).collect();
    voice_prefixes(lang)
        .iter()
        .find_map(|p| norm.iter().position(|l| l == p || (l.starts_with(p) && l[p.len()..].starts_with('-'))))
}

/// Splits text into pieces a speech engine reads without stopping midway (Chromium stops a single
/// utterance after about 15 seconds): at sentence ends and line breaks, pieces of at most 120
/// characters.
pub fn speech_chunks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        if c == '\n' {
            push_chunk(&mut out, &mut cur);
            continue;
        }
        cur.push(c);
        let end = matches!(c, '。' | '！' | '？' | '；' | '.' | '!' | '?' | ';');
        if end || cur.chars().count() >= 120 {
            push_chunk(&mut out, &mut cur);
        }
    }
    push_chunk(&mut out, &mut cur);
    out
}

fn push_chunk(out: &mut Vec<String>, cur: &mut String) {
    let s = cur.split_whitespace().collect::<Vec<_>>().join(" ");
    if !s.is_empty() {
        out.push(s);
    }
    cur.clear();
}

/// The 朗读 button.
#[island]
pub fn ReadAloud(lang: Lang) -> impl IntoView {
    let available = RwSignal::new(false);
    let speaking = RwSignal::new(false);
    Effect::new(move |_| speech::detect(lang, available));
    let on_click = move |_| {
        if speaking.get_untracked() {
            speech::stop();
            speaking.set(false);
        } else {
            speaking.set(speech::read_main(lang, speaking));
        }
    };
    view! {
        <button type="button" class="read-aloud" hidden=move || !available.get()
            aria-pressed=move || speaking.get().to_string() on:click=on_click>
            <span aria-hidden="true">"🔊 "</span>{move || t(lang, if speaking.get() { "read.stop" } else { "read.start" })}
        </button>
    }
}

/// The browser side: the page's speech synthesis, reached through `web_sys`.
mod speech {
    use super::{best_voice, speech_chunks};
    use domain::Lang;
    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{SpeechSynthesis, SpeechSynthesisUtterance, SpeechSynthesisVoice};

    fn synth() -> Option<SpeechSynthesis> {
        let window = web_sys::window()?;
        let has = js_sys::Reflect::has(&window, &"speechSynthesis".into()).unwrap_or(false)
            && js_sys::Reflect::has(&window, &"SpeechSynthesisUtterance".into()).unwrap_or(false);
        if !has {
            return None;
        }
        window.speech_synthesis().ok()
    }

    fn voice(lang: Lang, s: &SpeechSynthesis) -> Option<SpeechSynthesisVoice> {
        let voices: Vec<SpeechSynthesisVoice> =
            s.get_voices().iter().filter_map(|v| v.dyn_into::<SpeechSynthesisVoice>().ok()).collect();
        let langs: Vec<String> = voices.iter().map(|v| v.lang()).collect();
        best_voice(lang, &langs).map(|i| voices[i].clone())
    }

    /// Shows the button when a voice for `lang` exists now or once the browser has loaded its voices.
    pub(super) fn detect(lang: Lang, available: RwSignal<bool>) {
        let Some(s) = synth() else { return };
        if voice(lang, &s).is_some() {
            available.set(true);
            return;
        }
        let again = s.clone();
        let on_change = Closure::<dyn FnMut()>::new(move || {
            if voice(lang, &again).is_some() {
                available.set(true);
            }
        });
        s.set_onvoiceschanged(Some(on_change.as_ref().unchecked_ref()));
        on_change.forget();
    }

    pub(super) fn stop() {
        if let Some(s) = synth() {
            s.cancel();
        }
    }

    /// What the page asks to be read: its `data-read` parts, else all of `<main>`.
    fn main_text() -> String {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return String::new() };
        let text_of =
            |e: web_sys::Element| e.dyn_into::<web_sys::HtmlElement>().map(|h| h.inner_text()).unwrap_or_default();
        let marked = doc.query_selector_all("main [data-read]").ok();
        let parts: Vec<String> = marked
            .map(|list| {
                (0..list.length())
                    .filter_map(|i| list.item(i)?.dyn_into::<web_sys::Element>().ok())
                    .map(text_of)
                    .collect()
            })
            .unwrap_or_default();
        if parts.iter().any(|p| !p.trim().is_empty()) {
            return parts.join("\n");
        }
        doc.get_element_by_id("main").map(text_of).unwrap_or_default()
    }

    /// Starts reading; answers whether it did. `speaking` turns false when the last piece ends.
    pub(super) fn read_main(lang: Lang, speaking: RwSignal<bool>) -> bool {
        let Some(s) = synth() else { return false };
        let Some(v) = voice(lang, &s) else { return false };
        let chunks = speech_chunks(&main_text());
        s.cancel();
        let n = chunks.len();
        for (i, chunk) in chunks.into_iter().enumerate() {
            let Ok(u) = SpeechSynthesisUtterance::new_with_text(&chunk) else { return false };
            u.set_lang(&v.lang());
            u.set_voice(Some(&v));
            if i + 1 == n {
                let done = Closure::<dyn FnMut()>::new(move || speaking.set(false));
                u.set_onend(Some(done.as_ref().unchecked_ref()));
                u.set_onerror(Some(done.as_ref().unchecked_ref()));
                done.forget();
            }
            s.speak(&u);
        }
        n > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn each_language_finds_its_own_voice_first() {
        let v = langs(&["en-US", "zh-HK", "zh_CN", "de-DE"]);
        assert_eq!(best_voice(Lang::ZhHans, &v), Some(2));
        assert_eq!(best_voice(Lang::ZhHant, &v), Some(1));
        assert_eq!(best_voice(Lang::En, &v), Some(0));
    }

    #[test]
    fn chinese_falls_back_to_any_chinese_voice_and_english_never_does() {
        let v = langs(&["cmn-Hans-CN"]);
        assert_eq!(best_voice(Lang::ZhHant, &v), Some(0));
        assert_eq!(best_voice(Lang::En, &v), None);
        // "zhx" is not Chinese; "eng" is not "en".
        assert_eq!(best_voice(Lang::ZhHans, &langs(&["zhx-XX", "de"])), None);
        assert_eq!(best_voice(Lang::En, &langs(&["eng"])), None);
        assert_eq!(best_voice(Lang::En, &[]), None);
    }

    #[test]
    fn text_is_read_sentence_by_sentence() {
        let chunks = speech_chunks("办理中。\n  下一步：等待答复！ Next step.  ");
        assert_eq!(chunks, vec!["办理中。", "下一步：等待答复！", "Next step."]);
        let long = "长".repeat(250);
        let c = speech_chunks(&long);
        assert_eq!(c.iter().map(|s| s.chars().count()).collect::<Vec<_>>(), vec![120, 120, 10]);
    }
}
