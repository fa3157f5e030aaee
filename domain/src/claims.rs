//! Claims of micro-wishes (认领): who may claim, what a claim goes through, and what the public wish
//! wall may show of a wish. The race between two donors and the lapse are the store's; the rules are here.

use crate::validate::{is_plausible_email, normalise_mobile, FieldError};
use serde::{Deserialize, Serialize};

code_enum!(
    /// Who is giving.
    DonorKind { Person = "person", Organisation = "organisation", Enterprise = "enterprise" }
);

code_enum!(
    /// Where a claim stands. `Held`, `Confirmed` and `Delivered` are live: the wish is taken.
    ClaimStatus {
        /// The donor claimed; the wish is held for them until `hold_until`.
        Held = "held",
        /// Town staff reached the donor and agreed the delivery.
        Confirmed = "confirmed",
        /// Staff recorded the delivery; the beneficiary's side has yet to confirm it.
        Delivered = "delivered",
        /// The beneficiary's side confirmed receipt: the wish is fulfilled by this donor.
        Fulfilled = "fulfilled",
        /// Nothing was delivered within the hold; the wish went back on the wall.
        Lapsed = "lapsed",
        /// The donor or staff released it (or the wish was withdrawn).
        Released = "released",
    }
);

impl ClaimStatus {
    /// Still holding the wish.
    pub fn is_live(self) -> bool {
        matches!(self, ClaimStatus::Held | ClaimStatus::Confirmed | ClaimStatus::Delivered)
    }
    /// The donor may still let it go (nothing delivered yet).
    pub fn can_release(self) -> bool {
        matches!(self, ClaimStatus::Held | ClaimStatus::Confirmed)
    }
}

/// The claim form as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClaimInput {
    #[serde(default)]
    pub donor_kind: String,
    #[serde(default)]
    pub donor_name: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub consent: String,
    #[serde(default)]
    pub thank_publicly: String,
}

/// A claim form that passed validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidClaim {
    pub donor_kind: DonorKind,
    pub donor_name: String,
    /// A mobile number (11 digits) or an email address, normalised.
    pub contact: String,
    pub thank_publicly: bool,
}

/// Longest donor name, in characters.
pub const DONOR_NAME_MAX: usize = 40;

/// Checks the claim form; every problem is reported at its field.
pub fn validate_claim(input: &ClaimInput) -> Result<ValidClaim, Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = DonorKind::from_code(input.donor_kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new("donor_kind", "choose_one"));
    }
    let name = input.donor_name.trim();
    if name.is_empty() {
        errors.push(FieldError::new("donor_name", "required"));
    } else if crate::abuse::has_control(name) {
        errors.push(FieldError::new("donor_name", "control_chars"));
    } else if name.chars().count() > DONOR_NAME_MAX {
        errors.push(FieldError::new("donor_name", "too_long"));
    }
    let raw = input.contact.trim();
    let contact = if raw.is_empty() {
        errors.push(FieldError::new("contact", "required"));
        None
    } else if raw.contains('@') {
        if is_plausible_email(raw) {
            Some(raw.to_lowercase())
        } else {
            errors.push(FieldError::new("contact", "contact_invalid"));
            None
        }
    } else {
        let phone = normalise_mobile(raw);
        if phone.is_none() {
            errors.push(FieldError::new("contact", "contact_invalid"));
        }
        phone
    };
    if input.consent.trim() != "on" {
        errors.push(FieldError::new("consent", "consent_required"));
    }
    match (errors.is_empty(), kind, contact) {
        (true, Some(donor_kind), Some(contact)) => Ok(ValidClaim {
            donor_kind,
            donor_name: name.to_string(),
            contact,
            thank_publicly: input.thank_publicly.trim() == "on",
        }),
        _ => Err(errors),
    }
}

/// The wall shows a band, not the exact amount: `(low, high)` in yuan, `high = None` for "above low".
pub fn value_band(amount_yuan: i64) -> (i64, Option<i64>) {
    const BANDS: [i64; 5] = [200, 500, 1_000, 3_000, 10_000];
    let mut low = 0;
    for high in BANDS {
        if amount_yuan <= high {
            return (low, Some(high));
        }
        low = high;
    }
    (low, None)
}

