//! Writes the demo data: two customers with their users and environments,
//! staff, the context fields of the four built-in planes, a documentation
//! catalog, and tickets with comments, activity, resolutions and doc
//! feedback spread over the past weeks. The data itself is in
//! `demo_catalog.rs` and `demo_desk.rs`. The setup rows are written
//! through the model functions; tickets are filed, answered and changed
//! through the app's own functions (`issues::file_issue_at`,
//! `tickets::add_comment`, `tickets::change_visible` with the domain's
//! rules) at past times, so the demo history reads exactly as the app
//! writes it. All in one transaction; a database that already has the demo
//! admin is left alone.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use serde_json::Value;
use uuid::Uuid;

use crate::auth::password::{hash_password, verify_password};
use crate::db::models::customers::{self, Customer, NewCustomer};
use crate::db::models::doc_feedback::{self, NewDocFeedback};
use crate::db::models::docs::{self, Doc, NewDoc};
use crate::db::models::enums::{FieldType, IssueStatus};
use crate::db::models::environments::{self, Environment, NewEnvironment};
use crate::db::models::issues::Issue;
use crate::db::models::notification_events;
use crate::db::models::planes::{
    self, NewPlaneContext, NewPlaneContextOption, Plane, PlaneContext,
};
use crate::db::models::users::{self, NewUser, User};
use crate::db::queries::issues::{self, Viewer};
use crate::db::queries::tickets::{self, ChangeOutcome};
use crate::db::{lock, schema};
use crate::domain::issue_form::{self, Definitions, Draft, ValidIssue};
use crate::domain::ticket::Change;
use crate::error::AppError;

use super::demo_catalog::{Ctx, DOCS, DOCS_BASE, PLANE_CONTEXTS};
use super::demo_desk::{
    ADMIN_EMAIL, CUSTOMERS, DEFLECTED_FORMS, ENVIRONMENTS, ISSUE_FEEDBACK, ISSUES, IssueSpec,
    USERS, Verdict,
};

/// The password of every demo user. It exists only in demo data.
pub const DEMO_PASSWORD: &str = "supportdesk-demo";
/// The demo's administrator, whose sign-in the start-up banner prints.
pub const DEMO_ADMIN: &str = ADMIN_EMAIL;
/// Serialises concurrent seeders (several instances starting on one database).
const SEED_LOCK: &str = "supportdesk:seed-demo";

/// What [`seed_demo`] did; the counts are rows it created (zero when it
/// found the demo data already there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedSummary {
    pub created: bool,
    pub users: usize,
    pub issues: usize,
    pub docs: usize,
}

/// True while the database has no users at all (a fresh install).
pub fn is_empty(conn: &mut PgConnection) -> QueryResult<bool> {
    Ok(users::count(conn)? == 0)
}

/// The demo accounts that still open with [`DEMO_PASSWORD`] (not disabled,
/// password unchanged): while any does, the app must not listen beyond
/// this machine unless the demo is served on purpose. One password check
/// per demo account (tens of milliseconds each), at start-up only.
pub fn demo_accounts_open(conn: &mut PgConnection) -> QueryResult<Vec<&'static str>> {
    let mut open = Vec::new();
    for spec in USERS {
        let works = users::find_by_email(conn, spec.email)?.is_some_and(|user| {
            !user.is_disabled()
                && (user.password_hash.as_deref())
                    .is_some_and(|hash| verify_password(DEMO_PASSWORD, hash))
        });
        if works {
            open.push(spec.email);
        }
    }
    Ok(open)
}

