//! The wish wall (`/wishes`), claiming a wish (`/wishes/{number}`), the donor's private page
//! (`/c/{token}`) and the public JSON (`/api/v1/wishes`). Every page renders on the server and works
//! with plain form posts. Nothing here names or reaches a beneficiary or the resident who wrote in:
//! cards carry the beneficiary group, town and village/community, the need with digit runs hidden,
//! a value band and how long the wish has waited.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ops;
pub mod pages;

use domain::claims::{ClaimInput, ClaimStatus, DonorKind};
use domain::{FieldError, Status};
use serde::{Deserialize, Serialize};

/// Cards a page of the wall shows.
pub const WALL_PAGE_SIZE: i64 = 20;

/// A wish on the wall.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WallCard {
    pub number: String,
    /// `published` (open) or `claimed`.
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub status: Status,
    /// Beneficiary group code (`elderly_alone`, …).
    pub category: String,
    pub town_slug: String,
    pub town_name: String,
    pub community_name: String,
    pub need: String,
    pub band_low: i64,
    pub band_high: Option<i64>,
    pub urgent: bool,
    pub days_waiting: i64,
}

/// A donor thanked in public.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThanksCard {
    pub donor_name: String,
    pub donor_kind: DonorKind,
    pub town_name: String,
    pub received_at: i64,
}

/// What `/wishes` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WallView {
    pub cards: Vec<WallCard>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub towns: Vec<crate::ui::TownOption>,
    pub town: String,
    pub category: String,
    pub thanks: Vec<ThanksCard>,
}

/// What the donor's private page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DonorView {
    pub token: String,
    /// The full private link.
    pub link: String,
    pub number: String,
    pub need: String,
    pub town_name: String,
    pub community_name: String,
    pub status: ClaimStatus,
    pub donor_name: String,
    pub created_at: i64,
    pub hold_until: i64,
    pub confirmed_at: Option<i64>,
    pub delivered_at: Option<i64>,
    pub received_at: Option<i64>,
    pub ended_at: Option<i64>,
}

/// A claim form posted without JavaScript that needs changes, or came too late.
#[derive(Clone, Debug, Default)]
pub struct PostedClaim {
    pub input: ClaimInput,
    pub errors: Vec<FieldError>,
    /// Another donor was first.
    pub taken: bool,
}

/// Public JSON of the wall: the same cards as the page, nothing personal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WallJson {
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub wishes: Vec<WallCard>,
}
