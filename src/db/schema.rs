// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "audit_kind"))]
    pub struct AuditKind;

    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "doc_type"))]
    pub struct DocType;

    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "env_type"))]
    pub struct EnvType;

    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "field_type"))]
    pub struct FieldType;

    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "issue_category"))]
    pub struct IssueCategory;

    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "issue_priority"))]
    pub struct IssuePriority;

    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "issue_status"))]
    pub struct IssueStatus;

    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "notification_event"))]
    pub struct NotificationEvent;

    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "notification_topic"))]
    pub struct NotificationTopic;

    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "outbox_status"))]
    pub struct OutboxStatus;

    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "token_purpose"))]
    pub struct TokenPurpose;

    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "tsvector", schema = "pg_catalog"))]
    pub struct Tsvector;

    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "user_role"))]
    pub struct UserRole;
}

diesel::table! {
    accounts (id) {
        id -> Uuid,
        user_id -> Uuid,
        #[max_length = 50]
        provider -> Varchar,
        #[max_length = 255]
        provider_account_id -> Varchar,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::AuditKind;

    admin_audit (id) {
        id -> Uuid,
        actor_id -> Nullable<Uuid>,
        actor_name -> Text,
        kind -> AuditKind,
        action -> Text,
        object_id -> Nullable<Uuid>,
        object_label -> Text,
        before -> Nullable<Jsonb>,
        after -> Nullable<Jsonb>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    comments (id) {
        id -> Uuid,
        issue_id -> Uuid,
        author_id -> Uuid,
        body -> Text,
        is_internal -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        search -> Nullable<Tsvector>,
    }
}

diesel::table! {
    customer_domains (domain) {
        #[max_length = 253]
        domain -> Varchar,
        customer_id -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    customers (id) {
        id -> Uuid,
        #[max_length = 255]
        name -> Varchar,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    doc_context_options (doc_id, plane_context_option_id) {
        doc_id -> Uuid,
        plane_context_option_id -> Uuid,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::DocType;

    doc_feedback (id) {
        id -> Uuid,
        doc_id -> Nullable<Uuid>,
        doc_url -> Text,
        doc_type -> DocType,
        marked_helpful -> Bool,
        dismissed -> Bool,
        issue_id -> Nullable<Uuid>,
        user_id -> Nullable<Uuid>,
        customer_id -> Nullable<Uuid>,
        primary_plane_id -> Nullable<Uuid>,
        form_session_id -> Nullable<Uuid>,
        issue_context -> Nullable<Jsonb>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    doc_impressions (form_session_id, doc_id) {
        form_session_id -> Uuid,
        doc_id -> Uuid,
        best_rank -> Nullable<Int2>,
        first_shown_at -> Timestamptz,
    }
}

diesel::table! {
    doc_planes (doc_id, plane_id) {
        doc_id -> Uuid,
        plane_id -> Uuid,
    }
}

diesel::table! {
    doc_rollup_contexts (customer_id, day, plane_id, context_id, value) {
        customer_id -> Uuid,
        day -> Date,
        plane_id -> Uuid,
        context_id -> Uuid,
        value -> Text,
        deflected -> Int4,
        filed -> Int4,
        filed_unhelped -> Int4,
    }
}

diesel::table! {
    doc_rollup_docs (customer_id, day, plane_id, doc_id) {
        customer_id -> Uuid,
        day -> Date,
        plane_id -> Uuid,
        doc_id -> Uuid,
        shown -> Int4,
        helpful -> Int4,
        dismissed -> Int4,
        filed_after_helpful -> Int4,
    }
}

diesel::table! {
    doc_rollup_sessions (customer_id, day, plane_id) {
        customer_id -> Uuid,
        day -> Date,
        plane_id -> Uuid,
        sessions -> Int4,
        shown -> Int4,
        deflected -> Int4,
        filed -> Int4,
    }
}

diesel::table! {
    doc_rollup_state (id) {
        id -> Bool,
        refreshed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::DocType;
    use super::sql_types::Tsvector;

    docs (id) {
        id -> Uuid,
        url -> Text,
        #[max_length = 300]
        title -> Varchar,
        doc_type -> DocType,
        summary -> Text,
        is_active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        search -> Nullable<Tsvector>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::EnvType;

    environments (id) {
        id -> Uuid,
        customer_id -> Uuid,
        #[max_length = 255]
        name -> Varchar,
        env_type -> EnvType,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    form_sessions (id) {
        id -> Uuid,
        customer_id -> Uuid,
        user_id -> Nullable<Uuid>,
        primary_plane_id -> Nullable<Uuid>,
        issue_id -> Nullable<Uuid>,
        started_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    issue_activities (id) {
        id -> Uuid,
        issue_id -> Uuid,
        actor_id -> Nullable<Uuid>,
        #[max_length = 50]
        action -> Varchar,
        #[max_length = 50]
        field -> Nullable<Varchar>,
        from_value -> Nullable<Text>,
        to_value -> Nullable<Text>,
        description -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    issue_plane_contexts (id) {
        id -> Uuid,
        issue_id -> Uuid,
        plane_context_id -> Uuid,
        value -> Text,
    }
}

diesel::table! {
    issue_planes (id) {
        id -> Uuid,
        issue_id -> Uuid,
        plane_id -> Uuid,
        is_primary -> Bool,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::IssueStatus;
    use super::sql_types::IssuePriority;
    use super::sql_types::IssueCategory;
    use super::sql_types::Tsvector;

    issues (id) {
        id -> Uuid,
        number -> Int8,
        customer_id -> Uuid,
        environment_id -> Uuid,
        created_by_id -> Uuid,
        assignee_id -> Nullable<Uuid>,
        #[max_length = 255]
        submitter_handle -> Varchar,
        primary_plane_id -> Uuid,
        #[max_length = 500]
        title -> Varchar,
        description -> Text,
        pipeline_url -> Nullable<Text>,
        status -> IssueStatus,
        priority -> IssuePriority,
        category -> IssueCategory,
        lock_version -> Int4,
        resolved_at -> Nullable<Timestamptz>,
        closed_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        search -> Nullable<Tsvector>,
        submit_token -> Nullable<Uuid>,
        comment_search -> Tsvector,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> Int8,
        #[max_length = 20]
        scope -> Varchar,
        #[max_length = 400]
        subject -> Varchar,
        attempted_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::NotificationEvent;

    notification_events (id) {
        id -> Uuid,
        event -> NotificationEvent,
        issue_id -> Uuid,
        customer_id -> Uuid,
        submitter_id -> Uuid,
        assignee_id -> Nullable<Uuid>,
        actor_id -> Uuid,
        actor_name -> Text,
        detail -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::NotificationEvent;
    use super::sql_types::NotificationTopic;
    use super::sql_types::OutboxStatus;

    notification_outbox (id) {
        id -> Uuid,
        event -> NotificationEvent,
        topic -> Nullable<NotificationTopic>,
        recipient_id -> Nullable<Uuid>,
        #[max_length = 320]
        email -> Varchar,
        issue_id -> Nullable<Uuid>,
        actor_name -> Text,
        detail -> Nullable<Text>,
        link -> Nullable<Text>,
        status -> OutboxStatus,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        claimed_by -> Nullable<Uuid>,
        claim_expires_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        sent_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::NotificationTopic;

    notification_preferences (user_id, topic) {
        user_id -> Uuid,
        topic -> NotificationTopic,
        enabled -> Bool,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    plane_context_options (id) {
        id -> Uuid,
        plane_context_id -> Uuid,
        #[max_length = 255]
        value -> Varchar,
        #[max_length = 255]
        label -> Varchar,
        display_order -> Int4,
        is_active -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::FieldType;

    plane_contexts (id) {
        id -> Uuid,
        plane_id -> Uuid,
        #[max_length = 100]
        context_key -> Varchar,
        #[max_length = 255]
        label -> Varchar,
        field_type -> FieldType,
        is_required -> Bool,
        display_order -> Int4,
        help_text -> Nullable<Text>,
        is_active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    planes (id) {
        id -> Uuid,
        #[max_length = 100]
        name -> Varchar,
        #[max_length = 50]
        slug -> Varchar,
        description -> Nullable<Text>,
        display_order -> Int4,
        is_active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    resolutions (id) {
        id -> Uuid,
        issue_id -> Uuid,
        resolved_by_id -> Nullable<Uuid>,
        #[max_length = 255]
        resolved_by -> Varchar,
        resolution_notes -> Text,
        resolved_at -> Timestamptz,
        search -> Nullable<Tsvector>,
    }
}

diesel::table! {
    sessions (key_hash) {
        key_hash -> Bytea,
        user_id -> Nullable<Uuid>,
        state -> Jsonb,
        created_at -> Timestamptz,
        idle_expires_at -> Timestamptz,
        absolute_expires_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    ticket_backlog_stats (plane_id, customer_id, bucket) {
        plane_id -> Uuid,
        customer_id -> Uuid,
        bucket -> Int2,
        open -> Int4,
    }
}

diesel::table! {
    ticket_open_agent_stats (plane_id, customer_id, assignee_id) {
        plane_id -> Uuid,
        customer_id -> Uuid,
        assignee_id -> Uuid,
        open -> Int4,
    }
}

diesel::table! {
    ticket_stats_dirty (id) {
        id -> Int8,
        week -> Date,
    }
}

diesel::table! {
    ticket_stats_state (id) {
        id -> Bool,
        refreshed_at -> Nullable<Timestamptz>,
        backlog_at -> Nullable<Timestamptz>,
        backlog_marker -> Int8,
    }
}

diesel::table! {
    ticket_week_agent_stats (plane_id, customer_id, week, assignee_id) {
        plane_id -> Uuid,
        customer_id -> Uuid,
        week -> Date,
        assignee_id -> Uuid,
        resolved -> Int4,
    }
}

diesel::table! {
    ticket_week_stats (plane_id, customer_id, week) {
        plane_id -> Uuid,
        customer_id -> Uuid,
        week -> Date,
        created -> Int4,
        resolved -> Int4,
        first_responses -> Int4,
        first_response_p50_h -> Nullable<Float8>,
        first_response_p90_h -> Nullable<Float8>,
        resolution_p50_h -> Nullable<Float8>,
        resolution_p90_h -> Nullable<Float8>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::UserRole;

    users (id) {
        id -> Uuid,
        #[max_length = 320]
        email -> Varchar,
        #[max_length = 255]
        name -> Varchar,
        role -> UserRole,
        customer_id -> Nullable<Uuid>,
        #[max_length = 255]
        chat_handle -> Nullable<Varchar>,
        password_hash -> Nullable<Text>,
        email_verified_at -> Nullable<Timestamptz>,
        image_url -> Nullable<Text>,
        disabled_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::TokenPurpose;
    use super::sql_types::UserRole;

    verification_tokens (id) {
        id -> Uuid,
        token_hash -> Bytea,
        purpose -> TokenPurpose,
        #[max_length = 320]
        email -> Varchar,
        user_id -> Nullable<Uuid>,
        role -> Nullable<UserRole>,
        customer_id -> Nullable<Uuid>,
        created_by_id -> Nullable<Uuid>,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    write_counts (user_id, action, window_start) {
        user_id -> Uuid,
        #[max_length = 20]
        action -> Varchar,
        window_start -> Timestamptz,
        count -> Int4,
    }
}

diesel::joinable!(accounts -> users (user_id));
diesel::joinable!(admin_audit -> users (actor_id));
diesel::joinable!(comments -> issues (issue_id));
diesel::joinable!(comments -> users (author_id));
diesel::joinable!(customer_domains -> customers (customer_id));
diesel::joinable!(doc_context_options -> docs (doc_id));
diesel::joinable!(doc_context_options -> plane_context_options (plane_context_option_id));
diesel::joinable!(doc_feedback -> customers (customer_id));
diesel::joinable!(doc_feedback -> docs (doc_id));
diesel::joinable!(doc_feedback -> issues (issue_id));
diesel::joinable!(doc_feedback -> planes (primary_plane_id));
diesel::joinable!(doc_feedback -> users (user_id));
diesel::joinable!(doc_impressions -> docs (doc_id));
diesel::joinable!(doc_impressions -> form_sessions (form_session_id));
diesel::joinable!(doc_planes -> docs (doc_id));
diesel::joinable!(doc_planes -> planes (plane_id));
diesel::joinable!(environments -> customers (customer_id));
diesel::joinable!(form_sessions -> customers (customer_id));
diesel::joinable!(form_sessions -> issues (issue_id));
diesel::joinable!(form_sessions -> planes (primary_plane_id));
diesel::joinable!(form_sessions -> users (user_id));
diesel::joinable!(issue_activities -> issues (issue_id));
diesel::joinable!(issue_activities -> users (actor_id));
diesel::joinable!(issue_plane_contexts -> issues (issue_id));
diesel::joinable!(issue_plane_contexts -> plane_contexts (plane_context_id));
diesel::joinable!(issue_planes -> issues (issue_id));
diesel::joinable!(issue_planes -> planes (plane_id));
diesel::joinable!(issues -> customers (customer_id));
diesel::joinable!(issues -> planes (primary_plane_id));
diesel::joinable!(notification_outbox -> users (recipient_id));
diesel::joinable!(notification_preferences -> users (user_id));
diesel::joinable!(plane_context_options -> plane_contexts (plane_context_id));
diesel::joinable!(plane_contexts -> planes (plane_id));
diesel::joinable!(resolutions -> issues (issue_id));
diesel::joinable!(resolutions -> users (resolved_by_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(users -> customers (customer_id));
diesel::joinable!(verification_tokens -> customers (customer_id));
diesel::joinable!(write_counts -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    admin_audit,
    comments,
    customer_domains,
    customers,
    doc_context_options,
    doc_feedback,
    doc_impressions,
    doc_planes,
    doc_rollup_contexts,
    doc_rollup_docs,
    doc_rollup_sessions,
    doc_rollup_state,
    docs,
    environments,
    form_sessions,
    issue_activities,
    issue_plane_contexts,
    issue_planes,
    issues,
    login_attempts,
    notification_events,
    notification_outbox,
    notification_preferences,
    plane_context_options,
    plane_contexts,
    planes,
    resolutions,
    sessions,
    ticket_backlog_stats,
    ticket_open_agent_stats,
    ticket_stats_dirty,
    ticket_stats_state,
    ticket_week_agent_stats,
    ticket_week_stats,
    users,
    verification_tokens,
    write_counts,
);