/// Creates the demo data in one transaction; does nothing when
/// admin@example.com already exists.
pub fn seed_demo(conn: &mut PgConnection) -> Result<SeedSummary, AppError> {
    conn.transaction(|conn| {
        lock::xact_lock(conn, SEED_LOCK)?;
        if users::find_by_email(conn, ADMIN_EMAIL)?.is_some() {
            return Ok(SeedSummary {
                created: false,
                users: 0,
                issues: 0,
                docs: 0,
            });
        }
        let now = Utc::now();
        let customers = seed_customers(conn)?;
        let password_hash = hash_password(DEMO_PASSWORD)?;
        let users = seed_users(conn, &password_hash, &customers, now)?;
        let environments = seed_environments(conn, &customers)?;
        seed_plane_contexts(conn)?;
        let catalog = Catalog::load(conn)?;
        let docs = seed_docs(conn, &catalog)?;
        let world = World {
            now,
            users,
            environments,
            catalog,
            docs,
        };
        let mut issues = Vec::with_capacity(ISSUES.len());
        for spec in ISSUES {
            issues.push(seed_issue(conn, &world, spec)?);
        }
        seed_feedback(conn, &world, &issues)?;
        backdate_setup(conn, &world, &customers, &issues, now - Duration::days(60))?;
        // The history above is written through the app's own functions,
        // which queue e-mails about it: history is nobody's news.
        notification_events::discard_written_in_this_transaction(conn)?;
        Ok(SeedSummary {
            created: true,
            users: world.users.len(),
            issues: issues.len(),
            docs: world.docs.len(),
        })
    })
}

// ---------------------------------------------------------------------------
// Customers, users, environments

/// Customers by name; an existing customer of the same name is reused.
fn seed_customers(conn: &mut PgConnection) -> Result<HashMap<&'static str, Customer>, AppError> {
    let mut found = HashMap::new();
    for &(name, domain, _) in CUSTOMERS {
        let customer = match customers::find_by_name(conn, name)? {
            Some(existing) => existing,
            None => customers::insert(conn, &NewCustomer { name })?,
        };
        if customers::find_by_domain(conn, domain)?.is_none() {
            customers::add_domain(conn, customer.id, domain)?;
        }
        found.insert(name, customer);
    }
    Ok(found)
}

fn seed_users(
    conn: &mut PgConnection,
    password_hash: &str,
    customers: &HashMap<&'static str, Customer>,
    now: DateTime<Utc>,
) -> Result<HashMap<&'static str, User>, AppError> {
    let mut created = HashMap::new();
    for spec in USERS {
        let customer_id = match spec.customer {
            Some(name) => Some(lookup(customers, name)?.id),
            None => None,
        };
        let user = users::insert(
            conn,
            &NewUser {
                email: spec.email,
                name: spec.name,
                role: spec.role,
                customer_id,
                chat_handle: Some(spec.handle),
                password_hash: Some(password_hash),
                email_verified_at: Some(now - Duration::days(59)),
                image_url: None,
            },
        )?;
        created.insert(spec.email, user);
    }
    Ok(created)
}

/// Environments by name, one of each type per customer.
fn seed_environments(
    conn: &mut PgConnection,
    customers: &HashMap<&'static str, Customer>,
) -> Result<HashMap<String, Environment>, AppError> {
    let mut created = HashMap::new();
    for &(customer_name, _, prefix) in CUSTOMERS {
        let customer = lookup(customers, customer_name)?;
        let existing = environments::list_for_customer(conn, customer.id)?;
        for &(suffix, env_type) in ENVIRONMENTS {
            let name = format!("{prefix}-{suffix}");
            let environment = match existing.iter().find(|e| e.name == name) {
                Some(environment) => environment.clone(),
                None => environments::insert(
                    conn,
                    &NewEnvironment {
                        customer_id: customer.id,
                        name: &name,
                        env_type,
                    },
                )?,
            };
            created.insert(name, environment);
        }
    }
    Ok(created)
}

// ---------------------------------------------------------------------------
// Plane contexts and options

/// Adds the context fields of each built-in plane that has none yet (an
/// admin's own fields are left as they are).
fn seed_plane_contexts(conn: &mut PgConnection) -> Result<(), AppError> {
    for &(slug, specs) in PLANE_CONTEXTS {
        let plane = planes::find_by_slug(conn, slug)?
            .ok_or_else(|| AppError::Internal(format!("seed: plane {slug} is missing")))?;
        if !planes::all_contexts_of_plane(conn, plane.id)?.is_empty() {
            continue;
        }
        for (position, spec) in (1..).zip(specs.iter()) {
            let context = planes::insert_context(
                conn,
                &NewPlaneContext {
                    plane_id: plane.id,
                    context_key: spec.key,
                    label: spec.label,
                    field_type: spec.field_type,
                    is_required: spec.required,
                    display_order: position * 10,
                    help_text: spec.help,
                    is_active: true,
                },
            )?;
            for (option_position, &(value, label)) in (1..).zip(spec.options.iter()) {
                planes::insert_option(
                    conn,
                    &NewPlaneContextOption {
                        plane_context_id: context.id,
                        value,
                        label,
                        display_order: option_position * 10,
                        is_active: true,
                    },
                )?;
            }
        }
    }
    Ok(())
}

