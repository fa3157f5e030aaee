//! Residents' voices on a micro-project under public notice (公示): support it, or object with a
//! reason. One voice per person and project — a person is an email address proven by a one-time
//! code — only while the notice runs, and a limit per client address against scripted floods. The
//! store enforces "once" with a unique key; the rules of the form are here.

use crate::validate::FieldError;
use serde::{Deserialize, Serialize};

code_enum!(
    /// What a resident says about a project under notice.
    Stance { Support = "support", Objection = "objection" }
);

/// The shortest objection reason that says something.
pub const REASON_MIN: usize = 5;
/// The longest objection reason.
pub const REASON_MAX: usize = 500;
/// Voices one client address may give in [`CLIENT_WINDOW_SECS`] (a family or an office shares one
/// address; a script does not get further).
pub const PER_CLIENT: i64 = 20;
/// The window of [`PER_CLIENT`].
pub const CLIENT_WINDOW_SECS: i64 = 3600;

/// A voice that passed the form's checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidVoice {
    pub stance: Stance,
    /// Empty for support.
    pub reason: String,
}

/// Checks the voice form: a known stance; an objection needs a reason of 5 to 500 characters
/// (a supporter's reason is not asked for and ignored).
pub fn validate_voice(stance: &str, reason: &str) -> Result<ValidVoice, Vec<FieldError>> {
    let Some(stance) = Stance::from_code(stance.trim()) else {
        return Err(vec![FieldError::new("stance", "choose_one")]);
    };
    if stance == Stance::Support {
        return Ok(ValidVoice { stance, reason: String::new() });
    }
    let reason = reason.trim();
    let n = reason.chars().count();
    let problem = if crate::abuse::has_forbidden_control(reason) {
        Some("control_chars")
    } else if n == 0 {
        Some("required")
    } else if n < REASON_MIN {
        Some("too_short")
    } else if n > REASON_MAX {
        Some("too_long")
    } else {
        None
    };
    match problem {
        Some(code) => Err(vec![FieldError::new("reason", code)]),
        None => Ok(ValidVoice { stance, reason: reason.to_string() }),
    }
}

/// Whether voices are taken at `now`: the project is under notice and its notice has not ended.
pub fn notice_open(under_notice: bool, notice_ends_at: Option<i64>, now: i64) -> bool {
    under_notice && notice_ends_at.is_some_and(|end| now < end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(r: Result<ValidVoice, Vec<FieldError>>) -> Vec<(String, String)> {
        r.err().unwrap_or_default().into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn support_needs_no_reason_and_drops_one_given() {
        assert_eq!(
            validate_voice("support", "随便写写"),
            Ok(ValidVoice { stance: Stance::Support, reason: String::new() })
        );
    }

    #[test]
    fn an_objection_needs_a_reason_of_five_to_five_hundred_characters() {
        assert_eq!(codes(validate_voice("objection", "  ")), vec![("reason".into(), "required".into())]);
        assert_eq!(codes(validate_voice("objection", "太贵了")), vec![("reason".into(), "too_short".into())]);
        assert_eq!(
            validate_voice("objection", " 选址离学校太近 "),
            Ok(ValidVoice { stance: Stance::Objection, reason: "选址离学校太近".into() })
        );
        assert!(validate_voice("objection", &"长".repeat(500)).is_ok());
        assert_eq!(codes(validate_voice("objection", &"长".repeat(501))), vec![("reason".into(), "too_long".into())]);
    }

    #[test]
    fn an_unknown_stance_asks_to_choose() {
        assert_eq!(codes(validate_voice("", "")), vec![("stance".into(), "choose_one".into())]);
        assert_eq!(codes(validate_voice("abstain", "")), vec![("stance".into(), "choose_one".into())]);
    }

    #[test]
    fn voices_are_taken_until_the_notice_ends_and_not_after() {
        assert!(notice_open(true, Some(1_000), 999));
        assert!(!notice_open(true, Some(1_000), 1_000));
        assert!(!notice_open(true, None, 0));
        assert!(!notice_open(false, Some(1_000), 0));
    }
}
