//! What the mail and the text channels share: the town names their texts use, and how a send fails.
//! (`mail.rs` runs the one outbox worker and renders mails; `sms.rs` renders texts and holds the
//! SMS gateways.)

use domain::Lang;
use std::collections::HashMap;
use store::Db;

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
