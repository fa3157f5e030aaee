//! Staff accounts (Argon2 password hashes), sign-in failures for rate limits, session records for
//! tower-sessions, the staff inbox and the audit log. Everything lives in the database, so several
//! server instances share it.

use crate::{opt_i64, Db, Result, StoreError};
use domain::{Role, StaffUser};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A staff account to create.
#[derive(Debug, Clone)]
pub struct NewStaffUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub town_slug: Option<String>,
    /// The village or community of a village worker.
    pub community_id: Option<i64>,
    pub password: String,
}

/// A staff account as listed for admins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffAccount {
    pub user: StaffUser,
    pub active: bool,
    pub created_at: i64,
    pub last_sign_in_at: Option<i64>,
}

/// Hashes a password with Argon2id (default parameters: 19 MiB, 2 passes). Runs off the async threads.
pub async fn hash_password(password: &str) -> Result<String> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    use rand::RngCore;
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        argon2::Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| StoreError::Corrupt(e.to_string()))
    })
    .await
    .map_err(|e| StoreError::Corrupt(e.to_string()))?
}

/// Checks a password against a stored hash. Runs off the async threads.
pub async fn verify_password(hash: &str, password: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    let (hash, password) = (hash.to_string(), password.to_string());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| argon2::Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash of a random password: compared against when an email is unknown, so that a wrong email
/// takes as long to answer as a wrong password.
pub async fn dummy_hash() -> String {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY.get_or_init(|| async { hash_password(&crate::new_token()).await.unwrap_or_default() }).await.clone()
}

/// The stored role of a domain role: the role column keeps its four values (its check constraint
/// predates the village worker and the town leader), the town and the community tell the rest.
fn stored_role(role: Role) -> &'static str {
    match role {
        Role::VillageWorker => Role::TownStaff.code(),
        Role::TownLeader => Role::Leader.code(),
        other => other.code(),
    }
}

/// The domain role of a stored account: town staff with a community serve a village; a leader with
/// a town leads that town.
fn role_of(stored: &str, town: Option<&str>, community: Option<i64>) -> Option<Role> {
    Some(match (Role::from_code(stored)?, town, community) {
        (Role::TownStaff, Some(_), Some(_)) => Role::VillageWorker,
        (Role::Leader, Some(_), _) => Role::TownLeader,
        (r, _, _) => r,
    })
}

fn user_from_row(r: &AnyRow) -> Result<StaffUser> {
    let role: String = r.try_get("role")?;
    let town_slug: Option<String> = r.try_get("town_slug")?;
    let community_id = crate::opt_i64(r, "community_id")?;
    Ok(StaffUser {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        name: r.try_get("name")?,
        role: role_of(&role, town_slug.as_deref(), community_id)
            .ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
        town_slug,
        community_id,
    })
}

/// Emails are compared lower-cased and trimmed.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// An account as a sign-in attempt needs it.
#[derive(Debug, Clone)]
pub struct SignInAccount {
    pub user: StaffUser,
    pub password_hash: String,
    /// Raised by every password change, reset and disable; a new session carries it.
    pub session_generation: i64,
    /// An admin issued the password: it must be changed first.
    pub must_change_password: bool,
}

