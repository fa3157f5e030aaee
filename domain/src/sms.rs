//! Text messages (短信): which address is a phone, how a message is cut into segments, and what a
//! gateway's delivery report means. The texts live in the server (`server/sms/*.txt`); the outbox is
//! the mail outbox (one row per message, a `channel` column), so both channels share one worker
//! design (see `docs/sms.md`).

use serde::{Deserialize, Serialize};

/// Every message starts with the programme's registered signature (China's carriers require one on
/// every service message, in full-width brackets). It is Chinese, so every message is UCS-2.
pub const SIGNATURE: &str = "【民生大莞家】";

code_enum!(
    /// How an outbox row reaches its recipient.
    Channel {
        Mail = "mail",
        Sms = "sms",
    }
);

impl Channel {
    /// The channel of an outbox address: an email address, or a mainland mobile number (landlines
    /// cannot take a text).
    pub fn of(address: &str) -> Option<(Channel, String)> {
        let a = address.trim();
        if a.contains('@') {
            return Some((Channel::Mail, a.to_lowercase()));
        }
        crate::validate::normalise_mobile(a).map(|m| (Channel::Sms, m))
    }
}

/// Whether staff of this role get item notices (new, reopened, supervised items and deadline
/// warnings), so may turn text alerts on: a town's own staff and the city's dispatchers. Leaders and
/// admins act on no item; village workers hear from their town (`store::mail` picks the same roles).
pub fn staff_alerts(role: crate::Role) -> bool {
    matches!(role, crate::Role::TownStaff | crate::Role::Dispatcher)
}

/// The two encodings of a text message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Encoding {
    /// The GSM 03.38 7-bit alphabet: 160 characters, or 153 per part of a long message.
    Gsm7,
    /// UCS-2 (UTF-16 code units): 70, or 67 per part. Any Chinese character needs it.
    Ucs2,
}

/// How a text goes over the air.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segments {
    pub encoding: Encoding,
    /// Septets (GSM-7, an extension character counts two) or UTF-16 code units (UCS-2).
    pub units: usize,
    /// Parts sent (and billed): 1 when it fits one message, else concatenated parts.
    pub parts: usize,
}

/// GSM 03.38 basic characters (one septet each).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// GSM 03.38 extension characters (an escape plus one septet: two each).
const GSM7_EXTENSION: &str = "^{}\\[~]|€\u{c}";

/// The segments of `text`: GSM-7 when every character is in its alphabet, else UCS-2; one message
/// holds 160 septets or 70 code units; a longer text is cut into parts of 153 or 67 (the rest of each
/// part carries the concatenation header).
pub fn segments(text: &str) -> Segments {
    let gsm: Option<usize> = text.chars().try_fold(0usize, |n, c| {
        if GSM7_BASIC.contains(c) {
            Some(n + 1)
        } else if GSM7_EXTENSION.contains(c) {
            Some(n + 2)
        } else {
            None
        }
    });
    let (encoding, units, single, part) = match gsm {
        Some(n) => (Encoding::Gsm7, n, 160, 153),
        None => (Encoding::Ucs2, text.encode_utf16().count(), 70, 67),
    };
    let parts = if units <= single { 1 } else { units.div_ceil(part) };
    Segments { encoding, units, parts }
}

code_enum!(
    /// What a gateway's delivery report says about a text.
    Delivery {
        /// The phone received it.
        Delivered = "delivered",
        /// The carrier gave up (phone off too long, number not in service).
        Failed = "failed",
        /// The carrier holds it for a phone that is off or out of reach.
        Buffered = "buffered",
        /// The carrier accepted it from the gateway.
        Accepted = "accepted",
        /// The carrier refused it.
        Rejected = "rejected",
    }
);

impl Delivery {
    /// Kannel's report types (`%d` in `dlr-url`): 1 delivered, 2 failed, 4 buffered, 8 accepted by the
    /// carrier, 16 refused by the carrier.
    pub fn from_kannel(code: i64) -> Option<Delivery> {
        match code {
            1 => Some(Delivery::Delivered),
            2 => Some(Delivery::Failed),
            4 => Some(Delivery::Buffered),
            8 => Some(Delivery::Accepted),
            16 => Some(Delivery::Rejected),
            _ => None,
        }
    }

