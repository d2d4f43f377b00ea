//! SQL that finds one response: by its id, by its code, or with its round for a respondent's
//! request (`access::require_respondent`). Rows are read as `round_store` defines them.

use super::answer_store;
use super::model::Answers;
use super::round_store::{
    one, response_row, round_row, ResponseRow, RoundRow, RESPONSE_COLUMNS, ROUND_COLUMNS,
};
use crate::db::Db;
use crate::error::AppError;
use sqlx::Row;

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
/// With `answers`, the response's answers come in the same statement (a respondent's pages).
#[tracing::instrument(skip_all)]
pub async fn response_with_round(
    db: &Db,
    key: ResponseKey<'_>,
    answers: bool,
) -> Result<Option<(ResponseRow, RoundRow, Option<Answers>)>, AppError> {
    let (column, value) = match key {
        ResponseKey::Code(code) => ("r.code", code),
        ResponseKey::Id(id) => ("r.response_id", id),
    };
    let answers = answers.then(|| answer_store::answers_object(db.engine));
    let row = sqlx::query(&response_with_round_sql(column, answers))
        .bind(value)
        .fetch_optional(&db.pool)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let response = response_row(&row)?;
    let answers = match answers {
        Some(_) => Some(answer_store::answers_from_json(
            &row.try_get::<String, _>("answers")?,
            &response.response_id,
        )?),
        None => None,
    };
    Ok(Some((response, round_row(&row)?, answers)))
}

fn response_with_round_sql(column: &str, answers: Option<&str>) -> String {
    // Both tables have a `round_id`: each column is named with its table.
    let qualified = |alias: &str, columns: &str| {
        columns
            .split(',')
            .map(|c| format!("{alias}.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let answers = answers
        .map(|object| {
            format!(
                ", (select {object} from assessment_answer a where a.response_id = r.response_id) as answers"
            )
        })
        .unwrap_or_default();
    format!(
        "select {}, {}{answers} from assessment_response r
         join assessment_round o on o.round_id = r.round_id where {column} = $1",
        qualified("r", RESPONSE_COLUMNS),
        qualified("o", ROUND_COLUMNS),
    )
}
