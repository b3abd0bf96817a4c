//! The statements a pipeline sends, with their values written in as literals, against a real
//! PostgreSQL (`SANGO_TEST_POSTGRES_URL`; without it there is nothing to send them to and the
//! tests return at once): every string comes back as it was, whatever quotes, backslashes,
//! dollars or semicolons it holds, and each statement's rows come back apart.

use proptest::prelude::*;
use sango_store::pipeline::{inline, run};
use sea_orm::{DbBackend, Statement, Value};

fn postgres() -> Option<String> {
    std::env::var("SANGO_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

async fn connection(url: &str) -> sea_orm::sqlx::PgConnection {
    use sea_orm::sqlx::Connection;
    sea_orm::sqlx::PgConnection::connect(url).await.expect("PostgreSQL answers")
}

fn select(values: Vec<Value>) -> String {
    let marks: Vec<String> = (1..=values.len()).map(|i| format!("${i}::text AS v{i}")).collect();
    inline(&Statement::from_sql_and_values(DbBackend::Postgres, format!("SELECT {}", marks.join(", ")), values)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn strings_written_as_literals_come_back_unchanged(a in "[^\\x00]{0,40}", b in "['\\\\$;E\\-/* \\n]{0,12}") {
        let Some(url) = postgres() else { return Ok(()) };
        let rows = runtime().block_on(async {
            let mut conn = connection(&url).await;
            run(&mut conn, &[select(vec![a.clone().into(), b.clone().into()])]).await.unwrap()
        });
        prop_assert_eq!(rows.len(), 1);
        prop_assert_eq!(rows[0][0].try_get::<String>("", "v1").unwrap(), a);
        prop_assert_eq!(rows[0][0].try_get::<String>("", "v2").unwrap(), b);
    }
}

#[test]
fn each_statement_gets_its_own_rows_and_a_refusal_says_how_far_it_got() {
    let Some(url) = postgres() else { return };
    runtime().block_on(async {
        let mut conn = connection(&url).await;
        let two_rows = "SELECT n FROM generate_series(1, 2) AS n".to_owned();
        let results = run(&mut conn, &["BEGIN".to_owned(), two_rows.clone(), select(vec![7i64.into()]), "COMMIT".to_owned()]).await.unwrap();
        let sizes: Vec<usize> = results.iter().map(Vec::len).collect();
        assert_eq!(sizes, [0, 2, 1, 0]);
        assert_eq!(results[2][0].try_get::<String>("", "v1").unwrap(), "7");

        let refused = run(&mut conn, &[two_rows.clone(), "SELECT 1 / 0".to_owned(), two_rows.clone()]).await.unwrap_err();
        assert_eq!(refused.completed, 1);
        assert!(refused.is_refusal());
        assert_eq!(refused.code().as_deref(), Some("22012"));
        // The connection is usable after a refusal.
        assert_eq!(run(&mut conn, &[two_rows]).await.unwrap()[0].len(), 2);
    });
}
