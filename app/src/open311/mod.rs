//! Open311 GeoReport v2 at `/open311/v2/` (issue 21): the answers as the specification names their
//! fields (JSON as is; `server::open311` writes the same values as XML). The rules are
//! `domain::open311`, the queries `store::open311`; `docs/open311.md` has the mapping.

#[cfg(feature = "ssr")]
pub mod ops;

use serde::{Deserialize, Serialize};

/// The specification this endpoint follows, as discovery names it.
pub const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";
/// When this endpoint last changed (discovery's `changeset`).
pub const CHANGESET: &str = "2026-12-06T00:00:00+08:00";

/// `discovery`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Discovery {
    pub changeset: String,
    pub contact: String,
    pub key_service: String,
    pub endpoints: Vec<Endpoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Endpoint {
    pub specification: String,
    pub url: String,
    pub changeset: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub formats: Vec<String>,
}

/// One entry of `services`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Service {
    pub service_code: String,
    pub service_name: String,
    pub description: String,
    pub metadata: bool,
    #[serde(rename = "type")]
    pub kind: String,
    pub keywords: String,
    pub group: String,
}

/// `services/{code}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ServiceDefinition {
    pub service_code: String,
    pub attributes: Vec<AttributeView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttributeView {
    pub variable: bool,
    pub code: String,
    pub datatype: String,
    pub required: bool,
    pub datatype_description: Option<String>,
    pub order: i64,
    pub description: String,
    /// Only for lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<ValueView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ValueView {
    pub key: String,
    pub name: String,
}

/// One entry of `requests` and `requests/{id}`: public fields only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RequestView {
    pub service_request_id: String,
    pub status: String,
    pub status_notes: Option<String>,
    pub service_name: String,
    pub service_code: String,
    pub description: Option<String>,
    pub agency_responsible: Option<String>,
    pub service_notice: Option<String>,
    pub requested_datetime: String,
    pub updated_datetime: String,
    pub expected_datetime: Option<String>,
    pub address: Option<String>,
    pub address_id: Option<String>,
    pub zipcode: Option<String>,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub media_url: Option<String>,
}

/// The answer to `POST requests`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CreatedView {
    pub service_request_id: String,
    /// A receipt `tokens/{token}` resolves (for clients that keep tokens, as batch services ask).
    pub token: String,
    pub service_notice: Option<String>,
    pub account_id: Option<String>,
}

/// `tokens/{token}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TokenView {
    pub service_request_id: String,
    pub token: String,
}

/// One entry of an error answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Open311Error {
    pub code: u16,
    pub description: String,
}

/// A refused call: its HTTP status and the errors the body lists.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub status: u16,
    pub errors: Vec<Open311Error>,
    /// Seconds to wait, for 429.
    pub retry_after: Option<i64>,
}

impl Refusal {
    /// One error whose body code is the HTTP status.
    pub fn new(status: u16, description: impl Into<String>) -> Refusal {
        Refusal {
            status,
            errors: vec![Open311Error { code: status, description: description.into() }],
            retry_after: None,
        }
    }
}
