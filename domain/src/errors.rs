//! Errors as the programme names them: the codes a field error carries ([`ErrorCode`], one
//! message `err.{code}` each) and the kinds of refusal a whole page or call can meet ([`ErrorKind`],
//! one error page `error.{kind}.*` each, with its HTTP status). Both are stable snake_case codes;
//! the UI translates them, and a test derives every translation key from these lists.

use serde::{Deserialize, Serialize};

/// One problem with one field: the field's name and a stable [`ErrorCode`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
}

impl FieldError {
    /// A field error. `code` must be an [`ErrorCode`]'s code (checked in debug builds, so every test
    /// that reaches a new code without a translation fails).
    pub fn new(field: &str, code: &str) -> Self {
        debug_assert!(ErrorCode::from_code(code).is_some(), "unknown error code {code}: add it to ErrorCode");
        FieldError { field: field.to_string(), code: code.to_string() }
    }

    /// A field error from the enum.
    pub fn of(field: &str, code: ErrorCode) -> Self {
        FieldError { field: field.to_string(), code: code.code().to_string() }
    }
}

code_enum!(
    /// Every code a field error can carry; each has the message `err.{code}` in all three languages.
    ErrorCode {
        Required = "required",
        TooShort = "too_short",
        TooLong = "too_long",
        ChooseOne = "choose_one",
        AmountInvalid = "amount_invalid",
        AmountOverCap = "amount_over_cap",
        PhoneInvalid = "phone_invalid",
        EmailInvalid = "email_invalid",
        /// Neither a mobile number nor an email address (the code forms take either).
        AddressInvalid = "address_invalid",
        ConsentRequired = "consent_required",
        TownUnknown = "town_unknown",
        CommunityUnknown = "community_unknown",
        Server = "server",
        NotAllowedNow = "not_allowed_now",
        Conflict = "conflict",
        RatingRequired = "rating_required",
        ConfirmRequired = "confirm_required",
        LookupNotFound = "lookup_not_found",
        LookupNumberInvalid = "lookup_number_invalid",
        LookupPhone4Invalid = "lookup_phone4_invalid",
        LookupTooMany = "lookup_too_many",
        SignInFailed = "sign_in_failed",
        SignInTooMany = "sign_in_too_many",
        DaysRange = "days_range",
        PercentRange = "percent_range",
        DuplicateUnknown = "duplicate_unknown",
        CommunityRequired = "community_required",
        TownRequired = "town_required",
        RerouteSameTown = "reroute_same_town",
        AdminSelf = "admin_self",
        DateInvalid = "date_invalid",
        SettingRange = "setting_range",
        UrgentCapBelowCap = "urgent_cap_below_cap",
        NameTaken = "name_taken",
        EmailTaken = "email_taken",
        PeriodOrder = "period_order",
        PrefsUnknown = "prefs_unknown",
        CodeTooMany = "code_too_many",
        CodeFormat = "code_format",
        CodeWrong = "code_wrong",
        CodeExpired = "code_expired",
        CodeUsed = "code_used",
        CodeTries = "code_tries",
        ContactInvalid = "contact_invalid",
        NoticeRunning = "notice_running",
        YearInvalid = "year_invalid",
        PhotoMissing = "photo_missing",
        PhotoType = "photo_type",
        PhotoTooBig = "photo_too_big",
        PhotoBroken = "photo_broken",
        ControlChars = "control_chars",
        TooManyTries = "too_many_tries",
        EmailTooMany = "email_too_many",
        ClaimsTooMany = "claims_too_many",
        ClaimsLiveTooMany = "claims_live_too_many",
        PasswordWrong = "password_wrong",
        PasswordSame = "password_same",
        PasswordMismatch = "password_mismatch",
        PasswordShort = "password_short",
        PasswordDigits = "password_digits",
        BenConsentRequired = "ben_consent_required",
        ClockInvalid = "clock_invalid",
        ExtensionRange = "extension_range",
        ReturnPending = "return_pending",
        CallbackRatingUnreached = "callback_rating_unreached",
        CallbackAlreadyRated = "callback_already_rated",
        /// A kind the portal does not have (the public API's `kind`).
        KindUnknown = "kind_unknown",
        /// A beneficiary group or project category the portal does not have, or not of the kind asked.
        CategoryUnknown = "category_unknown",
        /// A parameter the public API does not take (the field is its name).
        ParameterUnknown = "parameter_unknown"
    }
);

code_enum!(
    /// What stopped a whole page or call. Each has an error page (`error.{kind}.title`,
    /// `error.{kind}.body`) in all three languages and one HTTP status.
    ErrorKind {
        BadRequest = "bad_request",
        SignIn = "sign_in",
        Forbidden = "forbidden",
        NotFound = "not_found",
        Invalid = "invalid",
        Conflict = "conflict",
        RateLimited = "rate_limited",
        TooLarge = "too_large",
        Internal = "internal"
    }
);

impl ErrorKind {
    /// The HTTP status of a response that carries this kind.
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::BadRequest => 400,
            ErrorKind::SignIn => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::Invalid => 422,
            ErrorKind::Conflict => 409,
            ErrorKind::RateLimited => 429,
            ErrorKind::TooLarge => 413,
            ErrorKind::Internal => 500,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        for c in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_code(c.code()), Some(*c));
        }
        let set: std::collections::HashSet<_> = ErrorCode::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(set.len(), ErrorCode::ALL.len());
        assert_eq!(serde_json::to_string(&ErrorCode::TooManyTries).unwrap(), "\"too_many_tries\"");
        assert_eq!(FieldError::of("phone", ErrorCode::PhoneInvalid), FieldError::new("phone", "phone_invalid"));
    }

    #[test]
    fn each_kind_has_its_status() {
        let statuses: Vec<u16> = ErrorKind::ALL.iter().map(|k| k.status()).collect();
        assert_eq!(statuses, [400, 401, 403, 404, 422, 409, 429, 413, 500]);
    }

    #[test]
    #[should_panic(expected = "unknown error code")]
    #[cfg(debug_assertions)]
    fn an_unknown_code_is_caught_in_tests() {
        let _ = FieldError::new("x", "no_such_code");
    }
}
