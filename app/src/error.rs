//! Failures of an operation on the server. Database errors are logged and shown as a generic message.

use leptos::prelude::ServerFnError;
use store::StoreError;

/// Failures of an operation. Database errors are logged and shown as a generic message.
#[derive(Debug)]
pub enum OpError {
    Store(StoreError),
}

impl From<StoreError> for OpError {
    fn from(e: StoreError) -> Self {
        OpError::Store(e)
    }
}

impl OpError {
    pub fn into_server_fn_error(self) -> ServerFnError {
        match self {
            OpError::Store(e) => {
                tracing::error!(error = %e, "storage failure");
                ServerFnError::new("server")
            }
        }
    }
}

pub type OpResult<T> = Result<T, OpError>;
