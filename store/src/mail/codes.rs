//! Residents' one-time codes: asked for by email or mobile ("my items", a project voice), stored as a
//! hash, tried a few times at most; and the items an address proved this way may see. Staff prove a
//! phone for deadline texts with the same codes.

use super::*;
use crate::{opt_i64, Db, Result};
use domain::mail::{code, MailKind};
use domain::Kind;
use rand::Rng;
use sqlx::Row;

impl Db {
    /// A resident asks for a sign-in code. Within the limits a code is stored (as a hash) and, if the
    /// address has items, mailed in the same transaction.
    pub async fn request_sign_in_code(&self, address: &str, client: &str, lang: &str, now: i64) -> Result<CodeRequest> {
        self.sign_in_code(address, client, lang, now, false).await
    }

    /// A resident proves an address to support or object to a project: the same code and limits as
    /// [`Db::request_sign_in_code`], mailed whether or not the address has items (any resident may
    /// give a voice, and answering "sent" either way tells nobody anything).
    pub async fn request_voice_code(&self, address: &str, client: &str, lang: &str, now: i64) -> Result<CodeRequest> {
        self.sign_in_code(address, client, lang, now, true).await
    }

    async fn sign_in_code(
        &self,
        address: &str,
        client: &str,
        lang: &str,
        now: i64,
        always: bool,
    ) -> Result<CodeRequest> {
        let address = normalise_address(address);
        let since = now - code::WINDOW_SECS;
        let (address, client, lang) = (address.to_owned(), client.to_owned(), lang.to_owned());
        self.write(move |tx| {
            Box::pin(async move {
                let count = |sql: &'static str, key: String| sqlx::query(sql).bind(key).bind(since);
                let by_address: i64 = count(
                    "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM resident_codes WHERE address = $1 AND created_at > $2",
                    address.clone(),
                )
                .fetch_one(&mut **tx)
                .await?
                .try_get("n")?;
                let by_client: i64 = count(
                    "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM resident_codes WHERE client = $1 AND created_at > $2",
                    client.to_string(),
                )
                .fetch_one(&mut **tx)
                .await?
                .try_get("n")?;
                if by_address >= code::PER_ADDRESS || by_client >= code::PER_CLIENT {
                    return Ok(CodeRequest::TooMany);
                }
                let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
                sqlx::query(
                    "INSERT INTO resident_codes (address, code_hash, created_at, expires_at, tries, client) VALUES ($1, $2, $3, $4, 0, $5)",
                )
                .bind(&address)
                .bind(hash_code(&address, &code))
                .bind(now)
                .bind(now + code::TTL_SECS)
                .bind(client)
                .execute(&mut **tx)
                .await?;
                let has_items = sqlx::query(if Channel::of(&address).is_some_and(|(c, _)| c == Channel::Sms) {
                    "SELECT 1 AS one FROM items WHERE contact_phone = $1 LIMIT 1"
                } else {
                    "SELECT 1 AS one FROM items WHERE lower(contact_email) = $1 LIMIT 1"
                })
                .bind(&address)
                .fetch_all(&mut **tx)
                .await?
                .len()
                    == 1;
                if has_items || always {
                    let m = MailRequest {
                        kind: MailKind::SignInCode,
                        to: address.clone(),
                        lang: lang.to_string(),
                        item_id: None,
                        params: MailParams { code, ..MailParams::default() },
                        dedupe_key: None,
                    };
                    enqueue(tx, &m, now).await?;
                }
                Ok(CodeRequest::Made)
            })
        })
        .await
    }