impl Db {
    /// Creates a staff account. Refusals ([`StoreError::Rejected`]): `email` `email_invalid` or
    /// `email_taken` (the unique constraint decides), `town` `town_required` or `town_unknown`,
    /// `password` `password_…`.
    pub async fn create_staff_user(&self, u: &NewStaffUser, at: i64) -> Result<StaffUser> {
        let email = normalise_email(&u.email);
        if !email.contains('@') || email.len() > 254 {
            return Err(StoreError::rejected("email", "email_invalid"));
        }
        if let Some(p) = domain::staff::password_problem(&u.password) {
            return Err(StoreError::rejected("password", p));
        }
        let (town, community) = match (u.role, &u.town_slug, u.community_id) {
            // A village worker's town is their village's.
            (Role::VillageWorker, _, None) => return Err(StoreError::rejected("community_id", "community_required")),
            (Role::VillageWorker, _, Some(c)) => match self.community(c).await? {
                Some(found) => (Some(found.town_slug), Some(c)),
                None => return Err(StoreError::rejected("community_id", "community_required")),
            },
            (Role::TownStaff | Role::TownLeader, None, _) => return Err(StoreError::rejected("town", "town_required")),
            (Role::TownStaff | Role::TownLeader, Some(t), _) => (Some(t.clone()), None),
            _ => (None, None),
        };
        if let Some(t) = &town {
            if !self.towns().await?.iter().any(|x| &x.slug == t) {
                return Err(StoreError::rejected("town", "town_unknown"));
            }
        }
        let hash = hash_password(&u.password).await?;
        let u = u.to_owned();
        self.write(move |tx| {
            Box::pin(async move {
                let id: i64 = sqlx::query(
                    "INSERT INTO staff_users (email, name, role, town_slug, password_hash, active, created_at, community_id) \
                     VALUES ($1, $2, $3, $4, $5, 1, $6, $7) RETURNING id",
                )
                .bind(&email)
                .bind(u.name.trim())
                .bind(stored_role(u.role))
                .bind(town.as_deref())
                .bind(&hash)
                .bind(at)
                .bind(community)
                .fetch_one(&mut **tx)
                .await
                .map_err(|e| crate::on_unique(e, "email", "email", "email_taken"))?
                .try_get("id")?;
                Ok(StaffUser {
                    id,
                    email,
                    name: u.name.trim().to_string(),
                    role: u.role,
                    town_slug: town,
                    community_id: community,
                })
            })
        })
        .await
    }