/// A text as the wall shows it: every run of five or more digits (phone and ID numbers, also written
/// `138-1234-5678`, `138 1234 5678` or in full-width `１３８…`) becomes `*`, and the text is cut to
/// `max` characters. Names cannot be recognised by a rule; staff review the public text of every wish
/// before it is published ([`crate::mask::public_flags`]).
pub fn wall_text(text: &str, max: usize) -> String {
    let chars: Vec<char> = text.trim().chars().collect();
    let mut out = String::new();
    for run in crate::mask::digit_runs(&chars) {
        match run {
            crate::mask::Run::Text(a, b) => out.extend(&chars[a..b]),
            crate::mask::Run::Digits(a, b, n) if n >= 5 => out.extend(std::iter::repeat_n('*', b - a)),
            crate::mask::Run::Digits(a, b, _) => out.extend(&chars[a..b]),
        }
    }
    if out.chars().count() > max {
        out = out.chars().take(max).collect::<String>() + "…";
    }
    out
}

/// Whole days a wish has waited, from `since` to `now` (both Unix seconds).
pub fn days_waiting(since: i64, now: i64) -> i64 {
    ((now - since).max(0)) / 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, name: &str, contact: &str, consent: &str) -> ClaimInput {
        ClaimInput {
            donor_kind: kind.into(),
            donor_name: name.into(),
            contact: contact.into(),
            consent: consent.into(),
            thank_publicly: String::new(),
        }
    }

    #[test]
    fn a_good_claim_is_normalised() {
        let v = validate_claim(&ClaimInput {
            thank_publicly: "on".into(),
            ..input("enterprise", " 东莞某科技公司 ", "138 1234 5678", "on")
        })
        .unwrap();
        assert_eq!(v.donor_kind, DonorKind::Enterprise);
        assert_eq!(v.donor_name, "东莞某科技公司");
        assert_eq!(v.contact, "13812345678");
        assert!(v.thank_publicly);
        let v = validate_claim(&input("person", "李女士", "Li@Example.org", "on")).unwrap();
        assert_eq!((v.contact.as_str(), v.thank_publicly), ("li@example.org", false));
    }

    #[test]
    fn every_problem_is_reported_at_its_field() {
        let errs = validate_claim(&input("", "", "", "")).unwrap_err();
        let fields: Vec<(&str, &str)> = errs.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(
            fields,
            [
                ("donor_kind", "choose_one"),
                ("donor_name", "required"),
                ("contact", "required"),
                ("consent", "consent_required")
            ]
        );
        let errs = validate_claim(&input("alien", &"名".repeat(41), "12345", "on")).unwrap_err();
        let codes: Vec<&str> = errs.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["choose_one", "too_long", "contact_invalid"]);
        assert_eq!(validate_claim(&input("person", "王", "not@mail", "on")).unwrap_err()[0].code, "contact_invalid");
    }

    #[test]
    fn value_bands_have_known_edges() {
        assert_eq!(value_band(0), (0, Some(200)));
        assert_eq!(value_band(200), (0, Some(200)));
        assert_eq!(value_band(201), (200, Some(500)));
        assert_eq!(value_band(800), (500, Some(1_000)));
        assert_eq!(value_band(1_000), (500, Some(1_000)));
        assert_eq!(value_band(9_999), (3_000, Some(10_000)));
        assert_eq!(value_band(10_001), (10_000, None));
    }

    #[test]
    fn the_wall_hides_long_digit_runs_and_cuts_long_texts() {
        assert_eq!(wall_text("请联系13812345678，住3栋502", 100), "请联系***********，住3栋502");
        assert_eq!(wall_text("身份证４４１９００１９５０", 100), "身份证**********");
        assert_eq!(wall_text("电话138-1234-5678找我", 100), "电话*************找我");
        assert_eq!(wall_text("电话 138 1234 5678", 100), "电话 *************");
        assert_eq!(wall_text("１３８－１２３４－５６７８", 100), "*************");
        assert_eq!(wall_text("住3栋502，2-3天内", 100), "住3栋502，2-3天内", "short runs stay");
        assert_eq!(wall_text("需要一台轮椅", 3), "需要一…");
        assert_eq!(days_waiting(0, 86_400 * 3 - 1), 2);
        assert_eq!(days_waiting(100, 0), 0);
    }

    #[test]
    fn live_claims_hold_the_wish() {
        let live: Vec<_> = ClaimStatus::ALL.iter().filter(|s| s.is_live()).map(|s| s.code()).collect();
        assert_eq!(live, ["held", "confirmed", "delivered"]);
        assert!(ClaimStatus::Confirmed.can_release() && !ClaimStatus::Delivered.can_release());
    }
}
