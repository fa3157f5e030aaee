//! Masking for public pages: a resident's name or phone is never shown in full (王**, 138****1234),
//! and what might name or locate a person in a text meant for the wall is flagged for the reviewer.

use serde::{Deserialize, Serialize};

/// Keeps the first character of a name: `王小明` → `王**`, `Li` → `L*`.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        None => String::new(),
        Some(first) => {
            let rest = chars.count().max(1);
            let mut s = String::from(first);
            s.extend(std::iter::repeat_n('*', rest));
            s
        }
    }
}

/// Keeps the first three and last four digits: `13812341234` → `138****1234`.
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() < 8 {
        return "*".repeat(digits.len().max(4));
    }
    let head: String = digits[..3].iter().collect();
    let tail: String = digits[digits.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// Keeps a street address up to its first number: `新湾社区3巷8号` → `新湾社区****`.
pub fn mask_street(address: &str) -> String {
    let a = address.trim();
    let keep: String = a.chars().take_while(|c| !is_digit(*c)).take(8).collect();
    let hidden = a.chars().count() - keep.chars().count();
    format!("{keep}{}", "*".repeat(hidden.clamp(2, 6)))
}

/// A stretch of a text: plain text, or digits (ASCII or full-width) joined by single separators
/// (`-`, space, `.`, `·` and their full-width forms), with how many digits it holds. Ranges are char
/// indices `[a, b)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    Text(usize, usize),
    Digits(usize, usize, usize),
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn is_separator(c: char) -> bool {
    matches!(c, '-' | ' ' | '.' | '·' | '－' | '‐' | '—' | '　' | '．')
}

/// Splits a text into plain text and digit runs (see [`Run`]).
pub fn digit_runs(chars: &[char]) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut i = 0;
    let mut text_start = 0;
    while i < chars.len() {
        if !is_digit(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut n = 0;
        let mut end = i;
        while i < chars.len() {
            if is_digit(chars[i]) {
                n += 1;
                i += 1;
                end = i;
            } else if is_separator(chars[i]) && i + 1 < chars.len() && is_digit(chars[i + 1]) {
                i += 1;
            } else {
                break;
            }
        }
        if text_start < start {
            runs.push(Run::Text(text_start, start));
        }
        runs.push(Run::Digits(start, end, n));
        text_start = end;
        i = end;
    }
    if text_start < chars.len() {
        runs.push(Run::Text(text_start, chars.len()));
    }
    runs
}

/// What might name or locate a person in a text meant for the public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FlagKind {
    /// A phone or ID number (five digits or more).
    Number,
    /// An exact age (`八十二岁`, `82岁`).
    Age,
    /// A house, building or room number (`3栋502`, `8号`).
    House,
    /// A surname with a form of address (`王阿婆`, `李伯`).
    Name,
}

impl FlagKind {
    pub fn code(self) -> &'static str {
        match self {
            FlagKind::Number => "number",
            FlagKind::Age => "age",
            FlagKind::House => "house",
            FlagKind::Name => "name",
        }
    }
}

/// One flagged piece of a text, by char indices `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    pub kind: FlagKind,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤麦容植伍冼骆欧岑邝祁";
const ADDRESS_FORMS: &[&str] = &[
    "阿婆", "阿公", "阿姨", "阿伯", "阿叔", "阿嫲", "奶奶", "爷爷", "婆婆", "公公", "伯伯", "叔叔", "大爷", "大妈",
    "大娘", "老伯", "老人", "先生", "女士", "小姐", "师傅", "姨", "伯", "婆", "叔",
];
const HOUSE_UNITS: &[char] = &['栋', '號', '号', '室', '楼', '座', '巷', '层', '幢', '房'];
const CN_NUMERALS: &str = "零〇一二两三四五六七八九十百";

