//! tower-sessions over the portal's own database: one table (`staff_sessions`) on SQLite or
//! PostgreSQL, so a session made on one server instance works on every other.

use async_trait::async_trait;
use store::Db;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::{ExpiredDeletion, SessionStore};

/// The session store; records are kept as JSON with their expiry in unix seconds.
#[derive(Clone)]
pub struct DbSessionStore {
    pub db: Db,
}

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbSessionStore")
    }
}

fn backend(e: store::StoreError) -> Error {
    Error::Backend(e.to_string())
}

fn encode(r: &Record) -> Result<String> {
    serde_json::to_string(r).map_err(|e| Error::Encode(e.to_string()))
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // Ids are 128 random bits; on the (astronomically unlikely) collision, draw another.
        loop {
            let data = encode(record)?;
            let id = record.id.to_string();
            if self.db.session_create(&id, &data, record.expiry_date.unix_timestamp()).await.map_err(backend)? {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let data = encode(record)?;
        self.db.session_save(&record.id.to_string(), &data, record.expiry_date.unix_timestamp()).await.map_err(backend)
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        match self.db.session_load(&id.to_string(), store::now()).await.map_err(backend)? {
            Some(data) => serde_json::from_str(&data).map(Some).map_err(|e| Error::Decode(e.to_string())),
            None => Ok(None),
        }
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        self.db.session_delete(&id.to_string()).await.map_err(backend)
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> Result<()> {
        self.db.sessions_delete_expired(store::now()).await.map(|_| ()).map_err(backend)
    }
}
