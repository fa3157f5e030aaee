//! What the portal does against abuse, as rules without IO: the limits on public actions (admins can
//! change each maximum; the windows are fixed), which characters a form may carry, which redirect
//! targets are allowed, and how a client address is counted (IPv6 by its /64).
//!
//! The counting itself is in `store::Db::hit` (one atomic statement per key, shared by every server).

use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// The highest page number any list answers (pages beyond are the last page, not an error).
pub const MAX_PAGE: i64 = 10_000;

/// A limit on a public action: at most `max` times per key in a fixed window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Limit {
    /// Submissions (wishes and projects) from one client address in an hour.
    SubmissionsPerClientHour,
    /// … in a day.
    SubmissionsPerClientDay,
    /// Submissions giving one mobile number in an hour.
    SubmissionsPerPhoneHour,
    /// … in a day.
    SubmissionsPerPhoneDay,
    /// Mails the portal sends to one address a day on a resident's or donor's action.
    MailsPerAddressDay,
    /// Claims made with one donor contact (phone or email) in a day.
    ClaimsPerContactDay,
    /// Claims one donor contact holds at the same time (not a window: live claims).
    LiveClaimsPerContact,
    /// One-time code requests from one client address in a day.
    CodesPerClientDay,
    /// One-time code requests for one email address in a day.
    CodesPerAddressDay,
    /// Look-ups of one item number (number + last four phone digits) in an hour.
    TrackTriesPerNumberHour,
    /// Awareness answers counted from one client address in a day.
    AwarenessPerClientDay,
    /// Open311 posts (with or without a valid key) from one client address in an hour.
    Open311PerClientHour,
    /// Service requests posted with one Open311 key in a day.
    Open311PerKeyDay,
    /// Look-ups of similar projects (the project form, while typing) from one client address in an hour.
    SimilarPerClientHour,
}

impl Limit {
    /// Every limit, in the order of the admin form and `docs/security.md`.
    pub const ALL: [Limit; 14] = [
        Limit::SubmissionsPerClientHour,
        Limit::SubmissionsPerClientDay,
        Limit::SubmissionsPerPhoneHour,
        Limit::SubmissionsPerPhoneDay,
        Limit::MailsPerAddressDay,
        Limit::ClaimsPerContactDay,
        Limit::LiveClaimsPerContact,
        Limit::CodesPerClientDay,
        Limit::CodesPerAddressDay,
        Limit::TrackTriesPerNumberHour,
        Limit::AwarenessPerClientDay,
        Limit::Open311PerClientHour,
        Limit::Open311PerKeyDay,
        Limit::SimilarPerClientHour,
    ];

    /// The stable name: the settings key is `limit.{code}`, the form field `limit_{code}`.
    pub fn code(self) -> &'static str {
        match self {
            Limit::SubmissionsPerClientHour => "submissions_client_hour",
            Limit::SubmissionsPerClientDay => "submissions_client_day",
            Limit::SubmissionsPerPhoneHour => "submissions_phone_hour",
            Limit::SubmissionsPerPhoneDay => "submissions_phone_day",
            Limit::MailsPerAddressDay => "mails_address_day",
            Limit::ClaimsPerContactDay => "claims_contact_day",
            Limit::LiveClaimsPerContact => "live_claims_contact",
            Limit::CodesPerClientDay => "codes_client_day",
            Limit::CodesPerAddressDay => "codes_address_day",
            Limit::TrackTriesPerNumberHour => "track_number_hour",
            Limit::AwarenessPerClientDay => "awareness_client_day",
            Limit::Open311PerClientHour => "open311_client_hour",
            Limit::Open311PerKeyDay => "open311_key_day",
            Limit::SimilarPerClientHour => "similar_client_hour",
        }
    }

    /// The admin form's field: `limit_{code}`.
    pub fn field(self) -> &'static str {
        match self {
            Limit::SubmissionsPerClientHour => "limit_submissions_client_hour",
            Limit::SubmissionsPerClientDay => "limit_submissions_client_day",
            Limit::SubmissionsPerPhoneHour => "limit_submissions_phone_hour",
            Limit::SubmissionsPerPhoneDay => "limit_submissions_phone_day",
            Limit::MailsPerAddressDay => "limit_mails_address_day",
            Limit::ClaimsPerContactDay => "limit_claims_contact_day",
            Limit::LiveClaimsPerContact => "limit_live_claims_contact",
            Limit::CodesPerClientDay => "limit_codes_client_day",
            Limit::CodesPerAddressDay => "limit_codes_address_day",
            Limit::TrackTriesPerNumberHour => "limit_track_number_hour",
            Limit::AwarenessPerClientDay => "limit_awareness_client_day",
            Limit::Open311PerClientHour => "limit_open311_client_hour",
            Limit::Open311PerKeyDay => "limit_open311_key_day",
            Limit::SimilarPerClientHour => "limit_similar_client_hour",
        }
    }

    pub fn from_code(code: &str) -> Option<Limit> {
        Limit::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The default maximum. A helper (social worker, community staff) submits for many neighbours from
    /// one address and gives their own phone, so the limits leave room for a busy morning of helping.
    pub fn default_max(self) -> i64 {
        match self {
            Limit::SubmissionsPerClientHour => 30,
            Limit::SubmissionsPerClientDay => 100,
            Limit::SubmissionsPerPhoneHour => 10,
            Limit::SubmissionsPerPhoneDay => 30,
            Limit::MailsPerAddressDay => 20,
            Limit::ClaimsPerContactDay => 5,
            Limit::LiveClaimsPerContact => 3,
            Limit::CodesPerClientDay => 30,
            Limit::CodesPerAddressDay => 8,
            Limit::TrackTriesPerNumberHour => 10,
            Limit::AwarenessPerClientDay => 1,
            Limit::Open311PerClientHour => 600,
            Limit::Open311PerKeyDay => 2_000,
            Limit::SimilarPerClientHour => 300,
        }
    }

    /// The counting window in seconds (0 for [`Limit::LiveClaimsPerContact`], which counts live claims).
    pub fn window_secs(self) -> i64 {
        match self {
            Limit::SubmissionsPerClientHour
            | Limit::SubmissionsPerPhoneHour
            | Limit::TrackTriesPerNumberHour
            | Limit::Open311PerClientHour
            | Limit::SimilarPerClientHour => 3_600,
            Limit::LiveClaimsPerContact => 0,
            _ => 86_400,
        }
    }

    /// The highest maximum an admin may set.
    pub fn ceiling(self) -> i64 {
        10_000
    }
}

