//! `notification_preferences`: the topics a person turned on or off for
//! e-mail. A topic without a row has its default
//! (`domain::notifications::on_by_default`).

use diesel::prelude::*;
use uuid::Uuid;

use crate::db::models::enums::NotificationTopic;
use crate::db::schema::notification_preferences as prefs;

/// The explicit choices of `user_id`.
pub fn choices(
    conn: &mut PgConnection,
    user_id: Uuid,
) -> QueryResult<Vec<(NotificationTopic, bool)>> {
    prefs::table
        .filter(prefs::user_id.eq(user_id))
        .select((prefs::topic, prefs::enabled))
        .load(conn)
}

/// Records choices (each replacing the one before), in one statement.
pub fn set(
    conn: &mut PgConnection,
    user_id: Uuid,
    choices: &[(NotificationTopic, bool)],
) -> QueryResult<()> {
    use diesel::upsert::excluded;
    if choices.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = choices
        .iter()
        .map(|&(topic, enabled)| {
            (
                prefs::user_id.eq(user_id),
                prefs::topic.eq(topic),
                prefs::enabled.eq(enabled),
            )
        })
        .collect();
    diesel::insert_into(prefs::table)
        .values(&rows)
        .on_conflict((prefs::user_id, prefs::topic))
        .do_update()
        .set((
            prefs::enabled.eq(excluded(prefs::enabled)),
            prefs::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    Ok(())
}
