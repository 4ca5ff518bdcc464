//! The database's enum types as Rust enums, and `keyword_enum!`, the one
//! macro for enums of words (the queue's views and sorts use it too). Each
//! knows its stored value (`as_str`, also used in URLs and forms) and a
//! label for people.

/// Declares a keyword enum: a closed set of words, each with its stored
/// value (`as_str`, also used in forms and URLs), a label for people and
/// parsing, so every such enum works the same way. With a SQL type path
/// (`keyword_enum!(Name, "crate::db::schema::sql_types::Name", {..})`) it
/// also maps to that PostgreSQL enum type; without one it lives in URLs
/// only (the queue's views and sort orders).
macro_rules! keyword_enum {
    ($name:ident, $sql:literal, { $($variant:ident = $value:literal / $label:literal),+ $(,)? }) => {
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            diesel_derive_enum::DbEnum, serde::Serialize, serde::Deserialize,
        )]
        #[ExistingTypePath = $sql]
        pub enum $name {
            $(
                #[db_rename = $value]
                #[serde(rename = $value)]
                $variant,
            )+
        }
        $crate::db::models::enums::keyword_enum!(@words $name { $($variant = $value / $label),+ });
    };
    ($name:ident, { $($variant:ident = $value:literal / $label:literal),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }
        $crate::db::models::enums::keyword_enum!(@words $name { $($variant = $value / $label),+ });
    };
    (@words $name:ident { $($variant:ident = $value:literal / $label:literal),+ }) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored value, as used in forms and URLs.
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $value),+ }
            }

            /// The human label.
            pub fn label(&self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn parse(value: &str) -> Option<Self> {
                match value { $($value => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use keyword_enum;

keyword_enum!(UserRole, "crate::db::schema::sql_types::UserRole", {
    Admin = "admin" / "Admin",
    Agent = "agent" / "Agent",
    Customer = "customer" / "Customer",
});

keyword_enum!(EnvType, "crate::db::schema::sql_types::EnvType", {
    Dev = "dev" / "Development",
    Qa = "qa" / "QA",
    Staging = "staging" / "Staging",
    Production = "production" / "Production",
});

keyword_enum!(IssueStatus, "crate::db::schema::sql_types::IssueStatus", {
    Open = "open" / "Open",
    InProgress = "in_progress" / "In progress",
    Resolved = "resolved" / "Resolved",
    Closed = "closed" / "Closed",
});

keyword_enum!(IssuePriority, "crate::db::schema::sql_types::IssuePriority", {
    Low = "low" / "Low",
    Medium = "medium" / "Medium",
    High = "high" / "High",
});

keyword_enum!(IssueCategory, "crate::db::schema::sql_types::IssueCategory", {
    TechnicalIssue = "technical_issue" / "Technical issue",
    Billing = "billing" / "Billing",
    FeatureRequest = "feature_request" / "Feature request",
    GeneralInquiry = "general_inquiry" / "General inquiry",
});

keyword_enum!(FieldType, "crate::db::schema::sql_types::FieldType", {
    SingleSelect = "single_select" / "Single choice",
    MultiSelect = "multi_select" / "Multiple choice",
    Text = "text" / "Text",
});

keyword_enum!(DocType, "crate::db::schema::sql_types::DocType", {
    HowTo = "how-to" / "How-to guide",
    Explanation = "explanation" / "Explanation",
    Reference = "reference" / "Reference",
    Tutorial = "tutorial" / "Tutorial",
});

keyword_enum!(TokenPurpose, "crate::db::schema::sql_types::TokenPurpose", {
    EmailVerification = "email_verification" / "E-mail verification",
    Invitation = "invitation" / "Invitation",
    PasswordReset = "password_reset" / "Password reset",
});

// What an admin audit row is about (`/admin/audit` filters by it).
keyword_enum!(AuditKind, "crate::db::schema::sql_types::AuditKind", {
    User = "user" / "Users",
    Customer = "customer" / "Customers",
    Environment = "environment" / "Environments",
    Plane = "plane" / "Planes",
    Field = "field" / "Context fields",
    Option = "option" / "Field options",
    Doc = "doc" / "Docs",
    Import = "import" / "Doc imports",
    Notification = "notification" / "Notifications",
});

// What an outbox row tells (see `notification_outbox`).
keyword_enum!(NotificationEvent, "crate::db::schema::sql_types::NotificationEvent", {
    AgentReply = "agent_reply" / "Agent reply",
    CustomerReply = "customer_reply" / "Customer reply",
    Resolved = "resolved" / "Resolved",
    Closed = "closed" / "Closed",
    NewIssue = "new_issue" / "New issue",
    Assigned = "assigned" / "Assigned",
    Invitation = "invitation" / "Invitation",
    PasswordReset = "password_reset" / "Password reset",
});

// What a person chooses to hear about by e-mail; an unsubscribe link turns
// one off.
keyword_enum!(NotificationTopic, "crate::db::schema::sql_types::NotificationTopic", {
    Replies = "replies" / "Agents' replies on issues I follow",
    Status = "status" / "Issues I follow resolved or closed",
    Assigned = "assigned" / "Tickets assigned to me",
    CustomerReplies = "customer_replies" / "Customer replies on tickets assigned to me",
    Unassigned = "unassigned" / "New issues, and customer replies on unassigned tickets",
});

// Where an outbox row is on its way.
keyword_enum!(OutboxStatus, "crate::db::schema::sql_types::OutboxStatus", {
    Queued = "queued" / "Queued",
    Sent = "sent" / "Sent",
    Failed = "failed" / "Failed",
});

/// Lets queries that bind these enums in a WHERE clause be cached as
/// prepared statements (diesel requires `QueryId` on the SQL type, and
/// `diesel print-schema` does not derive it without `custom_type_derives`
/// in diesel.toml). If diesel.toml ever gains
/// `custom_type_derives = ["diesel::query_builder::QueryId"]`, delete this.
macro_rules! static_query_id {
    ($($sql_type:ident),+ $(,)?) => {
        $(
            impl diesel::query_builder::QueryId for crate::db::schema::sql_types::$sql_type {
                type QueryId = Self;
                const HAS_STATIC_QUERY_ID: bool = true;
            }
        )+
    };
}

static_query_id!(
    UserRole,
    EnvType,
    IssueStatus,
    IssuePriority,
    IssueCategory,
    FieldType,
    DocType,
    TokenPurpose,
    AuditKind,
    NotificationEvent,
    NotificationTopic,
    OutboxStatus,
);
