//! Place names in the reader's script. Names are stored in Simplified Chinese as residents write them;
//! Traditional Chinese comes from `zhconv` (OpenCC and MediaWiki conversion tables), English from the
//! `pinyin` dictionary, written as one word per place with the kind translated and the Chinese name
//! after it: `岗贝社区` → `Gangbei Community (岗贝社区)`.

use domain::Lang;
use pinyin::ToPinyin;

/// The name of a village/community (or any place name) in `lang`.
pub fn place(lang: Lang, name: &str) -> String {
    match lang {
        Lang::ZhHans => name.to_string(),
        Lang::ZhHant => zhconv::zhconv(name, zhconv::Variant::ZhHant),
        Lang::En if name.is_empty() => String::new(),
        Lang::En => format!("{} ({name})", english(name)),
    }
}

/// Readings the dictionary's first choice gets wrong in Dongguan's place names: 长 in 长安 is chang,
/// 涌 in 麻涌 is chong (Cantonese 涌, a creek), 泊 is bo.
fn place_reading(c: char) -> Option<&'static str> {
    match c {
        '长' => Some("chang"),
        '涌' => Some("chong"),
        '泊' => Some("bo"),
        _ => None,
    }
}

/// `岗贝社区` → `Gangbei Community`, `唐洪村` → `Tanghong Village`.
pub fn english(name: &str) -> String {
    let (root, kind) = [("生活区", "Residential Area"), ("社区", "Community"), ("村", "Village")]
        .iter()
        .find_map(|(suffix, en)| name.strip_suffix(suffix).filter(|r| !r.is_empty()).map(|r| (r, Some(*en))))
        .unwrap_or((name, None));
    let mut word = String::new();
    for c in root.chars() {
        match place_reading(c).or_else(|| c.to_pinyin().map(|p| p.plain())) {
            Some(p) => word.push_str(p),
            None if c.is_ascii_alphanumeric() => word.push(c),
            None => {}
        }
    }
    let mut chars = word.chars();
    let word = match chars.next() {
        Some(f) => f.to_uppercase().chain(chars).collect::<String>(),
        None => root.to_string(),
    };
    match kind {
        Some(k) => format!("{word} {k}"),
        None => word,
    }
}

/// The name of the town with this slug, in `lang`.
pub fn town_name(towns: &[crate::Town], slug: Option<&str>, lang: Lang) -> Option<String> {
    slug.and_then(|s| towns.iter().find(|t| t.slug == s)).map(|t| t.name(lang).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_scripts() {
        assert_eq!(place(Lang::ZhHans, "岗贝社区"), "岗贝社区");
        assert_eq!(place(Lang::ZhHant, "岗贝社区"), "崗貝社區");
        assert_eq!(place(Lang::ZhHant, "花园新村社区"), "花園新村社區");
        assert_eq!(place(Lang::En, "岗贝社区"), "Gangbei Community (岗贝社区)");
        assert_eq!(english("唐洪村"), "Tanghong Village");
        assert_eq!(english("黄旗生活区"), "Huangqi Residential Area");
        assert_eq!(english("长安社区"), "Changan Community");
        assert_eq!(english("麻涌村"), "Machong Village");
        assert_eq!(place(Lang::En, ""), "");
    }
}
