//! Recipients' preferences: the link in every non-essential mail turns those mails off (or on).

use crate::{Db, Result};
use sqlx::Row;

impl Db {
    /// The address behind a preferences link, and whether its non-essential mails are off.
    pub async fn mail_recipient(&self, token: &str) -> Result<Option<(String, bool)>> {
        if token.is_empty() || token.len() > 64 {
            return Ok(None);
        }
        let row = sqlx::query("SELECT address, updates_off FROM mail_recipients WHERE token = $1")
            .bind(token)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((r.try_get("address")?, r.try_get::<i64, _>("updates_off")? != 0))).transpose()
    }

    /// Turns non-essential mails off (or on again) for the address behind a preferences link.
    pub async fn set_mail_updates_off(&self, token: &str, off: bool, at: i64) -> Result<bool> {
        let token = token.to_owned();
        Ok(self
            .write_statement(
                sqlx::query("UPDATE mail_recipients SET updates_off = $2, updated_at = $3 WHERE token = $1")
                    .bind(token)
                    .bind(i64::from(off))
                    .bind(at),
            )
            .await?
            == 1)
    }
}