    /// Checks a typed code against the address's latest code. A right code works once.
    pub async fn verify_sign_in_code(&self, address: &str, typed: &str, now: i64) -> Result<CodeCheck> {
        let address = normalise_address(address);
        let (address, typed) = (address.to_owned(), typed.to_owned());
        self.write(move |tx| {
            Box::pin(async move {
                let row = sqlx::query(
                    "SELECT id, code_hash, expires_at, tries, used_at FROM resident_codes WHERE address = $1 \
                     ORDER BY created_at DESC, id DESC LIMIT 1",
                )
                .bind(&address)
                .fetch_optional(&mut **tx)
                .await?;
                let Some(row) = row else { return Ok(CodeCheck::Wrong) };
                let id: i64 = row.try_get("id")?;
                let tries: i64 = row.try_get("tries")?;
                if opt_i64(&row, "used_at")?.is_some() {
                    return Ok(CodeCheck::Used);
                }
                if row.try_get::<i64, _>("expires_at")? <= now {
                    return Ok(CodeCheck::Expired);
                }
                if tries >= code::MAX_TRIES {
                    return Ok(CodeCheck::TooManyTries);
                }
                let right = code::normalise(&typed).is_some_and(|c| {
                    hash_code(&address, &c) == row.try_get::<String, _>("code_hash").unwrap_or_default()
                });
                let check = if right {
                    let done = sqlx::query("UPDATE resident_codes SET used_at = $2 WHERE id = $1 AND used_at IS NULL")
                        .bind(id)
                        .bind(now)
                        .execute(&mut **tx)
                        .await?;
                    if done.rows_affected() == 1 {
                        CodeCheck::Ok
                    } else {
                        CodeCheck::Used
                    }
                } else {
                    sqlx::query("UPDATE resident_codes SET tries = tries + 1 WHERE id = $1")
                        .bind(id)
                        .execute(&mut **tx)
                        .await?;
                    if tries + 1 >= code::MAX_TRIES {
                        CodeCheck::TooManyTries
                    } else {
                        CodeCheck::Wrong
                    }
                };
                Ok(check)
            })
        })
        .await
    }

    /// The items submitted with this email address or mobile number, newest first (at most 200).
    pub async fn items_of_address(&self, address: &str) -> Result<Vec<MyItem>> {
        let address = normalise_address(address);
        let by_phone = Channel::of(&address).is_some_and(|(c, _)| c == Channel::Sms);
        let column = if by_phone { "contact_phone" } else { "lower(contact_email)" };
        let rows = sqlx::query(&format!(
            "SELECT number, kind, title, description, status, token, submitted_at FROM items WHERE {column} = $1 \
             ORDER BY submitted_at DESC, id DESC LIMIT 200"
        ))
        .bind(address)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok(MyItem {
                    number: r.try_get("number")?,
                    kind: Kind::from_code(&kind).unwrap_or(Kind::Wish),
                    // What it is about: a wish's need stands for its title.
                    title: mail_title(&r.try_get::<String, _>("title")?, &r.try_get::<String, _>("description")?),
                    status: r.try_get("status")?,
                    token: r.try_get("token")?,
                    submitted_at: r.try_get("submitted_at")?,
                })
            })
            .collect()
    }

    /// A staff member asks for a code to prove `phone` (for deadline texts): the resident codes' limits
    /// and expiry, the code texted to the phone at once.
    pub async fn request_staff_phone_code(&self, user_id: i64, phone: &str, now: i64) -> Result<CodeRequest> {
        self.sign_in_code(phone, &format!("staff:{user_id}"), domain::Lang::ZhHans.code(), now, true).await
    }

    /// The code typed for a staff member's phone: on success the phone is theirs and texts are on.
    pub async fn verify_staff_phone(&self, user_id: i64, phone: &str, typed: &str, now: i64) -> Result<CodeCheck> {
        let check = self.verify_sign_in_code(phone, typed, now).await?;
        if check == CodeCheck::Ok {
            let phone = normalise_address(phone);
            self.write_statement(
                sqlx::query("UPDATE staff_users SET phone = $2, sms_alerts = 1 WHERE id = $1")
                    .bind(user_id)
                    .bind(phone),
            )
            .await?;
        }
        Ok(check)
    }

    /// A staff member turns deadline texts on or off (off also forgets the phone when `forget`).
    pub async fn set_staff_sms_alerts(&self, user_id: i64, on: bool, forget: bool) -> Result<()> {
        let sql = if forget {
            "UPDATE staff_users SET sms_alerts = 0, phone = NULL WHERE id = $1"
        } else {
            "UPDATE staff_users SET sms_alerts = $2 WHERE id = $1 AND phone IS NOT NULL"
        };
        self.write_statement(sqlx::query(sql).bind(user_id).bind(i64::from(on))).await?;
        Ok(())
    }

    /// A staff member's proved phone and whether texts are on.
    pub async fn staff_sms(&self, user_id: i64) -> Result<(Option<String>, bool)> {
        let r = sqlx::query("SELECT phone, sms_alerts FROM staff_users WHERE id = $1")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?;
        Ok((r.try_get("phone")?, r.try_get::<i64, _>("sms_alerts")? != 0))
    }
}
