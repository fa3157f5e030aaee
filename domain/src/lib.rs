//! The programme's language: kinds of item, statuses and the one lifecycle function, validation of
//! what residents type, masking of names and phones, the working-day calendar and deadlines, and the
//! KPI arithmetic. No IO: this crate compiles for the browser too, so the UI applies the same rules.

#[macro_use]
pub mod model;
pub mod abuse;
pub mod budget;
pub mod calendar;
pub mod claims;
pub mod duplicates;
pub mod errors;
pub mod facts;
pub mod kpi;
pub mod lifecycle;
pub mod mail;
pub mod mask;
pub mod open311;
pub mod places;
pub mod sms;
pub mod staff;
pub mod validate;
pub mod voices;
pub mod workorder;

pub use calendar::{Date, WorkCalendar};
pub use errors::{ErrorCode, ErrorKind, FieldError};
pub use lifecycle::{apply, transition, Action, Actor, Facts, ItemState, Outcome, TransitionError};
pub use model::*;
pub use staff::{Access, Role, StaffUser, Tab};
pub use validate::{Limits, ProjectInput, ValidProject, ValidWish, WishInput};
