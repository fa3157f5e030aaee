//! The public micro-project board (`/projects`), each project's public page (`/projects/{number}`) and
//! the public JSON (`/api/v1/projects`): proposals under public notice (公示) with their closing date,
//! adopted projects with budget and progress, completed ones with the inspection, and the public
//! timeline. Never the proposer's name or phone.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ops;
pub mod pages;

use crate::ui::{EventView, TownOption};
use domain::FieldError;
use domain::Status;
use serde::{Deserialize, Serialize};

/// Timeline actions whose text only the resident's private tracking page and staff see.
pub const PRIVATE_BODIES: [&str; 4] = ["route", "rate", "withdraw", "reopen"];

/// Projects a page of the board shows.
pub const BOARD_PAGE_SIZE: i64 = 20;

/// The board's stages, in the order of the tabs.
pub const STAGES: [&str; 3] = ["notice", "adopted", "done"];

/// A project on the board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProjectCard {
    pub number: String,
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub status: Status,
    pub category: String,
    pub town_slug: String,
    pub town_name: String,
    pub community_name: String,
    pub title: String,
    pub summary: String,
    pub amount_yuan: i64,
    pub budget_yuan: Option<i64>,
    pub progress_percent: i64,
    pub notice_ends_at: Option<i64>,
    pub submitted_at: i64,
    /// Residents who support it.
    pub supports: i64,
    /// Residents who object to it.
    pub objections: i64,
}

/// What `/projects` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardView {
    pub stage: String,
    pub town: String,
    pub towns: Vec<TownOption>,
    pub cards: Vec<ProjectCard>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// What `/projects/{number}` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectView {
    pub card: ProjectCard,
    pub events: Vec<EventView>,
    pub voice: VoiceBox,
    /// Photos of milestones and the inspection.
    pub photos: Vec<crate::photos::PhotoView>,
}

/// The "support or object" box of a project page, for this visitor.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct VoiceBox {
    /// Voices are taken now (under notice, before its end).
    pub open: bool,
    /// The visitor proved this address (one-time code).
    pub address: Option<String>,
    /// A code was sent to this address; waiting for it.
    pub pending: Option<String>,
    /// The visitor's own voice: stance code, reason, when.
    pub mine: Option<(String, String, i64)>,
}

/// A voice form posted without JavaScript that needs changes or was refused.
#[derive(Clone, Debug, Default)]
pub struct PostedVoice {
    /// `email`, `code` or `voice`.
    pub form: String,
    pub email: String,
    pub stance: String,
    pub reason: String,
    pub errors: Vec<FieldError>,
    /// `closed` or `too_many`, when the whole voice was refused.
    pub refused: Option<String>,
}

/// Public JSON of the board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BoardJson {
    pub stage: String,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub projects: Vec<ProjectCard>,
}
