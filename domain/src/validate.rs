//! Validation of what residents type. The browser runs these functions for inline messages and the
//! server runs them again before anything is written. Errors carry a field name and a stable code;
//! the UI turns the code into a message in the page's language.

pub use crate::errors::FieldError;
use crate::{Beneficiary, Category, SubmittedBy};
// `code_enum!` comes from `model` (macro_use).
use serde::{Deserialize, Serialize};

/// Caps from the settings (admins can change them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Highest value of an ordinary micro-wish, in yuan.
    pub wish_cap_yuan: i64,
    /// Highest value of an urgent micro-wish, in yuan.
    pub urgent_wish_cap_yuan: i64,
    /// Highest estimated budget of a micro-project, in yuan.
    pub project_cap_yuan: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { wish_cap_yuan: 1_000, urgent_wish_cap_yuan: 10_000, project_cap_yuan: 200_000 }
    }
}

/// A micro-wish form as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WishInput {
    #[serde(default)]
    pub beneficiary: String,
    #[serde(default)]
    pub submitted_by: String,
    #[serde(default)]
    pub helper_org: String,
    #[serde(default)]
    pub need: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub urgent: Option<String>,
    #[serde(default)]
    pub town: String,
    #[serde(default)]
    pub community: String,
    /// The place in the resident's words, when the village is not listed or the town not known.
    #[serde(default)]
    pub place: String,
    /// The person the wish is for, when a helper or organisation submits (never shown in public).
    #[serde(default)]
    pub ben_name: String,
    #[serde(default)]
    pub ben_phone: String,
    #[serde(default)]
    pub ben_address: String,
    /// A [`Relation`] code.
    #[serde(default)]
    pub ben_relation: String,
    #[serde(default)]
    pub ben_consent: Option<String>,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub consent: Option<String>,
    /// A random key put in the form when it is shown, so a double submit makes one item.
    #[serde(default)]
    pub submission_key: String,
}

/// A micro-project form as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProjectInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub town: String,
    #[serde(default)]
    pub community: String,
    /// The place in the resident's words, when the village is not listed or the town not known.
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub budget: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub consent: Option<String>,
    #[serde(default)]
    pub submission_key: String,
}

/// The town's value for "I don't know which town" and the village's for "not listed / not sure".
pub const TOWN_UNKNOWN: &str = "unknown";
pub const COMMUNITY_NOT_LISTED: &str = "not_listed";

/// Where an item is, as the resident could say it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// `None`: the resident does not know the town; the item goes to the city queue.
    pub town: Option<String>,
    /// `None`: not listed or not sure; staff assign the village.
    pub community_id: Option<i64>,
    /// The resident's words when no village was chosen.
    pub text: Option<String>,
}

code_enum!(
    /// How the person who fills in a wish for someone else is related to them.
    Relation {
        Family = "family",
        Neighbour = "neighbour",
        SocialWorker = "social_worker",
        VillageStaff = "village_staff",
        Volunteer = "volunteer",
        Other = "other",
    }
);

/// The beneficiary named by a helper or organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BeneficiaryPerson {
    pub name: String,
    /// Optional: many elderly people have no phone of their own.
    pub phone: Option<String>,
    pub address: String,
    pub relation: Relation,
}

/// A micro-wish that passed validation (town and community still to be checked against the data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidWish {
    pub beneficiary: Beneficiary,
    pub submitted_by: SubmittedBy,
    pub helper_org: Option<String>,
    /// The person the wish is for (helpers and organisations; consent given).
    pub person: Option<BeneficiaryPerson>,
    pub need: String,
    pub amount_yuan: i64,
    pub urgent: bool,
    pub place: Place,
    pub contact_name: String,
    pub phone: String,
    pub email: Option<String>,
}

/// A micro-project that passed validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidProject {
    pub title: String,
    pub description: String,
    pub category: Category,
    pub place: Place,
    pub location: String,
    pub budget_yuan: i64,
    pub contact_name: String,
    pub phone: String,
    pub email: Option<String>,
}