    /// An active account with what its sessions must match: the session generation (raised by every
    /// password change, reset and disable) and whether the password must be changed first.
    pub async fn staff_session_user(&self, id: i64) -> Result<Option<(StaffUser, i64, bool)>> {
        let row = sqlx::query(
            "SELECT id, email, name, role, town_slug, community_id, session_generation, must_change_password FROM staff_users \
             WHERE id = $1 AND active = 1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => Ok(Some((
                user_from_row(&r)?,
                r.try_get("session_generation")?,
                r.try_get::<i64, _>("must_change_password")? != 0,
            ))),
            None => Ok(None),
        }
    }

    /// The password hash of an active account (to check the current password before a change).
    pub async fn staff_password_hash(&self, id: i64) -> Result<Option<String>> {
        let row = sqlx::query("SELECT password_hash FROM staff_users WHERE id = $1 AND active = 1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("password_hash")).transpose()?)
    }

    /// Marks an account's password as one an admin issued: it must be changed at the next sign-in.
    pub async fn require_password_change(&self, id: i64) -> Result<()> {
        self.write_statement(sqlx::query("UPDATE staff_users SET must_change_password = 1 WHERE id = $1").bind(id))
            .await?;
        Ok(())
    }

    /// The staff member's own new password: the must-change mark goes, every other session ends.
    /// Returns the new session generation for the session that made the change.
    pub async fn change_own_password(&self, id: i64, password: &str) -> Result<i64> {
        self.set_staff_password(id, password).await?;
        self.write(move |tx| {
            Box::pin(async move {
                let r = sqlx::query(
                    "UPDATE staff_users SET must_change_password = 0 WHERE id = $1 RETURNING session_generation",
                )
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
                Ok(r.try_get("session_generation")?)
            })
        })
        .await
    }

    /// Remembers a browser an account signed in on (the token's SHA-256 only).
    pub async fn remember_staff_device(&self, token: &str, user_id: i64, at: i64) -> Result<()> {
        let token = token.to_owned();
        self.write_statement(sqlx::query("INSERT INTO staff_devices (token_hash, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (token_hash) DO NOTHING")
            .bind(crate::limits::personal_subject(&token))
            .bind(user_id)
            .bind(at)).await?;
        Ok(())
    }

    /// Whether `token` is a browser this account signed in on before.
    pub async fn is_staff_device(&self, token: &str, user_id: i64) -> Result<bool> {
        let row = sqlx::query("SELECT 1 AS one FROM staff_devices WHERE token_hash = $1 AND user_id = $2")
            .bind(crate::limits::personal_subject(token))
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    /// The account for a sign-in attempt, with its password hash and what a new session must carry;
    /// `None` if unknown or disabled.
    pub async fn staff_for_sign_in(&self, email: &str) -> Result<Option<SignInAccount>> {
        let row = sqlx::query(
            "SELECT id, email, name, role, town_slug, community_id, password_hash, session_generation, must_change_password \
             FROM staff_users WHERE email = $1 AND active = 1",
        )
        .bind(normalise_email(email))
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => Ok(Some(SignInAccount {
                user: user_from_row(&r)?,
                password_hash: r.try_get("password_hash")?,
                session_generation: r.try_get("session_generation")?,
                must_change_password: r.try_get::<i64, _>("must_change_password")? != 0,
            })),
            None => Ok(None),
        }
    }

    /// Notes a successful sign-in.
    pub async fn staff_signed_in(&self, id: i64, at: i64) -> Result<()> {
        self.write_statement(
            sqlx::query("UPDATE staff_users SET last_sign_in_at = $1 WHERE id = $2").bind(at).bind(id),
        )
        .await?;
        Ok(())
    }

    /// Every staff account, by role then email.
    pub async fn staff_accounts(&self) -> Result<Vec<StaffAccount>> {
        let rows = sqlx::query(
            "SELECT id, email, name, role, town_slug, community_id, active, created_at, last_sign_in_at FROM staff_users ORDER BY role, email",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StaffAccount {
                    user: user_from_row(r)?,
                    active: r.try_get::<i64, _>("active")? != 0,
                    created_at: r.try_get("created_at")?,
                    last_sign_in_at: opt_i64(r, "last_sign_in_at")?,
                })
            })
            .collect()
    }

    /// Enables or disables an account. A disabled account's sessions stop working at once.
    pub async fn set_staff_active(&self, id: i64, active: bool) -> Result<()> {
        let changed = self
            .write_statement(
                sqlx::query(
                    "UPDATE staff_users SET active = $1, session_generation = session_generation + 1 WHERE id = $2",
                )
                .bind(i64::from(active))
                .bind(id),
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Sets a new password.
    pub async fn set_staff_password(&self, id: i64, password: &str) -> Result<()> {
        if let Some(p) = domain::staff::password_problem(password) {
            return Err(StoreError::rejected("password", p));
        }
        let hash = hash_password(password).await?;
        // Every session of the account ends: they began in an earlier generation.
        let changed = self
            .write_statement(
                sqlx::query(
                    "UPDATE staff_users SET password_hash = $1, session_generation = session_generation + 1 WHERE id = $2",
                )
                .bind(hash)
                .bind(id),
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Failed sign-ins under `key` (`account:…`, `pair:…`, `address:…`) since `since`, and when the
    /// last one was. In the database (table `sign_in_failures`), so every server counts the same.
    pub async fn failures(&self, key: &str, since: i64) -> Result<(i64, Option<i64>)> {
        let r = sqlx::query(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n, MAX(at) AS last FROM sign_in_failures WHERE key = $1 AND at >= $2",
        )
        .bind(key)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok((r.try_get("n")?, opt_i64(&r, "last")?))
    }

    /// Records one failed attempt under each key, and forgets failures older than a day.
    pub async fn record_failed_attempt(&self, keys: &[String], at: i64) -> Result<()> {
        let keys = keys.to_owned();
        self.write(move |tx| {
            Box::pin(async move {
                for k in keys {
                    sqlx::query("INSERT INTO sign_in_failures (key, at) VALUES ($1, $2)")
                        .bind(k)
                        .bind(at)
                        .execute(&mut **tx)
                        .await?;
                }
                sqlx::query("DELETE FROM sign_in_failures WHERE at < $1").bind(at - 86_400).execute(&mut **tx).await?;
                Ok(())
            })
        })
        .await
    }

    /// Forgets a key's failures (an account's, after it signs in).
    pub async fn clear_failed_attempts(&self, key: &str) -> Result<()> {
        let key = key.to_owned();
        self.write_statement(sqlx::query("DELETE FROM sign_in_failures WHERE key = $1").bind(key)).await?;
        Ok(())
    }

    /// A live session record (JSON), or `None` when unknown or expired.
    pub async fn session_load(&self, id: &str, now: i64) -> Result<Option<String>> {
        let row = sqlx::query("SELECT data FROM staff_sessions WHERE id = $1 AND expires_at > $2")
            .bind(id)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("data")).transpose()?)
    }

    /// Stores a new session record; `false` if the id is taken (the caller picks another).
    pub async fn session_create(&self, id: &str, data: &str, expires_at: i64) -> Result<bool> {
        let (id, data) = (id.to_owned(), data.to_owned());
        Ok(self
            .write_statement(
                sqlx::query(
                    "INSERT INTO staff_sessions (id, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
                )
                .bind(id)
                .bind(data)
                .bind(expires_at),
            )
            .await?
            == 1)
    }

    /// Stores or replaces a session record.
    pub async fn session_save(&self, id: &str, data: &str, expires_at: i64) -> Result<()> {
        let (id, data) = (id.to_owned(), data.to_owned());
        self.write_statement(
            sqlx::query(
                "INSERT INTO staff_sessions (id, data, expires_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
            )
            .bind(id)
            .bind(data)
            .bind(expires_at),
        )
        .await?;
        Ok(())
    }

    /// Deletes a session (sign-out).
    pub async fn session_delete(&self, id: &str) -> Result<()> {
        let id = id.to_owned();
        self.write_statement(sqlx::query("DELETE FROM staff_sessions WHERE id = $1").bind(id)).await?;
        Ok(())
    }

    /// Deletes expired sessions; returns how many.
    pub async fn sessions_delete_expired(&self, now: i64) -> Result<u64> {
        self.write_statement(sqlx::query("DELETE FROM staff_sessions WHERE expires_at <= $1").bind(now)).await
    }

    /// The staff member who took an item (the first to act on it).
    pub async fn assignee(&self, item_id: i64) -> Result<Option<(i64, String)>> {
        let row =
            sqlx::query("SELECT u.id, u.name FROM items i JOIN staff_users u ON u.id = i.assignee_id WHERE i.id = $1")
                .bind(item_id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| Ok((r.try_get("id")?, r.try_get("name")?))).transpose()
    }

    /// An item's audit trail, newest first.
    pub async fn audit_for_item(&self, item_id: i64) -> Result<Vec<AuditEntry>> {
        let sql = "SELECT at, actor, action, detail, remote_addr, user_id FROM audit_log WHERE item_id = $1 \
                   ORDER BY at DESC, id DESC";
        Ok(sqlx::query_as::<_, AuditEntry>(sql).bind(item_id).fetch_all(&self.pool).await?)
    }

    /// Writes an audit entry outside an item action (sign-in, sign-out, account changes).
    pub async fn audit(&self, e: &AuditEntry, item_id: Option<i64>) -> Result<()> {
        let e = e.to_owned();
        self.write(move |tx| {
            Box::pin(async move {
                insert_audit(tx, &e, item_id).await?;
                Ok(())
            })
        })
        .await
    }
}

/// One line of the audit log: who, when, what, from where (a row of `audit_log`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub at: i64,
    /// `staff:<email>`, `resident`, `system` or `donor`.
    pub actor: String,
    pub action: String,
    pub detail: String,
    pub remote_addr: String,
    pub user_id: Option<i64>,
}

pub(crate) async fn insert_audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    e: &AuditEntry,
    item_id: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, item_id, detail, remote_addr, user_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(e.at)
    .bind(&e.actor)
    .bind(&e.action)
    .bind(item_id)
    .bind(&e.detail)
    .bind(&e.remote_addr)
    .bind(e.user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
