//! Open311 GeoReport v2 (issue 21) in the programme's terms: a service is one kind of item with one
//! category (`wish.elderly_alone`, `project.roads_lighting`); a request is open while staff still
//! have work on it; the questions each form asks beyond the specification's own fields are the
//! service definition's attributes. `docs/open311.md` gives the whole mapping.

use crate::validate::Relation;
use crate::{Beneficiary, Category, Kind, Status, SubmittedBy};

/// `GET requests` without dates covers the most recent 90 days; no range may span more.
pub const MAX_SPAN_DAYS: i64 = 90;
/// `GET requests` answers at most this many requests.
pub const MAX_RESULTS: i64 = 1_000;
/// `service_request_id`s one `GET requests` may name.
pub const MAX_IDS: usize = 100;
/// The longest `description` the specification allows.
pub const DESCRIPTION_MAX: usize = 4_000;

/// The service code of a kind and category.
pub fn service_code(kind: Kind, category: &str) -> String {
    format!("{}.{category}", kind.code())
}

/// The kind and category of a service code, if it is one of ours.
pub fn parse_service_code(code: &str) -> Option<(Kind, String)> {
    let (kind, category) = code.trim().split_once('.')?;
    let kind = Kind::from_code(kind)?;
    let known = match kind {
        Kind::Wish => Beneficiary::from_code(category).is_some(),
        Kind::Project => Category::from_code(category).is_some(),
    };
    known.then(|| (kind, category.to_string()))
}

/// Every service, in the order the forms list them: wishes by beneficiary, then projects by category.
pub fn services() -> Vec<(Kind, &'static str)> {
    let wishes = Beneficiary::ALL.iter().map(|b| (Kind::Wish, b.code()));
    wishes.chain(Category::ALL.iter().map(|c| (Kind::Project, c.code()))).collect()
}

/// Open311's two statuses: `open` while staff have work to do, `closed` once answered, declined,
/// closed, withdrawn or merged as a duplicate.
pub fn status_of(status: Status) -> &'static str {
    if status.open_for_staff() {
        "open"
    } else {
        "closed"
    }
}

/// The item statuses behind an Open311 status (`None` for an unknown one).
pub fn statuses_of(open311: &str) -> Option<Vec<Status>> {
    let open = match open311.trim() {
        "open" => true,
        "closed" => false,
        _ => return None,
    };
    Some(Status::ALL.iter().copied().filter(|s| s.open_for_staff() == open).collect())
}

/// How an attribute is answered (the specification's `datatype`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Datatype {
    String,
    Number,
    Text,
    SingleValueList,
}

impl Datatype {
    pub fn code(self) -> &'static str {
        match self {
            Datatype::String => "string",
            Datatype::Number => "number",
            Datatype::Text => "text",
            Datatype::SingleValueList => "singlevaluelist",
        }
    }
}

/// Where an attribute's list of values comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Values {
    /// Free input.
    None,
    /// [`SubmittedBy`] codes.
    SubmittedBy,
    /// [`Relation`] codes.
    Relation,
    /// The towns of the reference data, and `unknown`.
    Towns,
    /// `yes` (a box to tick).
    Yes,
    /// `no`, `yes`.
    YesNo,
}

impl Values {
    /// The fixed keys (towns come from the database).
    pub fn keys(self) -> Vec<&'static str> {
        match self {
            Values::None | Values::Towns => Vec::new(),
            Values::SubmittedBy => SubmittedBy::ALL.iter().map(|v| v.code()).collect(),
            Values::Relation => Relation::ALL.iter().map(|v| v.code()).collect(),
            Values::Yes => vec!["yes"],
            Values::YesNo => vec!["no", "yes"],
        }
    }
}

/// One question of a service definition: `code` is also the form field it fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribute {
    pub code: &'static str,
    pub datatype: Datatype,
    pub required: bool,
    pub values: Values,
}

const fn attr(code: &'static str, datatype: Datatype, required: bool, values: Values) -> Attribute {
    Attribute { code, datatype, required, values }
}

/// The micro-wish form's questions beyond `description` (the need), the name, `phone`, `email` and
/// the place (`address_id`: a village or community; `address_string`: the place in words). The
/// town follows from `address_id`; `town` is asked only with `address_string`. A helper or an
/// organisation names the person the wish is for (`ben_*`), with that person's consent.
pub const WISH_ATTRIBUTES: &[Attribute] = &[
    attr("submitted_by", Datatype::SingleValueList, true, Values::SubmittedBy),
    attr("helper_org", Datatype::String, false, Values::None),
    attr("amount", Datatype::Number, true, Values::None),
    attr("urgent", Datatype::SingleValueList, false, Values::YesNo),
    attr("town", Datatype::SingleValueList, false, Values::Towns),
    attr("ben_name", Datatype::String, false, Values::None),
    attr("ben_phone", Datatype::String, false, Values::None),
    attr("ben_address", Datatype::String, false, Values::None),
    attr("ben_relation", Datatype::SingleValueList, false, Values::Relation),
    attr("ben_consent", Datatype::SingleValueList, false, Values::Yes),
    attr("consent", Datatype::SingleValueList, true, Values::Yes),
];

