//! Every code the domain and the pages use has a text in Simplified Chinese (and so, by
//! `every_language_has_every_key`, in all three languages).

use app::ui::i18n::has_key;
use domain::Lang;

#[test]
fn every_code_the_domain_uses_has_a_text() {
    let mut keys: Vec<String> = Vec::new();
    keys.extend(domain::Status::ALL.iter().map(|s| format!("status.{}", s.code())));
    keys.extend(domain::Beneficiary::ALL.iter().map(|s| format!("ben.{}", s.code())));
    keys.extend(domain::Category::ALL.iter().map(|s| format!("cat.{}", s.code())));
    keys.extend(domain::SubmittedBy::ALL.iter().map(|s| format!("by.{}", s.code())));
    keys.extend(domain::Rating::ALL.iter().map(|s| format!("rating.{}", s.code())));
    keys.extend(domain::claims::ClaimStatus::ALL.iter().map(|s| format!("claim.status.{}", s.code())));
    keys.extend(domain::claims::DonorKind::ALL.iter().map(|s| format!("donor.{}", s.code())));
    keys.extend(
        domain::claims::ClaimStatus::ALL
            .iter()
            .filter(|s| !s.is_live() && s.code() != "fulfilled")
            .map(|s| format!("donor.ended.{}", s.code())),
    );
    for action in ["claim", "release_claim", "fulfil", "confirm_receipt"] {
        keys.push(format!("ev.{action}"));
    }
    for a in domain::staff::StaffAction::ALL {
        keys.push(format!("staff.act.{}", a.code()));
    }
    keys.extend(app::projects::STAGES.iter().map(|s| format!("board.stage.{s}")));
    // The voice box: each refusal the server gives, the two "yours" texts.
    for k in ["closed", "too_many", "done", "already", "yours_support", "yours_objection"] {
        keys.push(format!("voice.{k}"));
    }
    // Every err.* key comes from domain::ErrorCode: see the test below.
    for k in keys {
        assert!(has_key(Lang::ZhHans, &k), "missing {k}");
    }
}

#[test]
fn every_error_code_and_kind_has_its_texts_in_every_language() {
    for lang in [Lang::ZhHans, Lang::ZhHant, Lang::En] {
        for code in domain::ErrorCode::ALL {
            assert!(has_key(lang, &format!("err.{}", code.code())), "{lang:?}: no err.{}", code.code());
        }
        for kind in domain::ErrorKind::ALL {
            for part in ["title", "body"] {
                assert!(
                    has_key(lang, &format!("error.{}.{part}", kind.code())),
                    "{lang:?}: no error.{}.{part}",
                    kind.code()
                );
            }
        }
    }
}
