//! Rolling upgrades (docs/deploy.md): the new release migrates the database first, and servers of the
//! previous release must still start against it while they are being replaced.

use store::testing as common;
use store::Db;

#[tokio::test]
async fn a_server_of_the_previous_release_starts_on_a_database_migrated_by_the_next() {
    for b in common::backends() {
        let url = common::fresh_url(b).await;
        let db = Db::connect(&url).await.unwrap();
        let towns: i64 =
            sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM towns").fetch_one(&db.pool).await.unwrap();
        // The next release applied a migration this build does not have.
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (29991231000000, 'from the next release', TRUE, $1, 0)",
        )
        .bind(vec![0u8; 48])
        .execute(&db.pool)
        .await
        .unwrap();
        db.pool.close().await;

        let again = Db::connect(&url).await.unwrap_or_else(|e| panic!("{b}: the older server starts: {e}"));
        let after: i64 =
            sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM towns").fetch_one(&again.pool).await.unwrap();
        assert_eq!(after, towns, "{b}: the data is untouched");
        let versions: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM _sqlx_migrations")
            .fetch_one(&again.pool)
            .await
            .unwrap();
        assert!(versions >= 5, "{b}: its own migrations and the newer one are recorded ({versions})");
    }
}
