//! The board, the public project page and voices on the server.

use super::*;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use domain::Lang;

fn card_of(p: store::BoardProject, towns: &[store::Town], lang: Lang) -> ProjectCard {
    ProjectCard {
        town_name: towns.iter().find(|t| t.slug == p.town_slug).map(|t| t.name(lang).to_string()).unwrap_or_default(),
        number: p.number,
        status: p.status,
        category: p.category,
        town_slug: p.town_slug,
        community_name: p.community_name,
        title: p.title,
        summary: p.summary,
        amount_yuan: p.amount_yuan,
        budget_yuan: p.budget_yuan,
        progress_percent: p.progress_percent,
        notice_ends_at: p.notice_ends_at,
        submitted_at: p.submitted_at,
        supports: p.supports,
        objections: p.objections,
    }
}

/// A page of one stage of the board (unknown stage: under notice; unknown town: all towns).
pub async fn board(st: &AppState, stage: &str, town: &str, page: i64, lang: Lang) -> AppResult<BoardView> {
    let towns = st.db.towns().await?;
    let stage = store::BoardStage::from_code(stage.trim()).unwrap_or(store::BoardStage::Notice);
    let town = towns.iter().find(|t| t.slug == town.trim()).map(|t| t.slug.clone());
    let page = page.clamp(1, domain::abuse::MAX_PAGE);
    let q =
        store::BoardQuery { stage, town: town.clone(), limit: BOARD_PAGE_SIZE, offset: (page - 1) * BOARD_PAGE_SIZE };
    let (projects, total) = st.db.project_board(&q).await?;
    Ok(BoardView {
        stage: stage.code().to_string(),
        town: town.unwrap_or_default(),
        towns: towns.iter().map(|t| TownOption { slug: t.slug.clone(), name: t.name(lang).to_string() }).collect(),
        cards: projects.into_iter().map(|p| card_of(p, &towns, lang)).collect(),
        total,
        page,
        pages: ((total + BOARD_PAGE_SIZE - 1) / BOARD_PAGE_SIZE).max(1),
    })
}

/// One project's public page, with the voice box of a visitor who proved `address` (or waits for
/// the code sent to `pending`).
pub async fn project(
    st: &AppState,
    number: &str,
    lang: Lang,
    address: Option<String>,
    pending: Option<String>,
) -> AppResult<Option<ProjectView>> {
    let towns = st.db.towns().await?;
    let number = number.trim().to_uppercase();
    let Some((p, events)) = st.db.board_project(&number).await? else { return Ok(None) };
    let open = domain::voices::notice_open(p.status == Status::PublicNotice, p.notice_ends_at, store::now());
    let photos_id = p.id;
    let mine = match &address {
        Some(a) => st.db.voice_of(p.id, a).await?.map(|v| (v.stance.code().to_string(), v.reason, v.at)),
        None => None,
    };
    Ok(Some(ProjectView {
        card: card_of(p, &towns, lang),
        events: events.into_iter().map(public_event).collect(),
        voice: VoiceBox { open, address, pending, mine },
        photos: crate::photos::ops::photos_of(st, photos_id).await?,
    }))
}

/// A timeline event as the public page shows it: the words of the resident's own steps (routing
/// notes, rating comments, withdrawal and reopen reasons) stay on their private tracking page, so
/// the page's server function (`/api/get_public_project`) never carries them either.
fn public_event(e: store::ItemEvent) -> EventView {
    let body = if super::PRIVATE_BODIES.contains(&e.action.as_str()) { String::new() } else { e.body };
    EventView { at: e.at, action: e.action, body, rating: None }
}

/// A signed-in resident's voice. Refusals: `SignIn` (no proven address in the session), `Invalid`,
/// `Conflict("already")` (this address gave its voice), `Conflict("closed")`, `Conflict("too_many")`,
/// `NotFound`.
pub async fn give_voice(
    st: &AppState,
    number: &str,
    address: Option<String>,
    stance: &str,
    reason: &str,
    client: &str,
    lang: Lang,
) -> AppResult<()> {
    let Some(address) = address else { return Err(AppError::SignIn) };
    let voice = match domain::voices::validate_voice(stance, reason) {
        Ok(v) => v,
        Err(e) => return Err(AppError::Invalid(e)),
    };
    let number = number.trim().to_uppercase();
    match st.db.give_voice(&number, &address, &voice, client, lang.code(), store::now()).await? {
        store::VoiceOutcome::Recorded => Ok(()),
        store::VoiceOutcome::Already(_) => Err(AppError::Conflict("already")),
        store::VoiceOutcome::Closed => Err(AppError::Conflict("closed")),
        store::VoiceOutcome::TooMany => Err(AppError::Conflict("too_many")),
        store::VoiceOutcome::NotFound => Err(AppError::NotFound),
    }
}

/// The board as public JSON.
pub async fn board_json(st: &AppState, stage: &str, town: &str, page: i64, lang: Lang) -> AppResult<BoardJson> {
    let v = board(st, stage, town, page, lang).await?;
    Ok(BoardJson { stage: v.stage, total: v.total, page: v.page, pages: v.pages, projects: v.cards })
}
