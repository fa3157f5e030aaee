//! The wall, claims and the donor page on the server.

use super::*;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use domain::{Beneficiary, Lang};

/// A wall card in `lang` (the staff's publish preview uses it too).
pub(crate) fn card_of(w: store::WallWish, towns: &[store::Town], lang: Lang, now: i64) -> WallCard {
    let (band_low, band_high) = domain::claims::value_band(w.amount_yuan);
    WallCard {
        town_name: towns.iter().find(|t| t.slug == w.town_slug).map(|t| t.name(lang).to_string()).unwrap_or_default(),
        number: w.number,
        status: w.status,
        category: w.category,
        town_slug: w.town_slug,
        community_name: store::names::place(lang, &w.community_name),
        need: w.need,
        band_low,
        band_high,
        urgent: w.urgent,
        days_waiting: domain::claims::days_waiting(w.submitted_at, now),
    }
}

/// A page of the wall; unknown filters are ignored (the wall shows everything).
pub async fn wall(st: &AppState, town: &str, category: &str, page: i64, lang: Lang) -> AppResult<WallView> {
    let towns = st.db.towns().await?;
    let town = towns.iter().find(|t| t.slug == town.trim()).map(|t| t.slug.clone());
    let category = Beneficiary::from_code(category.trim()).map(|b| b.code().to_string());
    let page = page.clamp(1, domain::abuse::MAX_PAGE);
    let q = store::WallQuery {
        town: town.clone(),
        category: category.clone(),
        with_claimed: true,
        limit: WALL_PAGE_SIZE,
        offset: (page - 1) * WALL_PAGE_SIZE,
    };
    let (wishes, total) = st.db.wish_wall(&q).await?;
    let now = store::now();
    let thanks = st
        .db
        .thank_you_list(30)
        .await?
        .into_iter()
        .map(|th| ThanksCard {
            town_name: towns
                .iter()
                .find(|t| t.slug == th.town_slug)
                .map(|t| t.name(lang).to_string())
                .unwrap_or_default(),
            donor_name: th.donor_name,
            donor_kind: th.donor_kind,
            received_at: th.received_at,
        })
        .collect();
    Ok(WallView {
        cards: wishes.into_iter().map(|w| card_of(w, &towns, lang, now)).collect(),
        total,
        page,
        pages: ((total + WALL_PAGE_SIZE - 1) / WALL_PAGE_SIZE).max(1),
        towns: towns
            .iter()
            .map(|t| crate::ui::TownOption { slug: t.slug.clone(), name: t.name(lang).to_string() })
            .collect(),
        town: town.unwrap_or_default(),
        category: category.unwrap_or_default(),
        thanks,
    })
}

/// One wish on the wall.
pub async fn card(st: &AppState, number: &str, lang: Lang) -> AppResult<Option<(WallCard, i64)>> {
    let towns = st.db.towns().await?;
    let hold_days = st.db.settings().await?.claim_hold_days;
    let card = st.db.wall_wish(&number.trim().to_uppercase()).await?.map(|w| card_of(w, &towns, lang, store::now()));
    Ok(card.map(|c| (c, hold_days)))
}

/// The donor's page.
pub async fn donor_view(st: &AppState, token: &str, lang: Lang) -> AppResult<Option<DonorView>> {
    let Some(c) = st.db.claim_by_token(token.trim()).await? else { return Ok(None) };
    let Some(item) = st.db.item_by_number(&c.item_number).await? else { return Ok(None) };
    let towns = st.db.towns().await?;
    let town_slug = item.facts.town_slug.clone().unwrap_or_default();
    Ok(Some(DonorView {
        link: format!("{}/c/{}", st.base_url.trim_end_matches('/'), c.token),
        token: c.token,
        number: c.item_number,
        need: domain::claims::wall_text(item.public_text.as_deref().unwrap_or_default(), 120),
        town_name: towns.iter().find(|t| t.slug == town_slug).map(|t| t.name(lang).to_string()).unwrap_or_default(),
        community_name: item.community_name.clone().unwrap_or_default(),
        status: c.status,
        donor_name: c.donor_name,
        created_at: c.created_at,
        hold_until: c.hold_until,
        confirmed_at: c.confirmed_at,
        delivered_at: c.delivered_at,
        received_at: c.received_at,
        ended_at: c.ended_at,
    }))
}

/// A donor's claim from the form: validated, then stored (one winner per wish). Refusals:
/// `Invalid`, `RateLimited` (this donor contact is over a claims limit; the problem at the contact
/// field), `Conflict("taken")` (another donor was first, or the wish left the wall), `NotFound`.
pub async fn claim(st: &AppState, number: &str, input: &ClaimInput, lang: Lang) -> AppResult<String> {
    let number = number.trim().to_uppercase();
    let valid = match domain::claims::validate_claim(input) {
        Ok(v) => v,
        Err(errors) => {
            return Err(match st.db.wall_wish(&number).await? {
                Some(_) => AppError::Invalid(errors),
                None => AppError::NotFound,
            })
        }
    };
    // One donor contact makes at most `claims_contact_day` claims a day and holds at most
    // `live_claims_contact` at once, so nobody can squat the wall.
    let limits = st.db.settings().await?.abuse;
    let subject = store::limits::personal_subject(&valid.contact);
    let tries = [(domain::abuse::Limit::ClaimsPerContactDay, subject.as_str())];
    let now = store::now();
    let too_many = |code: &str, retry_after: i64| {
        Err(AppError::RateLimited { errors: vec![FieldError::new("contact", code)], retry_after })
    };
    let live = st.db.live_claims_of_contact(&valid.contact, now).await?;
    if live >= limits.max(domain::abuse::Limit::LiveClaimsPerContact) {
        // Live claims have no window; the day's end is when to look again.
        return too_many("claims_live_too_many", 86_400 - now.rem_euclid(86_400));
    }
    if let Some(wait) = crate::limits::over_limit(st, &limits, &tries).await? {
        return too_many("claims_too_many", wait);
    }
    match st.db.claim_wish(&number, &valid, lang.code(), store::now()).await? {
        store::ClaimOutcome::Claimed { token, .. } => Ok(token),
        store::ClaimOutcome::Taken => Err(AppError::Conflict("taken")),
        store::ClaimOutcome::NotFound => Err(AppError::NotFound),
    }
}

/// The wall as public JSON.
pub async fn wall_json(st: &AppState, town: &str, category: &str, page: i64, lang: Lang) -> AppResult<WallJson> {
    let v = wall(st, town, category, page, lang).await?;
    Ok(WallJson { total: v.total, page: v.page, pages: v.pages, wishes: v.cards })
}