/// Finds what might name or locate a person: numbers, exact ages, house numbers, surnames with a form
/// of address. A hint for the reviewer, not a guarantee: names without a form of address are not found.
pub fn public_flags(text: &str) -> Vec<Flag> {
    let chars: Vec<char> = text.chars().collect();
    let mut flags = Vec::new();
    let flag = |kind, start: usize, end: usize| Flag { kind, start, end, text: chars[start..end].iter().collect() };
    let runs = digit_runs(&chars);
    for (k, r) in runs.iter().enumerate() {
        let Run::Digits(a, b, n) = *r else { continue };
        if n >= 5 {
            flags.push(flag(FlagKind::Number, a, b));
            continue;
        }
        let next = chars.get(b).copied();
        if next == Some('岁') || (next == Some('周') && chars.get(b + 1) == Some(&'岁')) {
            flags.push(flag(FlagKind::Age, a, if next == Some('岁') { b + 1 } else { b + 2 }));
        } else if next.is_some_and(|c| HOUSE_UNITS.contains(&c)) || chars[b..].starts_with(&['单', '元']) {
            // `3栋502`: the unit and the number after it belong together.
            let mut end = b + 1;
            if let Some(Run::Digits(c, d, _)) = runs.get(k + 2) {
                if *c == end {
                    end = *d;
                }
            }
            if chars.get(end).is_some_and(|c| HOUSE_UNITS.contains(c)) {
                end += 1;
            }
            flags.push(flag(FlagKind::House, a, end));
        }
    }
    // Ages in Chinese numerals: 八十二岁, 九十多岁.
    let mut i = 0;
    while i < chars.len() {
        if CN_NUMERALS.contains(chars[i]) {
            let start = i;
            while i < chars.len() && (CN_NUMERALS.contains(chars[i]) || chars[i] == '多') {
                i += 1;
            }
            if chars.get(i) == Some(&'岁') && i - start >= 2 {
                flags.push(flag(FlagKind::Age, start, i + 1));
            }
        }
        i += 1;
    }
    for (i, c) in chars.iter().enumerate() {
        if !SURNAMES.contains(*c) {
            continue;
        }
        let rest: String = chars[i + 1..].iter().take(2).collect();
        if let Some(form) = ADDRESS_FORMS.iter().find(|f| rest.starts_with(**f)) {
            let end = i + 1 + form.chars().count();
            flags.push(flag(FlagKind::Name, i, end));
        }
    }
    flags.sort_by_key(|f| (f.start, f.end));
    flags.dedup_by(|b, a| b.start < a.end);
    flags
}

/// A first draft of the public text: numbers and house numbers become `*`, a surname before a form of
/// address becomes `*` (`王阿婆` → `*阿婆`); exact ages are flagged for the reviewer but kept.
pub fn public_draft(text: &str) -> String {
    let chars: Vec<char> = text.trim().chars().collect();
    let mut out: Vec<char> = chars.clone();
    for f in public_flags(text.trim()) {
        match f.kind {
            FlagKind::Number => out[f.start..f.end].iter_mut().for_each(|c| *c = '*'),
            FlagKind::House => out[f.start..f.end].iter_mut().filter(|c| is_digit(**c)).for_each(|c| *c = '*'),
            FlagKind::Name => out[f.start] = '*',
            FlagKind::Age => {}
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_find_what_names_or_locates_a_person() {
        let text = "邻居王阿婆八十二岁独居，住3栋502，电话138-1234-5678";
        let got: Vec<(FlagKind, String)> = public_flags(text).into_iter().map(|f| (f.kind, f.text)).collect();
        assert_eq!(
            got,
            vec![
                (FlagKind::Name, "王阿婆".to_string()),
                (FlagKind::Age, "八十二岁".to_string()),
                (FlagKind::House, "3栋502".to_string()),
                (FlagKind::Number, "138-1234-5678".to_string()),
            ]
        );
        assert_eq!(public_draft(text), "邻居*阿婆八十二岁独居，住*栋***，电话*************");
        assert_eq!(public_flags("一位独居老人需要一台轮椅"), vec![]);
        assert_eq!(public_flags("陈伯75岁，8号")[1].kind, FlagKind::Age);
        assert_eq!(public_flags("陈伯75岁，8号")[2].text, "8号");
    }

    #[test]
    fn names_keep_only_the_first_character() {
        assert_eq!(mask_name("王小明"), "王**");
        assert_eq!(mask_name("李明"), "李*");
        assert_eq!(mask_name("张"), "张*");
        assert_eq!(mask_name("  "), "");
    }

    #[test]
    fn streets_keep_their_start() {
        assert_eq!(mask_street("新湾社区3巷8号"), "新湾社区****");
        assert_eq!(mask_street("北栅东坊"), "北栅东坊**");
    }

    #[test]
    fn phones_keep_three_and_four() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("123"), "****");
    }
}