/// The planes with their active contexts and options as they are in the
/// database, so that seeded values are checked against the real fields.
struct Catalog {
    planes: HashMap<String, Plane>,
    contexts: HashMap<(Uuid, String), PlaneContext>,
    /// (context id, value) → option id
    options: HashMap<(Uuid, String), Uuid>,
}

impl Catalog {
    fn load(conn: &mut PgConnection) -> QueryResult<Self> {
        let planes = planes::list_all(conn)?;
        let plane_ids: Vec<Uuid> = planes.iter().map(|p| p.id).collect();
        let contexts = planes::contexts_for_planes(conn, &plane_ids)?;
        let context_ids: Vec<Uuid> = contexts.iter().map(|c| c.id).collect();
        let options = planes::options_for_contexts(conn, &context_ids)?;
        Ok(Catalog {
            planes: planes.into_iter().map(|p| (p.slug.clone(), p)).collect(),
            contexts: contexts
                .into_iter()
                .map(|c| ((c.plane_id, c.context_key.clone()), c))
                .collect(),
            options: options
                .into_iter()
                .map(|o| ((o.plane_context_id, o.value), o.id))
                .collect(),
        })
    }

    fn plane(&self, slug: &str) -> Result<&Plane, AppError> {
        self.planes
            .get(slug)
            .ok_or_else(|| AppError::Internal(format!("seed: plane {slug} is missing")))
    }

    /// The context a value belongs to, if the value is valid for it.
    fn context_for(&self, slug: &str, key: &str, value: &str) -> Option<&PlaneContext> {
        let plane = self.planes.get(slug)?;
        let context = self.contexts.get(&(plane.id, key.to_owned()))?;
        let valid = match context.field_type {
            FieldType::Text => !value.trim().is_empty(),
            FieldType::SingleSelect | FieldType::MultiSelect => {
                self.options.contains_key(&(context.id, value.to_owned()))
            }
        };
        valid.then_some(context)
    }

    fn option_id(&self, slug: &str, key: &str, value: &str) -> Option<Uuid> {
        let context = self.context_for(slug, key, value)?;
        self.options.get(&(context.id, value.to_owned())).copied()
    }

    /// The form snapshot stored with doc feedback, made by the app's own
    /// `issue_form::snapshot` from the draft this form would have held.
    fn snapshot(
        &self,
        environment: &Environment,
        planes: &[&str],
        values: &[Ctx],
        title: &str,
        form_session_id: Uuid,
    ) -> Value {
        let mut draft = Draft {
            environment_id: environment.id.to_string(),
            primary_plane: planes.first().copied().unwrap_or_default().to_owned(),
            planes: planes.iter().skip(1).map(|&p| p.to_owned()).collect(),
            title: title.to_owned(),
            form_session_id: form_session_id.to_string(),
            ..Draft::default()
        };
        for &(slug, key, value) in values {
            if planes.contains(&slug) && self.context_for(slug, key, value).is_some() {
                let chosen = draft.contexts.entry(format!("{slug}.{key}")).or_default();
                chosen.push(value.to_owned());
            }
        }
        let defs = Definitions {
            environments: vec![issue_form::Environment {
                id: environment.id,
                name: environment.name.clone(),
                env_type: environment.env_type,
            }],
            ..Definitions::default()
        };
        issue_form::snapshot(&defs, &draft)
    }
}

// ---------------------------------------------------------------------------
// Documentation catalog

