//! Duplicates (issue 21): ten residents of one village propose the same street light. Two requests
//! are alike when their texts share enough character pairs: the Sørensen–Dice coefficient over the
//! multisets of character bigrams (`textdistance`), which needs no word segmentation and so works for
//! Chinese, on the texts without punctuation, digits and the little words every request has (的, 了,
//! 希望, 需要 …). (`strsim::sorensen_dice` divides by the texts' length in bytes, so a Chinese text
//! scores a third of its coefficient; feeding bigrams to `textdistance` counts characters.)
//! `tests/duplicates.rs` measures precision and recall on a labelled sample written from the demo
//! data's requests; the threshold is chosen there.

/// Alike from this score on (0–1).
pub const THRESHOLD: f64 = 0.20;
/// Suggestions shown at most.
pub const MAX_SUGGESTIONS: usize = 3;

/// Words that say nothing about what a request is about: removed before comparing.
const FILLER: &[&str] = &[
    "希望", "需要", "请求", "建议", "能否", "可以", "一下", "一些", "一个", "我们", "这里", "那里", "现在", "非常",
    "比较", "已经", "没有", "什么", "怎么", "帮忙", "解决", "问题", "情况", "社区", "小区", "村里", "本村", "居民",
    "大家",
];
/// Characters that say nothing on their own.
const FILLER_CHARS: &[char] = &[
    '的', '了', '是', '在', '有', '和', '与', '及', '也', '都', '很', '太', '就', '吧', '呢', '啊', '请', '我', '把',
    '被', '让',
];

/// A text as compared: letters and Chinese characters only, lower case, without the filler.
pub fn normalise(text: &str) -> String {
    let mut t: String =
        text.chars().filter(|c| c.is_alphabetic() && !c.is_ascii_digit()).flat_map(char::to_lowercase).collect();
    for w in FILLER {
        t = t.replace(w, "");
    }
    t.chars().filter(|c| !FILLER_CHARS.contains(c)).collect()
}

/// How alike two requests' texts are, 0–1.
pub fn similarity(a: &str, b: &str) -> f64 {
    use textdistance::Algorithm;
    let (a, b): (Vec<char>, Vec<char>) = (normalise(a).chars().collect(), normalise(b).chars().collect());
    if a.len() < 2 || b.len() < 2 {
        return 0.0;
    }
    let pairs = |t: &[char]| t.windows(2).map(|w| (w[0], w[1])).collect::<Vec<_>>();
    let (pa, pb) = (pairs(&a), pairs(&b));
    textdistance::SorensenDice::default().for_iter(pa.into_iter(), pb.into_iter()).nval()
}

/// The candidates alike to `text`, most alike first, at most [`MAX_SUGGESTIONS`]: (index, score).
pub fn suggest<'a>(text: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<(usize, f64)> {
    let mut scored: Vec<(usize, f64)> = candidates
        .into_iter()
        .enumerate()
        .map(|(i, c)| (i, similarity(text, c)))
        .filter(|(_, s)| *s >= THRESHOLD)
        .collect();
    scored.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    scored.truncate(MAX_SUGGESTIONS);
    scored
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filler_punctuation_and_digits_do_not_count() {
        assert_eq!(normalise("希望修复村口的路灯！电话13912345678"), "修复村口路灯电话");
        assert_eq!(similarity("村口路灯坏了", "村口路灯坏了。"), 1.0);
        assert_eq!(similarity("的了", "的了"), 0.0, "nothing left to compare");
    }

    #[test]
    fn the_same_street_light_in_other_words_is_alike_and_a_basketball_court_is_not() {
        let light = "修复村口道路路灯 村口主路多盏路灯损坏，夜间出行不安全";
        assert!(similarity("村口的路灯坏了好几盏，晚上出行不安全", light) >= THRESHOLD);
        assert!(similarity("村里想建一个篮球场，年轻人没地方运动", light) < THRESHOLD);
        let got = suggest("村口路灯坏了，夜间出行不安全", [light, "修建篮球场 村里年轻人多，缺少运动场地"]);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, 0);
    }
}