/// Length limits, in characters.
pub mod len {
    pub const NEED: (usize, usize) = (5, 500);
    pub const TITLE: (usize, usize) = (4, 60);
    pub const DESCRIPTION: (usize, usize) = (10, 2000);
    pub const LOCATION: (usize, usize) = (2, 100);
    pub const NAME: (usize, usize) = (1, 30);
    pub const ORG: (usize, usize) = (2, 60);
    pub const PLACE: (usize, usize) = (2, 100);
    pub const ADDRESS: (usize, usize) = (4, 100);
    pub const EMAIL: usize = 120;
}

struct Check {
    errors: Vec<FieldError>,
}

impl Check {
    fn err(&mut self, field: &str, code: &str) {
        if !self.errors.iter().any(|e| e.field == field) {
            self.errors.push(FieldError::new(field, code));
        }
    }

    fn text(&mut self, field: &str, raw: &str, (min, max): (usize, usize)) -> String {
        let t = raw.trim().to_string();
        let n = t.chars().count();
        if crate::abuse::has_forbidden_control(&t) {
            self.err(field, "control_chars");
        } else if n == 0 {
            self.err(field, "required");
        } else if n < min {
            self.err(field, "too_short");
        } else if n > max {
            self.err(field, "too_long");
        }
        t
    }

    fn choice<T>(&mut self, field: &str, raw: &str, parse: fn(&str) -> Option<T>) -> Option<T> {
        let raw = raw.trim();
        if raw.is_empty() {
            self.err(field, "choose_one");
            return None;
        }
        let v = parse(raw);
        if v.is_none() {
            self.err(field, "choose_one");
        }
        v
    }

    fn amount(&mut self, field: &str, raw: &str, cap: i64) -> i64 {
        match parse_yuan(raw) {
            None if raw.trim().is_empty() => {
                self.err(field, "required");
                0
            }
            None => {
                self.err(field, "amount_invalid");
                0
            }
            Some(v) if v > cap => {
                self.err(field, "amount_over_cap");
                v
            }
            Some(v) => v,
        }
    }

    /// Town (or "don't know"), then village (or "not listed / not sure" with the place in words).
    fn place(&mut self, town: &str, community: &str, text: &str) -> Place {
        let town = town.trim();
        let c = community.trim();
        let unknown = town == TOWN_UNKNOWN;
        let town = match town {
            "" => {
                self.err("town", "choose_one");
                None
            }
            TOWN_UNKNOWN => None,
            t => Some(t.to_string()),
        };
        let in_words = unknown || c == COMMUNITY_NOT_LISTED;
        let community_id = if in_words {
            None
        } else {
            let id = c.parse::<i64>().ok().filter(|v| *v > 0);
            if id.is_none() {
                self.err("community", "choose_one");
            }
            id
        };
        let text = in_words.then(|| self.text("place", text, len::PLACE));
        Place { town, community_id, text }
    }

    fn contact(&mut self, name: &str, phone: &str, email: &str) -> (String, String, Option<String>) {
        let name = self.text("contact_name", name, len::NAME);
        let phone = match normalise_mobile(phone) {
            Some(p) => p,
            None => {
                self.err("phone", if phone.trim().is_empty() { "required" } else { "phone_invalid" });
                phone.trim().to_string()
            }
        };
        let email = email.trim();
        let email = if email.is_empty() {
            None
        } else {
            if !is_plausible_email(email) {
                self.err("email", "email_invalid");
            }
            Some(email.to_string())
        };
        (name, phone, email)
    }
}

fn checked(v: &Option<String>) -> bool {
    matches!(v.as_deref().map(str::trim), Some(s) if !s.is_empty() && s != "off" && s != "false")
}

