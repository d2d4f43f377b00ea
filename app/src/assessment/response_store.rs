//! SQL that finds one response: by its id, by its code, or with its round for a respondent's
//! request (`access::require_respondent`). Rows are read as `round_store` defines them.

use super::round_store::{
    one, response_row, round_row, ResponseRow, RoundRow, RESPONSE_COLUMNS, ROUND_COLUMNS,
};
use crate::db::Db;
use crate::error::AppError;
use std::sync::LazyLock;

#[tracing::instrument(skip(db))]
pub async fn find_response(db: &Db, response_id: &str) -> Result<Option<ResponseRow>, AppError> {
    one(
        db,
        &format!("select {RESPONSE_COLUMNS} from assessment_response where response_id = $1"),
        response_id,
        response_row,
    )
    .await
}

#[tracing::instrument(skip_all)]
pub async fn response_by_code(db: &Db, code: &str) -> Result<Option<ResponseRow>, AppError> {
    one(
        db,
        &format!("select {RESPONSE_COLUMNS} from assessment_response where code = $1"),
        code,
        response_row,
    )
    .await
}

/// How a respondent's request names its response.
#[derive(Debug, Clone, Copy)]
pub enum ResponseKey<'a> {
    /// A normalised code (personal or round link).
    Code(&'a str),
    /// A response id (invitations by account).
    Id(&'a str),
}

/// A response with its round, in one statement: every request of a respondent starts here.
#[tracing::instrument(skip_all)]
pub async fn response_with_round(
    db: &Db,
    key: ResponseKey<'_>,
) -> Result<Option<(ResponseRow, RoundRow)>, AppError> {
    static BY_CODE: LazyLock<String> = LazyLock::new(|| response_with_round_sql("r.code"));
    static BY_ID: LazyLock<String> = LazyLock::new(|| response_with_round_sql("r.response_id"));
    let (sql, value) = match key {
        ResponseKey::Code(code) => (&BY_CODE, code),
        ResponseKey::Id(id) => (&BY_ID, id),
    };
    one(db, sql, value, |row| {
        Ok((response_row(row)?, round_row(row)?))
    })
    .await
}

fn response_with_round_sql(column: &str) -> String {
    // Both tables have a `round_id`: each column is named with its table.
    let qualified = |alias: &str, columns: &str| {
        columns
            .split(',')
            .map(|c| format!("{alias}.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "select {}, {} from assessment_response r
         join assessment_round o on o.round_id = r.round_id where {column} = $1",
        qualified("r", RESPONSE_COLUMNS),
        qualified("o", ROUND_COLUMNS),
    )
}
