//! Validation of what residents type. The browser runs these functions for inline messages and the
//! server runs them again before anything is written. Errors carry a field name and a stable code;
//! the UI turns the code into a message in the page's language.

use crate::{Beneficiary, Category, SubmittedBy};
use serde::{Deserialize, Serialize};

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
}

impl FieldError {
    pub fn new(field: &str, code: &str) -> Self {
        FieldError { field: field.to_string(), code: code.to_string() }
    }
}

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

/// A micro-wish that passed validation (town and community still to be checked against the data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidWish {
    pub beneficiary: Beneficiary,
    pub submitted_by: SubmittedBy,
    pub helper_org: Option<String>,
    pub need: String,
    pub amount_yuan: i64,
    pub urgent: bool,
    pub town: String,
    pub community_id: i64,
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
    pub town: String,
    pub community_id: i64,
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

    fn town_and_community(&mut self, town: &str, community: &str) -> (String, i64) {
        let town = town.trim().to_string();
        if town.is_empty() {
            self.err("town", "choose_one");
        }
        let c = community.trim();
        let id = c.parse::<i64>().ok().filter(|v| *v > 0);
        if id.is_none() {
            self.err("community", "choose_one");
        }
        (town, id.unwrap_or(0))
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
    let need = c.text("need", &input.need, len::NEED);
    let urgent = checked(&input.urgent);
    let cap = if urgent { limits.urgent_wish_cap_yuan } else { limits.wish_cap_yuan };
    let amount_yuan = c.amount("amount", &input.amount, cap);
    let (town, community_id) = c.town_and_community(&input.town, &input.community);
    let (contact_name, phone, email) = c.contact(&input.contact_name, &input.phone, &input.email);
    if !checked(&input.consent) {
        c.err("consent", "consent_required");
    }
    match (c.errors.is_empty(), beneficiary, submitted_by) {
        (true, Some(beneficiary), Some(submitted_by)) => Ok(ValidWish {
            beneficiary,
            submitted_by,
            helper_org,
            need,
            amount_yuan,
            urgent,
            town,
            community_id,
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
    let (town, community_id) = c.town_and_community(&input.town, &input.community);
    let location = c.text("location", &input.location, len::LOCATION);
    let budget_yuan = c.amount("budget", &input.budget, limits.project_cap_yuan);
    let (contact_name, phone, email) = c.contact(&input.contact_name, &input.phone, &input.email);
    if !checked(&input.consent) {
        c.err("consent", "consent_required");
    }
    match (c.errors.is_empty(), category) {
        (true, Some(category)) => Ok(ValidProject {
            title,
            description,
            category,
            town,
            community_id,
            location,
            budget_yuan,
            contact_name,
            phone,
            email,
        }),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn good_wish() -> WishInput {
        WishInput {
            beneficiary: "elderly_alone".into(),
            submitted_by: "helper".into(),
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
        assert_eq!(v.community_id, 12);
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
        assert!(valid_phone_tail("1234"));
        assert!(!valid_phone_tail("12a4"));
    }
}
