//! Kinds, statuses and the fixed choices residents pick from. Stored and sent as stable snake_case codes;
//! the UI translates the codes.

use serde::{Deserialize, Serialize};

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stable code stored in the database and used in forms and translation keys.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            /// Parses a stable code.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

code_enum!(
    /// The two service lines.
    Kind { Wish = "wish", Project = "project" }
);

impl Kind {
    /// The letter that starts an item's readable number (`W-2026-000123`).
    pub fn prefix(self) -> char {
        match self {
            Kind::Wish => 'W',
            Kind::Project => 'P',
        }
    }
}

code_enum!(
    /// Where an item stands in its lifecycle. See [`crate::lifecycle`] for the allowed moves.
    Status {
        Submitted = "submitted",
        Routed = "routed",
        Accepted = "accepted",
        Declined = "declined",
        Published = "published",
        Claimed = "claimed",
        Fulfilled = "fulfilled",
        PublicNotice = "public_notice",
        Approved = "approved",
        InProgress = "in_progress",
        Completed = "completed",
        FeedbackGiven = "feedback_given",
        Reopened = "reopened",
        Closed = "closed",
        Withdrawn = "withdrawn",
        Duplicate = "duplicate",
    }
);

impl Status {
    /// Staff still have work to do on an item in this status ([`crate::staff::open_for_staff`]).
    pub fn open_for_staff(self) -> bool {
        !matches!(
            self,
            Status::Declined | Status::FeedbackGiven | Status::Closed | Status::Withdrawn | Status::Duplicate
        )
    }

    /// Withdrawn and duplicate items are left out of every measure.
    pub fn excluded_from_measures(self) -> bool {
        matches!(self, Status::Withdrawn | Status::Duplicate)
    }
    /// No further work is expected.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Closed | Status::Withdrawn | Status::Duplicate)
    }
}

code_enum!(
    /// Whom a micro-wish is for.
    Beneficiary {
        ElderlyAlone = "elderly_alone",
        Disabled = "disabled",
        ChildInDifficulty = "child_in_difficulty",
        LowIncome = "low_income",
        Other = "other",
    }
);

code_enum!(
    /// Who filled in the form.
    SubmittedBy { Themselves = "self", Helper = "helper", Organisation = "organisation" }
);

code_enum!(
    /// Categories of micro-project.
    Category {
        RoadsLighting = "roads_lighting",
        Accessibility = "accessibility",
        ElderlyCare = "elderly_care",
        Children = "children",
        Environment = "environment",
        CultureSports = "culture_sports",
        Safety = "safety",
        Other = "other",
    }
);

code_enum!(
    /// A resident's rating of the answer.
    Rating {
        VerySatisfied = "very_satisfied",
        Satisfied = "satisfied",
        BasicallySatisfied = "basically_satisfied",
        Unsatisfied = "unsatisfied",
        VeryUnsatisfied = "very_unsatisfied",
    }
);

code_enum!(
    /// Where a rating came from.
    RatingSource {
        /// The resident, through the tracking link.
        Online = "online",
        /// Staff, from what the resident said on a callback (回访).
        Callback = "callback",
    }
);

impl Rating {
    /// The national five levels of 好差评: 非常满意, 满意 and 基本满意 count as satisfied. Ratings given
    /// on the earlier three-level form keep their meaning (the same codes).
    pub fn counts_as_satisfied(self) -> bool {
        !self.is_bad()
    }

    /// A 差评: 不满意 or 非常不满意.
    pub fn is_bad(self) -> bool {
        matches!(self, Rating::Unsatisfied | Rating::VeryUnsatisfied)
    }

    /// The position in [`Rating::ALL`], best first (for the five-level distribution).
    pub fn index(self) -> usize {
        Rating::ALL.iter().position(|r| *r == self).unwrap_or(0)
    }
}

code_enum!(
    /// Interface languages; Simplified Chinese is the default.
    #[derive(Default)]
    Lang { #[default] ZhHans = "zh-Hans", ZhHant = "zh-Hant", En = "en" }
);

/// The readable number of an item: `W-2026-000123`.
pub fn item_number(kind: Kind, year: i32, seq: i64) -> String {
    format!("{}-{}-{:06}", kind.prefix(), year, seq)
}

/// Parses a readable number typed by a resident, forgiving case and spaces.
pub fn parse_item_number(raw: &str) -> Option<(Kind, i32, i64)> {
    let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
    let mut parts = s.split('-');
    let kind = match parts.next()? {
        "W" => Kind::Wish,
        "P" => Kind::Project,
        _ => return None,
    };
    let year: i32 = parts.next()?.parse().ok()?;
    let seq_s = parts.next()?;
    if parts.next().is_some() || seq_s.is_empty() || seq_s.len() > 9 || !(2000..=2999).contains(&year) {
        return None;
    }
    let seq: i64 = seq_s.parse().ok()?;
    (seq > 0).then_some((kind, year, seq))
}

/// Amount bands shown on public pages instead of exact values.
pub fn value_band(yuan: i64) -> &'static str {
    match yuan {
        i64::MIN..=200 => "band_0_200",
        201..=500 => "band_200_500",
        501..=1000 => "band_500_1000",
        _ => "band_over_1000",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_reject_junk() {
        assert_eq!(item_number(Kind::Wish, 2026, 123), "W-2026-000123");
        assert_eq!(parse_item_number(" w-2026-000123 "), Some((Kind::Wish, 2026, 123)));
        assert_eq!(parse_item_number("P-2026-45"), Some((Kind::Project, 2026, 45)));
        assert_eq!(parse_item_number("X-2026-1"), None);
        assert_eq!(parse_item_number("W-2026-0"), None);
        assert_eq!(parse_item_number("W-2026"), None);
        assert_eq!(parse_item_number("W-2026-1-2"), None);
    }

    #[test]
    fn codes_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(*s));
        }
        assert_eq!(Lang::from_code("zh-Hant"), Some(Lang::ZhHant));
        assert_eq!(Category::ALL.len(), 8);
        assert_eq!(Beneficiary::ALL.len(), 5);
    }
}