/// The maximum of every limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbuseLimits {
    max: Vec<(Limit, i64)>,
}

impl Default for AbuseLimits {
    fn default() -> Self {
        AbuseLimits { max: Limit::ALL.iter().map(|l| (*l, l.default_max())).collect() }
    }
}

impl AbuseLimits {
    pub fn max(&self, l: Limit) -> i64 {
        self.max.iter().find(|(k, _)| *k == l).map(|(_, v)| *v).unwrap_or_else(|| l.default_max())
    }

    pub fn set(&mut self, l: Limit, v: i64) {
        match self.max.iter_mut().find(|(k, _)| *k == l) {
            Some(e) => e.1 = v,
            None => self.max.push((l, v)),
        }
    }

    /// Reads the admin form (`limit_{code}` fields; an empty field keeps the current value).
    pub fn from_form(&self, field: impl Fn(&str) -> Option<String>) -> Result<AbuseLimits, Vec<crate::FieldError>> {
        let mut out = self.clone();
        let mut errors = Vec::new();
        for l in Limit::ALL {
            let name = l.field();
            let typed = field(name).unwrap_or_default();
            let typed = typed.trim();
            if typed.is_empty() {
                continue;
            }
            match typed.parse::<i64>() {
                Ok(n) if (1..=l.ceiling()).contains(&n) => out.set(l, n),
                _ => errors.push(crate::FieldError::new(name, "setting_range")),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

/// The counting key of a client address: IPv4 as it is, IPv6 by its /64 (one household or phone
/// gets a whole /64 from the carrier, so counting single IPv6 addresses counts nothing).
pub fn client_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// Whether a text carries a control character that no form field may hold: NUL and the C0 set
/// except tab, line feed and carriage return (browsers send a textarea's line breaks as CR LF), and DEL.
pub fn has_forbidden_control(s: &str) -> bool {
    s.chars().any(|c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}')
}

/// Whether a text carries any control character at all (paths, query values, single-line keys).
pub fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control())
}

/// A redirect target that stays on this site: a path starting with one `/`, never `//` or `/\`
/// (browsers read both as another host), no backslash, no control character, at most 2,000 bytes.
pub fn same_site_path(target: &str) -> Option<&str> {
    let ok = target.starts_with('/')
        && !target.starts_with("//")
        && !target.contains('\\')
        && !has_control(target)
        && target.len() <= 2_000;
    ok.then_some(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_stay_on_the_site() {
        assert_eq!(same_site_path("/t/abc?done=1"), Some("/t/abc?done=1"));
        assert_eq!(same_site_path("/"), Some("/"));
        for bad in ["//evil.example/", "/\\evil.example/", "https://evil.example/", "evil", "", "/\r\nX", "/a\u{0}"] {
            assert_eq!(same_site_path(bad), None, "{bad:?}");
        }
        assert_eq!(same_site_path(&format!("/{}", "a".repeat(2_000))), None);
    }

    #[test]
    fn control_characters_are_told_apart() {
        assert!(!has_forbidden_control("第一行\r\n第二行\tend"));
        assert!(has_forbidden_control("a\u{0}b"));
        assert!(has_forbidden_control("a\u{1b}[31m"));
        assert!(has_forbidden_control("a\u{7f}"));
        assert!(has_control("a\nb"));
        assert!(!has_control("王阿婆 82"));
    }

    #[test]
    fn ipv6_counts_by_its_64() {
        let a: IpAddr = "2408:8456:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2408:8456:1:2:bbbb:cccc::9".parse().unwrap();
        let c: IpAddr = "2408:8456:1:3::1".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(client_key(a), client_key(c));
        assert_eq!(client_key(a), "2408:8456:1:2::/64");
        assert_eq!(client_key("10.1.2.3".parse().unwrap()), "10.1.2.3");
        assert_eq!(client_key("::ffff:10.1.2.3".parse().unwrap()), "10.1.2.3");
    }

    #[test]
    fn limits_have_defaults_and_the_form_checks_ranges() {
        let l = AbuseLimits::default();
        assert_eq!(l.max(Limit::SubmissionsPerPhoneHour), 10);
        assert_eq!(Limit::from_code("track_number_hour"), Some(Limit::TrackTriesPerNumberHour));
        for l in Limit::ALL {
            assert_eq!(l.field(), format!("limit_{}", l.code()));
        }
        let form = |name: &str| match name {
            "limit_submissions_phone_hour" => Some("7".to_string()),
            "limit_claims_contact_day" => Some("0".to_string()),
            _ => None,
        };
        let e = l.from_form(form).unwrap_err();
        assert_eq!(e, vec![crate::FieldError::new("limit_claims_contact_day", "setting_range")]);
        let ok = l.from_form(|n| (n == "limit_submissions_phone_hour").then(|| "7".to_string())).unwrap();
        assert_eq!(ok.max(Limit::SubmissionsPerPhoneHour), 7);
        assert_eq!(ok.max(Limit::SubmissionsPerPhoneDay), 30);
    }
}
