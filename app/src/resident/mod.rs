//! Residents' own pages: the two submission forms, the tracking page behind the private link and the
//! look-up by number. This file holds what pages, islands and the server exchange (view types and the
//! forms posted without JavaScript); `api` the server functions, `ops` the server side, `forms` the
//! islands, `pages` the pages.

pub mod api;
pub mod fields;
pub mod forms;
#[cfg(feature = "ssr")]
pub mod ops;
pub mod pages;

use crate::ui::{CommunityOption, DeadlineView, EventView, TownOption};
use domain::kpi::Measures;
use domain::{FieldError, Limits, ProjectInput, Rating, WishInput};
use serde::{Deserialize, Serialize};

/// What a submission form needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormData {
    pub towns: Vec<TownOption>,
    pub communities: Vec<CommunityOption>,
    pub limits: Limits,
}

/// The answer to a submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SubmitOutcome {
    /// Stored; go to the tracking page.
    Created { tracking_url: String },
    /// Nothing stored; these fields need changes.
    Invalid { errors: Vec<FieldError> },
    /// Nothing stored: too many submissions from this address or with this phone; try again after
    /// `retry_after` seconds.
    TooMany { retry_after: i64 },
}

#[cfg(feature = "ssr")]
impl SubmitOutcome {
    /// The islands' answer from the operation's: the tracking page, or what to show at the form.
    pub fn of(r: crate::error::AppResult<String>) -> Result<SubmitOutcome, leptos::prelude::ServerFnError> {
        use crate::error::AppError;
        match r {
            Ok(tracking_url) => Ok(SubmitOutcome::Created { tracking_url }),
            Err(AppError::Invalid(errors)) => Ok(SubmitOutcome::Invalid { errors }),
            Err(AppError::RateLimited { retry_after, .. }) => Ok(SubmitOutcome::TooMany { retry_after }),
            Err(e) => Err(e.into_server_fn_error()),
        }
    }
}

/// The home page's live figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeData {
    pub measures: Measures,
}

/// Everything the resident's tracking page shows. Names and phones are masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackView {
    pub number: String,
    pub token: String,
    /// The full private tracking link.
    pub link: String,
    pub kind: domain::Kind,
    pub status: domain::Status,
    pub category: String,
    pub title: String,
    pub description: String,
    pub location: String,
    pub amount_yuan: i64,
    pub urgent: bool,
    pub town_name: String,
    pub community_name: String,
    pub contact_masked: String,
    pub submitted_at: i64,
    /// In one or two sentences: who answers next, and by when.
    pub next_step: Option<String>,
    pub deadlines: Vec<DeadlineView>,
    pub events: Vec<EventView>,
    pub rating: Option<Rating>,
    pub can_rate: bool,
    /// The town rectified a 差评 (整改): what it wrote is on the timeline; the resident rates the fix.
    pub can_rate_fix: bool,
    /// The resident's rating of the rectification, once given.
    pub fix_rating: Option<Rating>,
    pub can_reopen: bool,
    pub can_withdraw: bool,
    /// A donor's delivery was recorded: the beneficiary's side is asked to confirm receipt.
    pub can_confirm_receipt: bool,
    /// Photos of the delivery or the works (private link: wishes' photos are shown only here and to staff).
    pub photos: Vec<crate::photos::PhotoView>,
    pub version: i64,
    /// Residents who asked for this: the item and the duplicates merged into it.
    #[serde(default)]
    pub askers: i64,
    /// Merged as a duplicate: the original this resident now follows.
    #[serde(default)]
    pub merged: Option<MergedView>,
}

/// The original a resident's duplicate was merged into: its number, status and public timeline
/// (never its submitter or its private link).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergedView {
    pub number: String,
    pub status: domain::Status,
    pub askers: i64,
    pub events: Vec<EventView>,
}

/// A project on the board like the one a resident is proposing (issue 21): support it instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarProject {
    pub number: String,
    pub title: String,
    pub supports: i64,
}

/// A wish form posted without JavaScript that needs changes (or a new village list).
#[derive(Clone, Debug)]
pub struct PostedWish {
    pub input: WishInput,
    pub errors: Vec<FieldError>,
}

/// A project form posted without JavaScript that needs changes.
#[derive(Clone, Debug)]
pub struct PostedProject {
    pub input: ProjectInput,
    pub errors: Vec<FieldError>,
}

/// A tracking-page form (rate, withdraw) posted without JavaScript that needs changes.
#[derive(Clone, Debug)]
pub struct PostedTrack {
    pub form: String,
    pub errors: Vec<FieldError>,
}

/// A look-up that found nothing or was mistyped.
#[derive(Clone, Debug)]
pub struct PostedLookup {
    pub number: String,
    pub phone4: String,
    pub errors: Vec<FieldError>,
}