/// Docs by path, each linked to its planes and tagged options.
fn seed_docs(
    conn: &mut PgConnection,
    catalog: &Catalog,
) -> Result<HashMap<&'static str, Doc>, AppError> {
    let mut created = HashMap::new();
    for spec in DOCS {
        let url = format!("{DOCS_BASE}{}", spec.path);
        let doc = docs::insert(
            conn,
            &NewDoc {
                url: &url,
                title: spec.title,
                doc_type: spec.doc_type,
                summary: spec.summary,
                is_active: spec.active,
            },
        )?;
        let plane_ids = spec
            .planes
            .iter()
            .map(|slug| catalog.plane(slug).map(|p| p.id))
            .collect::<Result<Vec<_>, _>>()?;
        docs::set_planes(conn, doc.id, &plane_ids)?;
        let option_ids: Vec<Uuid> = spec
            .tags
            .iter()
            .filter_map(|&(slug, key, value)| catalog.option_id(slug, key, value))
            .collect();
        docs::set_context_options(conn, doc.id, &option_ids)?;
        created.insert(spec.path, doc);
    }
    Ok(created)
}

// ---------------------------------------------------------------------------
// Issues

/// Everything the issue and feedback seeders look things up in.
struct World {
    now: DateTime<Utc>,
    users: HashMap<&'static str, User>,
    environments: HashMap<String, Environment>,
    catalog: Catalog,
    docs: HashMap<&'static str, Doc>,
}

impl World {
    fn user(&self, email: &str) -> Result<&User, AppError> {
        lookup(&self.users, email)
    }

    fn environment(&self, name: &str) -> Result<&Environment, AppError> {
        self.environments
            .get(name)
            .ok_or_else(|| AppError::Internal(format!("seed: unknown environment {name}")))
    }

    fn doc(&self, path: &str) -> Result<&Doc, AppError> {
        lookup(&self.docs, path)
    }

    /// A moment `minutes` after `start`, but never in the future.
    fn at(&self, start: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        (start + Duration::minutes(minutes)).min(self.now - Duration::minutes(1))
    }
}

/// One thing that happened to a ticket after it was filed, replayed
/// through the function the app uses for it.
enum Step<'w> {
    /// A ticket change by `by`: assignment, priority or status.
    Change { by: &'w User, change: Change },
    Comment {
        author: &'w User,
        internal: bool,
        body: &'static str,
    },
}