/// Validates a micro-wish.
pub fn validate_wish(input: &WishInput, limits: &Limits) -> Result<ValidWish, Vec<FieldError>> {
    let mut c = Check { errors: Vec::new() };
    let beneficiary = c.choice("beneficiary", &input.beneficiary, Beneficiary::from_code);
    let submitted_by = c.choice("submitted_by", &input.submitted_by, SubmittedBy::from_code);
    let helper_org = match submitted_by {
        Some(SubmittedBy::Organisation) => Some(c.text("helper_org", &input.helper_org, len::ORG)),
        Some(SubmittedBy::Helper) if !input.helper_org.trim().is_empty() => {
            Some(c.text("helper_org", &input.helper_org, len::ORG))
        }
        _ => None,
    };
    let person = match submitted_by {
        Some(SubmittedBy::Helper | SubmittedBy::Organisation) => {
            let name = c.text("ben_name", &input.ben_name, len::NAME);
            let phone = match input.ben_phone.trim() {
                "" => None,
                raw => match normalise_mobile(raw).or_else(|| normalise_landline(raw)) {
                    Some(p) => Some(p),
                    None => {
                        c.err("ben_phone", "phone_invalid");
                        None
                    }
                },
            };
            let address = c.text("ben_address", &input.ben_address, len::ADDRESS);
            let relation = c.choice("ben_relation", &input.ben_relation, Relation::from_code);
            if !checked(&input.ben_consent) {
                c.err("ben_consent", "ben_consent_required");
            }
            relation.map(|relation| BeneficiaryPerson { name, phone, address, relation })
        }
        _ => None,
    };
    let need = c.text("need", &input.need, len::NEED);
    let urgent = checked(&input.urgent);
    let cap = if urgent { limits.urgent_wish_cap_yuan } else { limits.wish_cap_yuan };
    let amount_yuan = c.amount("amount", &input.amount, cap);
    let place = c.place(&input.town, &input.community, &input.place);
    let (contact_name, phone, email) = c.contact(&input.contact_name, &input.phone, &input.email);
    if !checked(&input.consent) {
        c.err("consent", "consent_required");
    }
    match (c.errors.is_empty(), beneficiary, submitted_by) {
        (true, Some(beneficiary), Some(submitted_by)) => Ok(ValidWish {
            beneficiary,
            submitted_by,
            helper_org,
            person,
            need,
            amount_yuan,
            urgent,
            place,
            contact_name,
            phone,
            email,
        }),
        _ => Err(c.errors),
    }
}

/// Validates a micro-project.
pub fn validate_project(input: &ProjectInput, limits: &Limits) -> Result<ValidProject, Vec<FieldError>> {
    let mut c = Check { errors: Vec::new() };
    let title = c.text("title", &input.title, len::TITLE);
    let description = c.text("description", &input.description, len::DESCRIPTION);
    let category = c.choice("category", &input.category, Category::from_code);
    let place = c.place(&input.town, &input.community, &input.place);
    let location = c.text("location", &input.location, len::LOCATION);
    let budget_yuan = c.amount("budget", &input.budget, limits.project_cap_yuan);
    let (contact_name, phone, email) = c.contact(&input.contact_name, &input.phone, &input.email);
    if !checked(&input.consent) {
        c.err("consent", "consent_required");
    }
    match (c.errors.is_empty(), category) {
        (true, Some(category)) => {
            Ok(ValidProject { title, description, category, place, location, budget_yuan, contact_name, phone, email })
        }
        _ => Err(c.errors),
    }
}

/// Reads an amount in whole yuan: `1000`, `1,000`, `¥1000`, `1000元`, `1000.00`. At least ¥1.
pub fn parse_yuan(raw: &str) -> Option<i64> {
    let s: String = raw
        .trim()
        .trim_start_matches(['¥', '￥'])
        .trim_end_matches('元')
        .chars()
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .collect();
    let s = s.strip_suffix(".00").or_else(|| s.strip_suffix(".0")).unwrap_or(&s);
    if s.is_empty() || s.len() > 12 || !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok().filter(|v| *v >= 1)
}

/// A mainland mobile number as 11 digits, from `138 1234 1234`, `138-1234-1234` or `+86 13812341234`.
pub fn normalise_mobile(raw: &str) -> Option<String> {
    let mut digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
    if let Some(rest) = digits.strip_prefix("+86") {
        digits = rest.to_string();
    } else if digits.len() == 13 && digits.starts_with("86") {
        digits = digits[2..].to_string();
    }
    let b = digits.as_bytes();
    let ok = b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit);
    ok.then_some(digits)
}

/// A fixed-line number (many elderly people have only one): 7 or 8 digits, or with the area code
/// (`0769-2283 1234`, `076922831234`). Returned as digits, the area code first.
pub fn normalise_landline(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match digits.len() {
        7 | 8 if !digits.starts_with('0') && !digits.starts_with('1') => Some(digits),
        10..=12 if digits.starts_with('0') && !digits.starts_with("00") => Some(digits),
        _ => None,
    }
}

