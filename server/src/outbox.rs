//! What the mail and the text channels share: their texts in three languages, the town names the
//! texts use, and how a send fails.
//! (`mail.rs` runs the one outbox worker and renders mails; `sms.rs` renders texts and holds the
//! SMS gateways.)

use domain::Lang;
use std::collections::HashMap;
use std::sync::OnceLock;
use store::Db;

/// A channel's texts (`key = value` lines, one file per language), each parsed on first use.
pub struct Texts {
    sources: [&'static str; 3],
    tables: [OnceLock<HashMap<&'static str, &'static str>>; 3],
}

impl Texts {
    pub const fn new(zh_hans: &'static str, zh_hant: &'static str, en: &'static str) -> Texts {
        Texts { sources: [zh_hans, zh_hant, en], tables: [OnceLock::new(), OnceLock::new(), OnceLock::new()] }
    }

    /// Every text of one language.
    pub fn table(&self, lang: Lang) -> &HashMap<&'static str, &'static str> {
        let i = match lang {
            Lang::ZhHans => 0,
            Lang::ZhHant => 1,
            Lang::En => 2,
        };
        self.tables[i].get_or_init(|| app::ui::i18n::parse(self.sources[i]))
    }

    /// The text of `key` in `lang` (in Simplified Chinese when that language lacks it, the key itself
    /// when both do), with each `{name}` replaced by its value in `args`.
    pub fn get(&self, lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
        let found = self.table(lang).get(key).or_else(|| self.table(Lang::ZhHans).get(key));
        let mut s = found.copied().unwrap_or(key).to_string();
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }
}

/// Town names by slug, in each language, for the texts.
#[derive(Debug, Clone, Default)]
pub struct TownNames(HashMap<String, [String; 3]>);

impl TownNames {
    pub async fn load(db: &Db) -> store::Result<TownNames> {
        Ok(TownNames(
            db.towns().await?.into_iter().map(|t| (t.slug, [t.name_zh_hans, t.name_zh_hant, t.name_en])).collect(),
        ))
    }

    /// One town, for samples (the admin page's text sizes).
    pub fn sample() -> TownNames {
        TownNames(HashMap::from([("humen".to_string(), ["虎门镇".into(), "虎門鎮".into(), "Humen Town".into()])]))
    }

    pub fn name(&self, slug: &str, lang: Lang) -> String {
        let i = match lang {
            Lang::ZhHans => 0,
            Lang::ZhHant => 1,
            Lang::En => 2,
        };
        self.0.get(slug).map(|n| n[i].clone()).unwrap_or_else(|| slug.to_string())
    }
}

/// Why a send failed; permanent failures (a 5xx answer, a malformed address) are not retried.
#[derive(Debug)]
pub struct SendError {
    pub message: String,
    pub permanent: bool,
}