/// Files one issue as its creator did (at Medium, as the app files every
/// issue), then replays what happened to it in time order: the admin
/// assigns it, its handler sets the priority and starts it, people reply,
/// someone resolves and closes it. Each step goes through the app's own
/// function with the seeded time, so the activity log reads exactly as
/// the app writes it.
fn seed_issue(conn: &mut PgConnection, world: &World, spec: &IssueSpec) -> Result<Issue, AppError> {
    let creator = world.user(spec.creator)?;
    let admin = world.user(ADMIN_EMAIL)?;
    let environment = world.environment(spec.environment)?;
    let primary = world.catalog.plane(spec.primary)?;
    let assignee = spec.assignee.map(|email| world.user(email)).transpose()?;
    let handler = assignee.unwrap_or(admin);
    let filed_at = world.now - Duration::hours(spec.age_hours);

    let secondary_plane_ids = spec
        .secondary
        .iter()
        .map(|slug| world.catalog.plane(slug).map(|p| p.id))
        .collect::<Result<Vec<_>, _>>()?;
    let contexts = spec
        .contexts
        .iter()
        .filter(|(slug, _, _)| *slug == spec.primary || spec.secondary.contains(slug))
        .filter_map(|&(slug, key, value)| {
            let context = world.catalog.context_for(slug, key, value)?;
            Some((context.id, value.to_owned()))
        })
        .collect();
    let filed = issues::file_issue_at(
        conn,
        creator,
        environment.customer_id,
        &ValidIssue {
            environment_id: environment.id,
            primary_plane_id: primary.id,
            secondary_plane_ids,
            title: spec.title.to_owned(),
            description: spec.description.to_owned(),
            pipeline_url: spec.pipeline_url.map(str::to_owned),
            submitter_handle: creator
                .chat_handle
                .clone()
                .unwrap_or_else(|| creator.name.clone()),
            category: spec.category,
            contexts,
            form_session_id: None,
            submit_token: None,
        },
        Some(filed_at),
    )?;

    let mut steps: Vec<(DateTime<Utc>, Step)> = Vec::new();
    let change = |by, change| Step::Change { by, change };
    if let Some(agent) = assignee {
        let to = Change {
            assignee: Some(Some(agent.id)),
            ..Change::default()
        };
        steps.push((world.at(filed_at, 20), change(admin, to)));
    }
    if spec.priority != filed.priority {
        let to = Change {
            priority: Some(spec.priority),
            ..Change::default()
        };
        steps.push((world.at(filed_at, 25), change(handler, to)));
    }
    if spec.status != IssueStatus::Open {
        let to = Change {
            status: Some(IssueStatus::InProgress),
            ..Change::default()
        };
        steps.push((world.at(filed_at, 30), change(handler, to)));
    }
    for comment in spec.comments {
        let author = world.user(comment.author)?;
        let step = Step::Comment {
            author,
            internal: comment.internal,
            body: comment.body,
        };
        steps.push((world.at(filed_at, comment.after_minutes), step));
    }
    if let Some(resolution) = &spec.resolution {
        let to = Change {
            status: Some(IssueStatus::Resolved),
            resolution_notes: Some(resolution.notes.to_owned()),
            ..Change::default()
        };
        let by = world.user(resolution.by)?;
        steps.push((world.at(filed_at, resolution.after_minutes), change(by, to)));
    }
    if let Some((closer, after_minutes)) = spec.closed {
        let to = Change {
            status: Some(IssueStatus::Closed),
            ..Change::default()
        };
        steps.push((
            world.at(filed_at, after_minutes),
            change(world.user(closer)?, to),
        ));
    }
    // Stable: steps at the same minute keep the order above.
    steps.sort_by_key(|(at, _)| *at);

    let number = filed.number;
    let mut issue = filed;
    let mut last = issue.created_at;
    for (at, step) in steps {
        // Strictly later than the step before, so each write moves
        // updated_at (an unchanged value would let the trigger set now()).
        let at = at.max(last + Duration::seconds(1));
        last = at;
        match step {
            Step::Comment {
                author,
                internal,
                body,
            } => tickets::add_comment(conn, author, number, body, internal, at)?,
            Step::Change { by, change } => {
                let outcome = tickets::change_visible(
                    conn,
                    by,
                    number,
                    Some(issue.lock_version),
                    &change,
                    at,
                )?;
                issue = match outcome {
                    ChangeOutcome::Changed(issue) => *issue,
                    ChangeOutcome::Refused(why) => {
                        return Err(seed_error(number, &format!("refused: {why}")));
                    }
                    ChangeOutcome::Stale(_) | ChangeOutcome::NoVersion => {
                        return Err(seed_error(number, "changed while seeding"));
                    }
                };
            }
        }
    }

    let issue = issues::find_visible(conn, Viewer::of(creator), number)?;
    let wanted = (spec.status, spec.priority, assignee.map(|agent| agent.id));
    let ended = (issue.status, issue.priority, issue.assignee_id);
    if ended != wanted {
        return Err(seed_error(
            number,
            &format!("its history ends at {ended:?}, the data says {wanted:?}"),
        ));
    }
    Ok(issue)
}

fn seed_error(number: i64, what: &str) -> AppError {
    AppError::Internal(format!("seed: issue #{number}: {what}"))
}

// ---------------------------------------------------------------------------
// Doc feedback

/// One form rendering and its clicks.
struct Form<'w> {
    user: &'w User,
    primary_plane_id: Uuid,
    form_session_id: Uuid,
    snapshot: Value,
    issue_id: Option<Uuid>,
    first_click_at: DateTime<Utc>,
}