/// A plausible email address: one `@`, a dot in the domain, no spaces, at most 120 characters.
pub fn is_plausible_email(s: &str) -> bool {
    let s = s.trim();
    if s.len() > len::EMAIL || s.contains(char::is_whitespace) || crate::abuse::has_control(s) {
        return false;
    }
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

/// Checks the four digits typed to look an item up.
pub fn valid_phone_tail(s: &str) -> bool {
    let s = s.trim();
    s.len() == 4 && s.chars().all(|c| c.is_ascii_digit())
}

// The field order of each form: errors are listed in it, by the server and by the islands alike.
/// Field order of the wish form (used to mark every field as touched on submit).
pub const WISH_FIELDS: &[&str] = &[
    "beneficiary",
    "submitted_by",
    "helper_org",
    "ben_name",
    "ben_phone",
    "ben_address",
    "ben_relation",
    "ben_consent",
    "need",
    "amount",
    "urgent",
    "town",
    "community",
    "place",
    "contact_name",
    "phone",
    "email",
    "consent",
];
/// Field order of the project form.
pub const PROJECT_FIELDS: &[&str] = &[
    "title",
    "description",
    "category",
    "town",
    "community",
    "place",
    "location",
    "budget",
    "contact_name",
    "phone",
    "email",
    "consent",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn good_wish() -> WishInput {
        WishInput {
            beneficiary: "elderly_alone".into(),
            submitted_by: "helper".into(),
            ben_name: "王阿婆".into(),
            ben_address: "新湾社区3巷8号".into(),
            ben_relation: "neighbour".into(),
            ben_consent: Some("on".into()),
            need: "一台轮椅，老人腿脚不便".into(),
            amount: "¥800".into(),
            town: "humen".into(),
            community: "12".into(),
            contact_name: "王小明".into(),
            phone: "138 1234 1234".into(),
            consent: Some("on".into()),
            ..Default::default()
        }
    }

    fn codes(e: Vec<FieldError>) -> Vec<(String, String)> {
        e.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn a_good_wish_is_normalised() {
        let v = validate_wish(&good_wish(), &Limits::default()).unwrap();
        assert_eq!(v.phone, "13812341234");
        assert_eq!(v.amount_yuan, 800);
        assert_eq!(v.place, Place { town: Some("humen".into()), community_id: Some(12), text: None });
        assert!(!v.urgent);
        assert_eq!(v.email, None);
    }

    #[test]
    fn caps_depend_on_urgency() {
        let mut w = good_wish();
        w.amount = "5000".into();
        assert_eq!(
            codes(validate_wish(&w, &Limits::default()).unwrap_err()),
            vec![("amount".into(), "amount_over_cap".into())]
        );
        w.urgent = Some("on".into());
        assert_eq!(validate_wish(&w, &Limits::default()).unwrap().amount_yuan, 5000);
        w.amount = "10001".into();
        assert!(validate_wish(&w, &Limits::default()).is_err());
    }

    #[test]
    fn every_bad_field_is_named_once() {
        let w = WishInput {
            need: "短".into(),
            amount: "abc".into(),
            phone: "12345".into(),
            email: "x@".into(),
            ..Default::default()
        };
        let got = codes(validate_wish(&w, &Limits::default()).unwrap_err());
        let want: Vec<(String, String)> = [
            ("beneficiary", "choose_one"),
            ("submitted_by", "choose_one"),
            ("need", "too_short"),
            ("amount", "amount_invalid"),
            ("town", "choose_one"),
            ("community", "choose_one"),
            ("contact_name", "required"),
            ("phone", "phone_invalid"),
            ("email", "email_invalid"),
            ("consent", "consent_required"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn not_listed_needs_the_place_in_words() {
        let mut w = good_wish();
        w.community = COMMUNITY_NOT_LISTED.into();
        assert_eq!(
            codes(validate_wish(&w, &Limits::default()).unwrap_err()),
            vec![("place".into(), "required".into())]
        );
        w.place = "沙角村附近的新围".into();
        let v = validate_wish(&w, &Limits::default()).unwrap();
        assert_eq!(
            v.place,
            Place { town: Some("humen".into()), community_id: None, text: Some("沙角村附近的新围".into()) }
        );
        // Town unknown too: the city queue; the village choice is ignored.
        w.town = TOWN_UNKNOWN.into();
        w.community = "12".into();
        let v = validate_wish(&w, &Limits::default()).unwrap();
        assert_eq!(v.place, Place { town: None, community_id: None, text: Some("沙角村附近的新围".into()) });
        // A chosen village needs no words, and words typed before are not kept.
        w.town = "humen".into();
        let v = validate_wish(&w, &Limits::default()).unwrap();
        assert_eq!(v.place, Place { town: Some("humen".into()), community_id: Some(12), text: None });
    }

    #[test]
    fn a_helper_names_the_beneficiary_with_consent() {
        let mut w = good_wish();
        let p = validate_wish(&w, &Limits::default()).unwrap().person.unwrap();
        assert_eq!((p.name.as_str(), p.phone, p.relation), ("王阿婆", None, Relation::Neighbour));
        w.ben_phone = "0769-2283 1234".into();
        assert_eq!(
            validate_wish(&w, &Limits::default()).unwrap().person.unwrap().phone.as_deref(),
            Some("076922831234")
        );
        w.ben_phone = "12".into();
        w.ben_consent = None;
        w.ben_name = String::new();
        assert_eq!(
            codes(validate_wish(&w, &Limits::default()).unwrap_err()),
            vec![
                ("ben_name".into(), "required".into()),
                ("ben_phone".into(), "phone_invalid".into()),
                ("ben_consent".into(), "ben_consent_required".into())
            ]
        );
        // Submitting for oneself asks for none of it.
        let me = WishInput { submitted_by: "self".into(), ben_name: String::new(), ben_consent: None, ..good_wish() };
        assert_eq!(validate_wish(&me, &Limits::default()).unwrap().person, None);
    }

    #[test]
    fn an_organisation_must_say_which() {
        let mut w = good_wish();
        w.submitted_by = "organisation".into();
        assert_eq!(
            codes(validate_wish(&w, &Limits::default()).unwrap_err()),
            vec![("helper_org".into(), "required".into())]
        );
        w.helper_org = "虎门镇社工站".into();
        assert_eq!(validate_wish(&w, &Limits::default()).unwrap().helper_org.as_deref(), Some("虎门镇社工站"));
    }

    #[test]
    fn projects_check_budget_and_texts() {
        let p = ProjectInput {
            title: "修路灯".into(),
            description: "村口道路夜间无照明，老人出行不便".into(),
            category: "roads_lighting".into(),
            town: "humen".into(),
            community: "3".into(),
            location: "村口大榕树旁".into(),
            budget: "250000".into(),
            contact_name: "李".into(),
            phone: "+8613912345678".into(),
            consent: Some("on".into()),
            ..Default::default()
        };
        let got = codes(validate_project(&p, &Limits::default()).unwrap_err());
        assert_eq!(got, vec![("title".into(), "too_short".into()), ("budget".into(), "amount_over_cap".into())]);
        let ok = ProjectInput { title: "修复村口路灯".into(), budget: "200,000".into(), ..p };
        let v = validate_project(&ok, &Limits::default()).unwrap();
        assert_eq!((v.budget_yuan, v.phone.as_str()), (200_000, "13912345678"));
        assert_eq!(v.place.community_id, Some(3));
    }

    #[test]
    fn amounts_and_phones_and_emails() {
        assert_eq!(parse_yuan("1,000元"), Some(1000));
        assert_eq!(parse_yuan("1000.00"), Some(1000));
        assert_eq!(parse_yuan("0"), None);
        assert_eq!(parse_yuan("-5"), None);
        assert_eq!(parse_yuan("12.5"), None);
        assert_eq!(normalise_mobile("8613812341234").as_deref(), Some("13812341234"));
        assert_eq!(normalise_mobile("12812341234"), None);
        assert_eq!(normalise_mobile("1381234123"), None);
        assert!(is_plausible_email("a.b@qq.com"));
        assert!(!is_plausible_email("a@b"));
        assert!(!is_plausible_email("a b@qq.com"));
        assert_eq!(normalise_landline("2283 1234").as_deref(), Some("22831234"));
        assert_eq!(normalise_landline("(0769) 2283-1234").as_deref(), Some("076922831234"));
        assert_eq!(normalise_landline("12345"), None);
        assert!(valid_phone_tail("1234"));
        assert!(!valid_phone_tail("12a4"));
    }
}