    /// A final report is not replaced by a later intermediate one (Kannel may send 8 after 1 when the
    /// carrier answers out of order).
    pub fn is_final(self) -> bool {
        matches!(self, Delivery::Delivered | Delivery::Failed | Delivery::Rejected)
    }
}

/// The short path a text links to (`/s/{code}` on `PUBLIC_BASE_URL`): ten characters of an
/// alphabet without look-alikes (no 0/O, 1/l/I), about 57 bits, so a link fits a message and still
/// cannot be guessed.
pub mod short_link {
    pub const ALPHABET: &[u8] = b"23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
    pub const LEN: usize = 10;

    /// Whether `code` could be a short link's code (checked before the database is asked).
    pub fn plausible(code: &str) -> bool {
        code.len() == LEN && code.bytes().all(|b| ALPHABET.contains(&b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_ucs2_in_parts_of_67_after_70() {
        let one = format!("{SIGNATURE}{}", "字".repeat(63));
        assert_eq!(segments(&one), Segments { encoding: Encoding::Ucs2, units: 70, parts: 1 });
        let two = format!("{SIGNATURE}{}", "字".repeat(64));
        assert_eq!(segments(&two), Segments { encoding: Encoding::Ucs2, units: 71, parts: 2 });
        assert_eq!(segments(&"字".repeat(134)).parts, 2);
        assert_eq!(segments(&"字".repeat(135)).parts, 3);
        // A character outside the basic plane takes two code units.
        assert_eq!(segments("😀").units, 2);
    }

    #[test]
    fn plain_english_is_gsm7_in_parts_of_153_after_160() {
        assert_eq!(segments(&"a".repeat(160)), Segments { encoding: Encoding::Gsm7, units: 160, parts: 1 });
        assert_eq!(segments(&"a".repeat(161)).parts, 2);
        assert_eq!(segments(&"a".repeat(306)).parts, 2);
        assert_eq!(segments(&"a".repeat(307)).parts, 3);
        // An extension character counts two septets; a curly quote forces UCS-2.
        assert_eq!(segments("[x]").units, 5);
        assert_eq!(segments("it’s").encoding, Encoding::Ucs2);
        assert_eq!(segments("").parts, 1);
    }

    #[test]
    fn an_address_is_a_mail_box_or_a_mobile_phone() {
        assert_eq!(Channel::of(" Wang@Example.cn "), Some((Channel::Mail, "wang@example.cn".into())));
        assert_eq!(Channel::of("+86 138-0013-8000"), Some((Channel::Sms, "13800138000".into())));
        assert_eq!(Channel::of("0769-22831234"), None, "a landline takes no text");
        assert_eq!(Channel::of(""), None);
    }

    #[test]
    fn only_staff_who_get_item_notices_may_turn_texts_on() {
        use crate::Role;
        let allowed: Vec<_> = Role::ALL.iter().filter(|r| staff_alerts(**r)).map(|r| r.code()).collect();
        assert_eq!(allowed, ["town_staff", "dispatcher"]);
    }

    #[test]
    fn kannel_reports_map_and_final_ones_stay() {
        assert_eq!(Delivery::from_kannel(1), Some(Delivery::Delivered));
        assert_eq!(Delivery::from_kannel(8), Some(Delivery::Accepted));
        assert_eq!(Delivery::from_kannel(3), None);
        assert!(Delivery::Delivered.is_final() && !Delivery::Accepted.is_final());
    }

    #[test]
    fn short_codes_are_checked_before_a_lookup() {
        assert!(short_link::plausible("ab3dE9kQ2x"));
        assert!(!short_link::plausible("ab3dE9kQ2"), "too short");
        assert!(!short_link::plausible("ab3dE9kQ20"), "0 is not in the alphabet");
        assert!(!short_link::plausible("../../etc/"));
    }
}