fn seed_feedback(conn: &mut PgConnection, world: &World, issues: &[Issue]) -> Result<(), AppError> {
    for &(title, clicks) in ISSUE_FEEDBACK {
        let (spec, issue) = ISSUES
            .iter()
            .zip(issues)
            .find(|(spec, _)| spec.title == title)
            .ok_or_else(|| AppError::Internal(format!("seed: no issue titled {title}")))?;
        let environment = world.environment(spec.environment)?;
        let mut planes = vec![spec.primary];
        planes.extend_from_slice(spec.secondary);
        let form_session_id = Uuid::new_v4();
        let form = Form {
            user: world.user(spec.creator)?,
            primary_plane_id: issue.primary_plane_id,
            form_session_id,
            snapshot: world.catalog.snapshot(
                environment,
                &planes,
                spec.contexts,
                spec.title,
                form_session_id,
            ),
            issue_id: Some(issue.id),
            first_click_at: issue.created_at - Duration::minutes(8),
        };
        record_clicks(conn, world, &form, clicks)?;
    }
    for spec in DEFLECTED_FORMS {
        let environment = world.environment(spec.environment)?;
        let form_session_id = Uuid::new_v4();
        let form = Form {
            user: world.user(spec.user)?,
            primary_plane_id: world.catalog.plane(spec.primary)?.id,
            form_session_id,
            snapshot: world.catalog.snapshot(
                environment,
                &[spec.primary],
                spec.contexts,
                spec.title,
                form_session_id,
            ),
            issue_id: None,
            first_click_at: world.now - Duration::hours(spec.age_hours),
        };
        record_clicks(conn, world, &form, spec.docs)?;
    }
    Ok(())
}

fn record_clicks(
    conn: &mut PgConnection,
    world: &World,
    form: &Form,
    clicks: &[(&str, Verdict)],
) -> Result<(), AppError> {
    for (minutes, &(path, verdict)) in (0..).zip(clicks) {
        let doc = world.doc(path)?;
        doc_feedback::insert(
            conn,
            &NewDocFeedback {
                doc_id: Some(doc.id),
                doc_url: &doc.url,
                doc_type: doc.doc_type,
                marked_helpful: matches!(verdict, Verdict::Helpful),
                dismissed: matches!(verdict, Verdict::Dismissed),
                issue_id: form.issue_id,
                user_id: Some(form.user.id),
                customer_id: form.user.customer_id,
                primary_plane_id: Some(form.primary_plane_id),
                form_session_id: Some(form.form_session_id),
                issue_context: Some(&form.snapshot),
                created_at: Some(form.first_click_at + Duration::minutes(2 * minutes)),
            },
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// History

/// Dates the seeded customers, users, environments and docs before the
/// first ticket, and gives comments an `updated_at` equal to their creation
/// (they were never edited). Explicit `updated_at` values survive the
/// triggers.
fn backdate_setup(
    conn: &mut PgConnection,
    world: &World,
    customers: &HashMap<&'static str, Customer>,
    issues: &[Issue],
    since: DateTime<Utc>,
) -> QueryResult<()> {
    use schema::{comments as c, customers as cu, docs as d, environments as e, users as u};

    let customer_ids: Vec<Uuid> = customers.values().map(|x| x.id).collect();
    let user_ids: Vec<Uuid> = world.users.values().map(|x| x.id).collect();
    let environment_ids: Vec<Uuid> = world.environments.values().map(|x| x.id).collect();
    let doc_ids: Vec<Uuid> = world.docs.values().map(|x| x.id).collect();
    let issue_ids: Vec<Uuid> = issues.iter().map(|x| x.id).collect();

    diesel::update(cu::table.filter(cu::id.eq_any(&customer_ids)))
        .set((cu::created_at.eq(since), cu::updated_at.eq(since)))
        .execute(conn)?;
    diesel::update(u::table.filter(u::id.eq_any(&user_ids)))
        .set((u::created_at.eq(since), u::updated_at.eq(since)))
        .execute(conn)?;
    diesel::update(e::table.filter(e::id.eq_any(&environment_ids)))
        .set((e::created_at.eq(since), e::updated_at.eq(since)))
        .execute(conn)?;
    diesel::update(d::table.filter(d::id.eq_any(&doc_ids)))
        .set((d::created_at.eq(since), d::updated_at.eq(since)))
        .execute(conn)?;
    diesel::update(c::table.filter(c::issue_id.eq_any(&issue_ids)))
        .set(c::updated_at.eq(c::created_at))
        .execute(conn)?;
    Ok(())
}

fn lookup<'m, V>(map: &'m HashMap<&'static str, V>, key: &str) -> Result<&'m V, AppError> {
    map.get(key)
        .ok_or_else(|| AppError::Internal(format!("seed: demo data names unknown {key}")))
}