/// The micro-project form's questions beyond `description`, the name, `phone`, `email` and the place.
pub const PROJECT_ATTRIBUTES: &[Attribute] = &[
    attr("title", Datatype::String, true, Values::None),
    attr("location", Datatype::String, true, Values::None),
    attr("budget", Datatype::Number, true, Values::None),
    attr("town", Datatype::SingleValueList, false, Values::Towns),
    attr("consent", Datatype::SingleValueList, true, Values::Yes),
];

/// The questions of a kind.
pub fn attributes(kind: Kind) -> &'static [Attribute] {
    match kind {
        Kind::Wish => WISH_ATTRIBUTES,
        Kind::Project => PROJECT_ATTRIBUTES,
    }
}

/// The Open311 parameter a form field's error belongs to, for the error's description.
pub fn parameter_of(field: &str) -> String {
    match field {
        "need" | "description" => "description".into(),
        "contact_name" => "last_name".into(),
        "phone" | "email" => field.into(),
        "community" => "address_id".into(),
        "place" => "address_string".into(),
        "form" => "service_request".into(),
        other => format!("attribute[{other}]"),
    }
}

/// The resident's name from the specification's two fields, family name first as in Chinese
/// (`王` + `小明` → `王小明`); a name in Latin letters keeps the given name first, with a space.
pub fn full_name(first: &str, last: &str) -> String {
    let (first, last) = (first.trim(), last.trim());
    let latin = |s: &str| s.chars().any(|c| c.is_ascii_alphabetic());
    match (first.is_empty(), last.is_empty()) {
        (true, _) => last.to_string(),
        (_, true) => first.to_string(),
        _ if latin(first) || latin(last) => format!("{first} {last}"),
        _ => format!("{last}{first}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_codes_round_trip_for_every_service() {
        let all = services();
        assert_eq!(all.len(), Beneficiary::ALL.len() + Category::ALL.len());
        assert_eq!(all.len(), 13);
        for (kind, category) in all {
            let code = service_code(kind, category);
            assert_eq!(parse_service_code(&code), Some((kind, category.to_string())), "{code}");
        }
        assert_eq!(service_code(Kind::Wish, "elderly_alone"), "wish.elderly_alone");
        assert_eq!(parse_service_code("wish.roads_lighting"), None, "a project category is no wish");
        assert_eq!(parse_service_code("project.elderly_alone"), None);
        assert_eq!(parse_service_code("wish"), None);
        assert_eq!(parse_service_code("claim.other"), None);
    }

    #[test]
    fn open_means_staff_still_have_work() {
        assert_eq!(status_of(Status::Submitted), "open");
        assert_eq!(status_of(Status::Reopened), "open");
        assert_eq!(status_of(Status::PublicNotice), "open");
        assert_eq!(status_of(Status::FeedbackGiven), "closed");
        assert_eq!(status_of(Status::Duplicate), "closed");
        let open = statuses_of("open").unwrap();
        let closed = statuses_of("closed").unwrap();
        assert_eq!(open.len() + closed.len(), Status::ALL.len(), "every status is one or the other");
        assert_eq!(closed.len(), 5);
        assert!(statuses_of("pending").is_none());
    }

    #[test]
    fn names_put_the_family_name_first_in_chinese() {
        assert_eq!(full_name("小明", "王"), "王小明");
        assert_eq!(full_name("John", "Smith"), "John Smith");
        assert_eq!(full_name("", "王小明"), "王小明");
        assert_eq!(full_name(" 小明 ", ""), "小明");
        assert_eq!(full_name("", ""), "");
    }

    #[test]
    fn every_attribute_is_a_form_field_once() {
        for kind in [Kind::Wish, Kind::Project] {
            let codes: Vec<_> = attributes(kind).iter().map(|a| a.code).collect();
            let mut unique = codes.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), codes.len(), "{kind:?}");
            assert!(codes.contains(&"consent"), "consent is asked for {kind:?}");
        }
        assert_eq!(parameter_of("need"), "description");
        assert_eq!(parameter_of("community"), "address_id");
        assert_eq!(parameter_of("amount"), "attribute[amount]");
        assert_eq!(Values::SubmittedBy.keys(), vec!["self", "helper", "organisation"]);
    }
}
