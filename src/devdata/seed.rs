//! Demo data: two customers with their users and environments, staff, the
//! context fields of the four built-in planes, a documentation catalog, and
//! tickets with comments, activity, resolutions and doc feedback spread over
//! the past weeks. Written through the model functions in one transaction;
//! a database that already has the demo admin is left alone.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::auth::password::hash_password;
use crate::db::models::comments::{self, NewComment};
use crate::db::models::customers::{self, Customer, NewCustomer};
use crate::db::models::doc_feedback::{self, NewDocFeedback};
use crate::db::models::docs::{self, Doc, NewDoc};
use crate::db::models::enums::{
    DocType, EnvType, FieldType, IssueCategory, IssuePriority, IssueStatus, UserRole,
};
use crate::db::models::environments::{self, Environment, NewEnvironment};
use crate::db::models::issue_activities::{self, NewIssueActivity, actions};
use crate::db::models::issues::{
    self, Issue, IssueChangeset, NewIssue, NewIssuePlane, NewIssuePlaneContext,
};
use crate::db::models::planes::{
    self, NewPlaneContext, NewPlaneContextOption, Plane, PlaneContext,
};
use crate::db::models::resolutions::{self, NewResolution};
use crate::db::models::users::{self, NewUser, User};
use crate::db::schema;
use crate::error::AppError;

/// The password of every demo user. It exists only in demo data.
pub const DEMO_PASSWORD: &str = "supportdesk-demo";
const ADMIN_EMAIL: &str = "admin@example.com";
const DOCS_BASE: &str = "https://docs.platform.example";
/// Serialises concurrent seeders (several instances starting on one database).
const SEED_LOCK_KEY: i64 = 0x5eed_de5c;

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

/// Creates the demo data in one transaction; does nothing when
/// admin@example.com already exists.
pub fn seed_demo(conn: &mut PgConnection) -> Result<SeedSummary, AppError> {
    conn.transaction(|conn| {
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({SEED_LOCK_KEY})"))
            .execute(conn)?;
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

const CUSTOMERS: &[(&str, &str, &str)] = &[
    // (name, e-mail domain, environment name prefix)
    ("Acme Payments", "acme.example", "acme"),
    ("Globex Logistics", "globex.example", "globex"),
];

struct UserSpec {
    email: &'static str,
    name: &'static str,
    role: UserRole,
    customer: Option<&'static str>,
    handle: &'static str,
}

const USERS: &[UserSpec] = &[
    UserSpec {
        email: ADMIN_EMAIL,
        name: "Ada Admin",
        role: UserRole::Admin,
        customer: None,
        handle: "@ada.admin",
    },
    UserSpec {
        email: "agent1@example.com",
        name: "Alex Agent",
        role: UserRole::Agent,
        customer: None,
        handle: "@alex.agent",
    },
    UserSpec {
        email: "agent2@example.com",
        name: "Sam Support",
        role: UserRole::Agent,
        customer: None,
        handle: "@sam.support",
    },
    UserSpec {
        email: "customer1@example.com",
        name: "Casey Chen",
        role: UserRole::Customer,
        customer: Some("Acme Payments"),
        handle: "@casey.chen",
    },
    UserSpec {
        email: "customer2@example.com",
        name: "Priya Patel",
        role: UserRole::Customer,
        customer: Some("Acme Payments"),
        handle: "@priya.patel",
    },
    UserSpec {
        email: "customer3@example.com",
        name: "Jordan Lee",
        role: UserRole::Customer,
        customer: Some("Globex Logistics"),
        handle: "@jordan.lee",
    },
];

const ENVIRONMENTS: &[(&str, EnvType)] = &[
    ("dev-01", EnvType::Dev),
    ("qa-01", EnvType::Qa),
    ("staging-01", EnvType::Staging),
    ("prod-01", EnvType::Production),
];

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

struct ContextSpec {
    key: &'static str,
    label: &'static str,
    field_type: FieldType,
    required: bool,
    help: Option<&'static str>,
    /// (value, label)
    options: &'static [(&'static str, &'static str)],
}

const PLANE_CONTEXTS: &[(&str, &[ContextSpec])] = &[
    (
        "app-cicd",
        &[
            ContextSpec {
                key: "pipeline_stage",
                label: "Pipeline stage",
                field_type: FieldType::SingleSelect,
                required: true,
                help: Some("The stage that failed or behaves unexpectedly."),
                options: &[
                    ("build", "Build"),
                    ("test", "Test"),
                    ("security-scan", "Security scan"),
                    ("deploy", "Deploy"),
                    ("promote", "Promote"),
                ],
            },
            ContextSpec {
                key: "runner_type",
                label: "Runner type",
                field_type: FieldType::SingleSelect,
                required: false,
                help: Some("Shown at the top of the job log."),
                options: &[
                    ("shared-linux", "Shared Linux"),
                    ("shared-windows", "Shared Windows"),
                    ("self-hosted", "Self-hosted"),
                    ("gpu", "GPU"),
                ],
            },
            ContextSpec {
                key: "languages",
                label: "Languages",
                field_type: FieldType::MultiSelect,
                required: false,
                help: None,
                options: &[
                    ("java", "Java"),
                    ("node", "Node.js"),
                    ("python", "Python"),
                    ("go", "Go"),
                    ("dotnet", ".NET"),
                ],
            },
            ContextSpec {
                key: "pipeline_name",
                label: "Pipeline name",
                field_type: FieldType::Text,
                required: false,
                help: Some("Project and branch, e.g. payments-api/main."),
                options: &[],
            },
        ],
    ),
    (
        "eks",
        &[
            ContextSpec {
                key: "cluster_version",
                label: "Kubernetes version",
                field_type: FieldType::SingleSelect,
                required: true,
                help: Some("kubectl version shows it as Server Version."),
                options: &[
                    ("1.29", "1.29"),
                    ("1.30", "1.30"),
                    ("1.31", "1.31"),
                    ("1.32", "1.32"),
                ],
            },
            ContextSpec {
                key: "node_group",
                label: "Node group",
                field_type: FieldType::SingleSelect,
                required: false,
                help: None,
                options: &[
                    ("general-purpose", "General purpose"),
                    ("memory-optimized", "Memory optimized"),
                    ("gpu", "GPU"),
                    ("spot", "Spot"),
                ],
            },
            ContextSpec {
                key: "addons",
                label: "Add-ons involved",
                field_type: FieldType::MultiSelect,
                required: false,
                help: None,
                options: &[
                    (
                        "aws-load-balancer-controller",
                        "AWS Load Balancer Controller",
                    ),
                    ("cluster-autoscaler", "Cluster Autoscaler"),
                    ("karpenter", "Karpenter"),
                    ("external-dns", "ExternalDNS"),
                    ("cert-manager", "cert-manager"),
                    ("ebs-csi", "EBS CSI driver"),
                ],
            },
            ContextSpec {
                key: "namespace",
                label: "Namespace",
                field_type: FieldType::Text,
                required: false,
                help: Some("The Kubernetes namespace of the affected workload."),
                options: &[],
            },
        ],
    ),
    (
        "observability",
        &[
            ContextSpec {
                key: "signal_type",
                label: "Signal type",
                field_type: FieldType::SingleSelect,
                required: true,
                help: None,
                options: &[
                    ("logs", "Logs"),
                    ("metrics", "Metrics"),
                    ("traces", "Traces"),
                    ("alerts", "Alerts"),
                ],
            },
            ContextSpec {
                key: "tool",
                label: "Tool",
                field_type: FieldType::SingleSelect,
                required: false,
                help: None,
                options: &[
                    ("prometheus", "Prometheus"),
                    ("grafana", "Grafana"),
                    ("loki", "Loki"),
                    ("tempo", "Tempo"),
                    ("opentelemetry-collector", "OpenTelemetry Collector"),
                    ("alertmanager", "Alertmanager"),
                ],
            },
            ContextSpec {
                key: "dashboard_name",
                label: "Dashboard name",
                field_type: FieldType::Text,
                required: false,
                help: Some("The Grafana dashboard where you see the problem, if any."),
                options: &[],
            },
        ],
    ),
    (
        "infra-cicd",
        &[
            ContextSpec {
                key: "iac_tool",
                label: "IaC tool",
                field_type: FieldType::SingleSelect,
                required: true,
                help: None,
                options: &[
                    ("terraform", "Terraform"),
                    ("opentofu", "OpenTofu"),
                    ("pulumi", "Pulumi"),
                    ("cloudformation", "CloudFormation"),
                ],
            },
            ContextSpec {
                key: "cloud",
                label: "Cloud provider",
                field_type: FieldType::SingleSelect,
                required: false,
                help: None,
                options: &[("aws", "AWS"), ("azure", "Azure"), ("gcp", "Google Cloud")],
            },
            ContextSpec {
                key: "terraform_workspace",
                label: "Workspace or stack",
                field_type: FieldType::Text,
                required: false,
                help: Some("The workspace (Terraform/OpenTofu) or stack (Pulumi) name."),
                options: &[],
            },
            ContextSpec {
                key: "affected_resources",
                label: "Affected resources",
                field_type: FieldType::MultiSelect,
                required: false,
                help: None,
                options: &[
                    ("vpc", "VPC"),
                    ("iam", "IAM"),
                    ("rds", "RDS"),
                    ("s3", "S3"),
                    ("route53", "Route 53"),
                    ("eks-cluster", "EKS cluster"),
                ],
            },
        ],
    ),
];

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

    /// The form snapshot stored with doc feedback: multi-selects as arrays.
    fn snapshot(&self, env_type: EnvType, planes: &[&str], values: &[Ctx], title: &str) -> Value {
        let mut contexts = serde_json::Map::new();
        for &(slug, key, value) in values {
            let Some(context) = self.context_for(slug, key, value) else {
                continue;
            };
            let name = format!("{slug}.{key}");
            if context.field_type == FieldType::MultiSelect {
                let entry = contexts
                    .entry(name)
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(chosen) = entry {
                    chosen.push(Value::from(value));
                }
            } else {
                contexts.insert(name, Value::from(value));
            }
        }
        json!({
            "environment_type": env_type.as_str(),
            "planes": planes,
            "contexts": contexts,
            "title": title,
        })
    }
}

/// A context value: (plane slug, context key, value).
type Ctx = (&'static str, &'static str, &'static str);

// ---------------------------------------------------------------------------
// Documentation catalog

struct DocSpec {
    path: &'static str,
    title: &'static str,
    doc_type: DocType,
    summary: &'static str,
    planes: &'static [&'static str],
    tags: &'static [Ctx],
    active: bool,
}

const ALL_PLANES: &[&str] = &["app-cicd", "eks", "observability", "infra-cicd"];

const DOCS: &[DocSpec] = &[
    // App CI/CD
    DocSpec {
        path: "/app-cicd/tutorials/first-pipeline",
        doc_type: DocType::Tutorial,
        title: "Build, test and deploy your first service with the platform pipeline",
        summary: "Start from the service template, add the platform pipeline file and follow one change from commit through build, tests and security scan to a deployment in dev.",
        planes: &["app-cicd"],
        tags: &[],
        active: true,
    },
    DocSpec {
        path: "/app-cicd/how-to/fix-security-scan-failures",
        doc_type: DocType::HowTo,
        title: "Fix security-scan failures caused by vulnerable dependencies",
        summary: "Find which dependency pulls in a flagged library, override its version in Maven, npm, pip or Go modules, and when to request a time-boxed suppression instead.",
        planes: &["app-cicd"],
        tags: &[
            ("app-cicd", "pipeline_stage", "security-scan"),
            ("app-cicd", "languages", "java"),
        ],
        active: true,
    },
    DocSpec {
        path: "/app-cicd/how-to/flaky-tests",
        doc_type: DocType::HowTo,
        title: "Deal with flaky tests: retries, quarantine and test splitting",
        summary: "Spot tests that fail at random, retry them without hiding real failures, quarantine the worst offenders and split slow suites across parallel jobs.",
        planes: &["app-cicd"],
        tags: &[("app-cicd", "pipeline_stage", "test")],
        active: true,
    },
    DocSpec {
        path: "/app-cicd/how-to/dependency-caching",
        doc_type: DocType::HowTo,
        title: "Speed up builds with dependency caching on shared runners",
        summary: "Cache npm, Maven, pip and NuGet downloads between jobs on shared Linux and Windows runners, choose cache keys, and check that the cache is actually used.",
        planes: &["app-cicd"],
        tags: &[
            ("app-cicd", "pipeline_stage", "build"),
            ("app-cicd", "runner_type", "shared-linux"),
            ("app-cicd", "runner_type", "shared-windows"),
        ],
        active: true,
    },
    DocSpec {
        path: "/app-cicd/reference/pipeline-yaml",
        doc_type: DocType::Reference,
        title: "Pipeline configuration reference (platform-ci.yml)",
        summary: "Every key of the pipeline file: stages, runners, caches, environments, promotion rules and approvers, with defaults and examples.",
        planes: &["app-cicd"],
        tags: &[],
        active: true,
    },
    DocSpec {
        path: "/app-cicd/reference/runner-types",
        doc_type: DocType::Reference,
        title: "Runner types, sizes and billing",
        summary: "Shared Linux and Windows runners, self-hosted runners and GPU runners: what they run on, their limits, which plan includes them and how runner minutes are billed.",
        planes: &["app-cicd"],
        tags: &[
            ("app-cicd", "runner_type", "gpu"),
            ("app-cicd", "runner_type", "self-hosted"),
        ],
        active: true,
    },
    DocSpec {
        path: "/app-cicd/explanation/promotions",
        doc_type: DocType::Explanation,
        title: "How promotions and approval gates work between environments",
        summary: "Why a release moves dev → qa → staging → production as the same artifact, who may approve each step, and what happens when no approvers are configured.",
        planes: &["app-cicd"],
        tags: &[("app-cicd", "pipeline_stage", "promote")],
        active: true,
    },
    DocSpec {
        path: "/app-cicd/how-to/legacy-jenkins-agents",
        doc_type: DocType::HowTo,
        title: "Connect legacy Jenkins agents to the platform",
        summary: "Retired: Jenkins agents are no longer supported; use self-hosted runners instead.",
        planes: &["app-cicd"],
        tags: &[],
        active: false,
    },
    // EKS
    DocSpec {
        path: "/eks/tutorials/first-workload",
        doc_type: DocType::Tutorial,
        title: "Deploy your first workload to EKS with Helm",
        summary: "Package a small service as a Helm chart, deploy it to your team namespace, expose it through an Ingress and watch it scale.",
        planes: &["eks"],
        tags: &[],
        active: true,
    },
    DocSpec {
        path: "/eks/how-to/upgrade-cluster-version",
        doc_type: DocType::HowTo,
        title: "Upgrade your cluster to a new Kubernetes version",
        summary: "Check deprecated APIs, upgrade the control plane, add-ons and node groups in the right order, and roll back a node group if workloads misbehave.",
        planes: &["eks"],
        tags: &[
            ("eks", "cluster_version", "1.31"),
            ("eks", "cluster_version", "1.32"),
        ],
        active: true,
    },
    DocSpec {
        path: "/eks/how-to/pending-pods",
        doc_type: DocType::HowTo,
        title: "Troubleshoot pods stuck in Pending",
        summary: "Read scheduling events, check node group capacity, taints and NodePool limits, and find out why Karpenter or the Cluster Autoscaler does not add nodes.",
        planes: &["eks"],
        tags: &[
            ("eks", "addons", "karpenter"),
            ("eks", "addons", "cluster-autoscaler"),
            ("eks", "node_group", "spot"),
        ],
        active: true,
    },
    DocSpec {
        path: "/eks/reference/versions-and-addons",
        doc_type: DocType::Reference,
        title: "Supported Kubernetes versions and add-on compatibility matrix",
        summary: "Which Kubernetes versions the platform runs, their end-of-support dates, and the add-on versions certified for each.",
        planes: &["eks"],
        tags: &[("eks", "cluster_version", "1.29")],
        active: true,
    },
    DocSpec {
        path: "/eks/explanation/ingress-and-dns",
        doc_type: DocType::Explanation,
        title: "How traffic reaches your pods: load balancers, Ingress and ExternalDNS",
        summary: "How the AWS Load Balancer Controller turns an Ingress into an ALB and target groups, how health checks decide which pods get traffic, and how ExternalDNS publishes the name.",
        planes: &["eks"],
        tags: &[
            ("eks", "addons", "aws-load-balancer-controller"),
            ("eks", "addons", "external-dns"),
        ],
        active: true,
    },
    // Observability
    DocSpec {
        path: "/observability/tutorials/opentelemetry",
        doc_type: DocType::Tutorial,
        title: "Instrument a service with OpenTelemetry and see its first traces",
        summary: "Add the OpenTelemetry SDK to a service, send spans to the platform collector and follow a request across services in Tempo.",
        planes: &["observability"],
        tags: &[
            ("observability", "tool", "opentelemetry-collector"),
            ("observability", "signal_type", "traces"),
        ],
        active: true,
    },
    DocSpec {
        path: "/observability/how-to/alert-rules",
        doc_type: DocType::HowTo,
        title: "Write alert rules that page the right team",
        summary: "Write Prometheus alert rules with useful labels, route them to your team's receiver in Alertmanager, and test the route before it pages anyone.",
        planes: &["observability"],
        tags: &[
            ("observability", "signal_type", "alerts"),
            ("observability", "tool", "alertmanager"),
        ],
        active: true,
    },
    DocSpec {
        path: "/observability/how-to/missing-logs",
        doc_type: DocType::HowTo,
        title: "Find out why logs are missing in Loki",
        summary: "Check that the log collector runs on the node, that labels match your query, and whether lines were dropped for rate limits or size.",
        planes: &["observability", "eks"],
        tags: &[
            ("observability", "signal_type", "logs"),
            ("observability", "tool", "loki"),
        ],
        active: true,
    },
    DocSpec {
        path: "/observability/how-to/dashboards-as-code",
        doc_type: DocType::HowTo,
        title: "Create team dashboards in Grafana as code",
        summary: "Add a dashboard to the grafana-dashboards repository, preview it from a merge request and give your team its own folder.",
        planes: &["observability"],
        tags: &[("observability", "tool", "grafana")],
        active: true,
    },
    DocSpec {
        path: "/observability/reference/query-cheatsheet",
        doc_type: DocType::Reference,
        title: "PromQL and LogQL cheat sheet",
        summary: "The queries platform dashboards use most: rates, error ratios, latency percentiles, log filters and metric queries over logs.",
        planes: &["observability"],
        tags: &[
            ("observability", "tool", "prometheus"),
            ("observability", "tool", "loki"),
        ],
        active: true,
    },
    DocSpec {
        path: "/observability/reference/retention",
        doc_type: DocType::Reference,
        title: "Retention periods and limits for logs, metrics and traces",
        summary: "How long each signal is kept per plan, ingestion and query limits, and how to request longer retention.",
        planes: &["observability"],
        tags: &[
            ("observability", "tool", "tempo"),
            ("observability", "signal_type", "traces"),
        ],
        active: true,
    },
    DocSpec {
        path: "/observability/explanation/signals",
        doc_type: DocType::Explanation,
        title: "Logs, metrics and traces: which signal answers which question",
        summary: "When a metric tells you more than a thousand log lines, what traces add, and how the three link together in Grafana.",
        planes: &["observability"],
        tags: &[],
        active: true,
    },
    // Infrastructure CI/CD
    DocSpec {
        path: "/infra-cicd/tutorials/terraform-modules",
        doc_type: DocType::Tutorial,
        title: "Provision your service's infrastructure with the platform Terraform modules",
        summary: "Create a workspace, add a database and a bucket with the platform modules, review the plan in a merge request and apply it through the pipeline.",
        planes: &["infra-cicd"],
        tags: &[("infra-cicd", "iac_tool", "terraform")],
        active: true,
    },
    DocSpec {
        path: "/infra-cicd/how-to/state-lock",
        doc_type: DocType::HowTo,
        title: "Recover from a stuck Terraform state lock",
        summary: "Find out who holds the lock, make sure no apply is still running, and release it safely (or ask the platform team when you may not force-unlock).",
        planes: &["infra-cicd"],
        tags: &[
            ("infra-cicd", "iac_tool", "terraform"),
            ("infra-cicd", "iac_tool", "opentofu"),
        ],
        active: true,
    },
    DocSpec {
        path: "/infra-cicd/how-to/migrate-to-opentofu",
        doc_type: DocType::HowTo,
        title: "Migrate a workspace from Terraform to OpenTofu",
        summary: "Switch the pipeline image, regenerate the provider lock file for every platform, and verify that the first plan shows no changes.",
        planes: &["infra-cicd"],
        tags: &[("infra-cicd", "iac_tool", "opentofu")],
        active: true,
    },
    DocSpec {
        path: "/infra-cicd/reference/pipeline-variables",
        doc_type: DocType::Reference,
        title: "Infrastructure pipeline variables, approvals and environments",
        summary: "Variables the infrastructure pipeline reads, which environments need an approved plan, and the roles the pipeline assumes in each cloud account.",
        planes: &["infra-cicd"],
        tags: &[("infra-cicd", "cloud", "aws")],
        active: true,
    },
    DocSpec {
        path: "/infra-cicd/explanation/plan-review-and-drift",
        doc_type: DocType::Explanation,
        title: "Why infrastructure changes go through plan review and drift detection",
        summary: "What a reviewed plan protects against, why manual console changes are reverted, and how nightly drift detection reports them.",
        planes: &["infra-cicd"],
        tags: &[],
        active: true,
    },
    // Every plane
    DocSpec {
        path: "/support/explanation/good-support-request",
        doc_type: DocType::Explanation,
        title: "What to include in a support request, and why it speeds up the answer",
        summary: "The environment, the plane-specific fields, a pipeline or job link and what you already tried: why each one saves a round trip.",
        planes: ALL_PLANES,
        tags: &[],
        active: true,
    },
    DocSpec {
        path: "/support/reference/priorities-and-response-times",
        doc_type: DocType::Reference,
        title: "Priorities, response times and support hours",
        summary: "What counts as high, medium and low priority, the first-response and resolution targets for each, and when the platform team is on call.",
        planes: ALL_PLANES,
        tags: &[],
        active: true,
    },
];

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

struct CommentSpec {
    author: &'static str,
    after_minutes: i64,
    internal: bool,
    body: &'static str,
}

struct ResolutionSpec {
    by: &'static str,
    after_minutes: i64,
    notes: &'static str,
}

struct IssueSpec {
    creator: &'static str,
    environment: &'static str,
    primary: &'static str,
    secondary: &'static [&'static str],
    title: &'static str,
    description: &'static str,
    pipeline_url: Option<&'static str>,
    status: IssueStatus,
    priority: IssuePriority,
    /// The priority it was filed with, when an agent changed it later.
    filed_priority: Option<IssuePriority>,
    category: IssueCategory,
    assignee: Option<&'static str>,
    age_hours: i64,
    contexts: &'static [Ctx],
    comments: &'static [CommentSpec],
    resolution: Option<ResolutionSpec>,
    /// (closed by, minutes after filing)
    closed: Option<(&'static str, i64)>,
}

const CASEY: &str = "customer1@example.com";
const PRIYA: &str = "customer2@example.com";
const JORDAN: &str = "customer3@example.com";
const ALEX: &str = "agent1@example.com";
const SAM: &str = "agent2@example.com";

const ISSUES: &[IssueSpec] = &[
    IssueSpec {
        creator: CASEY,
        environment: "acme-prod-01",
        primary: "eks",
        secondary: &["observability"],
        title: "Pods stuck in Pending after spot node group scale-down",
        description: "Since this morning about a third of the payments-api pods in acme-prod-01 stay in Pending after the spot node group scaled down overnight. The KubePodNotReady alert has been firing for 40 minutes. Karpenter logs show \"incompatible with nodepool spot\". We have not changed the deployment since last week.",
        pipeline_url: None,
        status: IssueStatus::InProgress,
        priority: IssuePriority::High,
        filed_priority: Some(IssuePriority::Medium),
        category: IssueCategory::TechnicalIssue,
        assignee: Some(ALEX),
        age_hours: 70,
        contexts: &[
            ("eks", "cluster_version", "1.31"),
            ("eks", "node_group", "spot"),
            ("eks", "addons", "karpenter"),
            ("eks", "addons", "cluster-autoscaler"),
            ("eks", "namespace", "payments-api"),
            ("observability", "signal_type", "alerts"),
            ("observability", "tool", "alertmanager"),
        ],
        comments: &[
            CommentSpec {
                author: ALEX,
                after_minutes: 45,
                internal: false,
                body: "Thanks Casey, I'm on it. Could you paste the Events section of `kubectl describe pod` for one of the Pending pods?",
            },
            CommentSpec {
                author: CASEY,
                after_minutes: 80,
                internal: false,
                body: "Events: 0/14 nodes are available: 6 Insufficient cpu, 8 node(s) had untolerated taint {spot: true}. Scaling the deployment down to 8 replicas got us out of the worst of it.",
            },
            CommentSpec {
                author: ALEX,
                after_minutes: 120,
                internal: true,
                body: "The spot NodePool hit its 400 vCPU limit, so Karpenter cannot launch more nodes. Raising the limit needs Sam's sign-off on cost; on-demand fallback enabled meanwhile.",
            },
            CommentSpec {
                author: ALEX,
                after_minutes: 150,
                internal: false,
                body: "The spot capacity for your cluster reached its CPU limit. We enabled on-demand fallback, so the pods are scheduling again, and we are raising the limit permanently. I'll update you here.",
            },
        ],
        resolution: None,
        closed: None,
    },
    IssueSpec {
        creator: PRIYA,
        environment: "acme-staging-01",
        primary: "app-cicd",
        secondary: &[],
        title: "Security scan stage fails on transitive log4j-core 2.14 dependency",
        description: "The security-scan stage of ledger-service started failing on Monday with CVE-2021-44228 (critical) in log4j-core 2.14.1. We do not depend on log4j directly; it comes in through an old reporting library. We need to ship a fix to staging by Thursday.",
        pipeline_url: Some("https://ci.platform.example/acme/ledger-service/-/pipelines/48213"),
        status: IssueStatus::Resolved,
        priority: IssuePriority::Medium,
        filed_priority: None,
        category: IssueCategory::TechnicalIssue,
        assignee: Some(SAM),
        age_hours: 12 * 24,
        contexts: &[
            ("app-cicd", "pipeline_stage", "security-scan"),
            ("app-cicd", "runner_type", "shared-linux"),
            ("app-cicd", "languages", "java"),
            ("app-cicd", "pipeline_name", "ledger-service/main"),
        ],
        comments: &[
            CommentSpec {
                author: SAM,
                after_minutes: 120,
                internal: false,
                body: "The scanner is right: log4j-core 2.14.1 comes in through reporting-lib 3.2. You can override the version with dependencyManagement; the linked how-to shows it. Shall I open a merge request?",
            },
            CommentSpec {
                author: PRIYA,
                after_minutes: 240,
                internal: false,
                body: "Yes please, that would be great.",
            },
            CommentSpec {
                author: SAM,
                after_minutes: 1200,
                internal: false,
                body: "Merge request !512 pins log4j-core to 2.24.3. The security-scan stage is green on the branch pipeline.",
            },
        ],
        resolution: Some(ResolutionSpec {
            by: SAM,
            after_minutes: 1320,
            notes: "Pinned log4j-core to 2.24.3 through Maven dependencyManagement (merge request !512) and added the reporting-lib upgrade to the team's backlog. The security-scan stage passes; no suppression was needed.",
        }),
        closed: None,
    },
    IssueSpec {
        creator: CASEY,
        environment: "acme-dev-01",
        primary: "app-cicd",
        secondary: &[],
        title: "Shared Windows runners queue for 20+ minutes before picking up jobs",
        description: "Jobs on the shared Windows runners wait 20 to 30 minutes in the queue before they start, for the billing-portal feature branches. Linux jobs start within a minute. This slows down every merge request.",
        pipeline_url: Some("https://ci.platform.example/acme/billing-portal/-/pipelines/49102"),
        status: IssueStatus::Open,
        priority: IssuePriority::Low,
        filed_priority: None,
        category: IssueCategory::TechnicalIssue,
        assignee: None,
        age_hours: 26,
        contexts: &[
            ("app-cicd", "pipeline_stage", "build"),
            ("app-cicd", "runner_type", "shared-windows"),
            ("app-cicd", "languages", "dotnet"),
            (
                "app-cicd",
                "pipeline_name",
                "billing-portal/feature-branches",
            ),
        ],
        comments: &[CommentSpec {
            author: CASEY,
            after_minutes: 300,
            internal: false,
            body: "Still happening today: the median wait was 23 minutes across 15 jobs this morning.",
        }],
        resolution: None,
        closed: None,
    },
    IssueSpec {
        creator: PRIYA,
        environment: "acme-prod-01",
        primary: "observability",
        secondary: &["eks"],
        title: "Loki shows no logs from the payments namespace since Tuesday",
        description: "The Payments / API overview dashboard shows no log lines from the payments namespace since Tuesday around 14:00. Metrics still arrive. We need these logs for an ongoing incident review.",
        pipeline_url: None,
        status: IssueStatus::Closed,
        priority: IssuePriority::High,
        filed_priority: None,
        category: IssueCategory::TechnicalIssue,
        assignee: Some(ALEX),
        age_hours: 20 * 24,
        contexts: &[
            ("observability", "signal_type", "logs"),
            ("observability", "tool", "loki"),
            ("observability", "dashboard_name", "Payments / API overview"),
            ("eks", "cluster_version", "1.30"),
            ("eks", "namespace", "payments"),
        ],
        comments: &[
            CommentSpec {
                author: ALEX,
                after_minutes: 60,
                internal: false,
                body: "Confirmed: no log lines from pods on the new memory-optimized nodes. Looking at the log collector now.",
            },
            CommentSpec {
                author: ALEX,
                after_minutes: 180,
                internal: true,
                body: "The Fluent Bit DaemonSet has no toleration for the dedicated=memory taint of the new node group, so no collector runs there. Affects every tenant, not just Acme; opening a platform ticket.",
            },
            CommentSpec {
                author: ALEX,
                after_minutes: 360,
                internal: false,
                body: "Fixed: the log collector now runs on the new nodes and we backfilled the missing logs from the archive. Could you check your dashboard?",
            },
            CommentSpec {
                author: PRIYA,
                after_minutes: 540,
                internal: false,
                body: "Logs are back, including Tuesday's. Thanks!",
            },
        ],
        resolution: Some(ResolutionSpec {
            by: ALEX,
            after_minutes: 420,
            notes: "The Fluent Bit DaemonSet had no toleration for the taint of the new memory-optimized node group, so pods there had no log collector. Added the toleration platform-wide and backfilled two days of logs from the S3 archive.",
        }),
        closed: Some((PRIYA, 600)),
    },
    IssueSpec {
        creator: CASEY,
        environment: "acme-qa-01",
        primary: "infra-cicd",
        secondary: &[],
        title: "Terraform apply blocked by a state lock in the QA workspace",
        description: "Every infrastructure pipeline for acme-qa fails at plan with \"Error acquiring the state lock: ConditionalCheckFailedException\". The lock belongs to a pipeline run that was cancelled yesterday afternoon. We followed the state-lock how-to but may not run force-unlock ourselves.",
        pipeline_url: Some("https://ci.platform.example/acme/infra-live/-/pipelines/47788"),
        status: IssueStatus::Resolved,
        priority: IssuePriority::Medium,
        filed_priority: None,
        category: IssueCategory::TechnicalIssue,
        assignee: Some(ALEX),
        age_hours: 8 * 24,
        contexts: &[
            ("infra-cicd", "iac_tool", "terraform"),
            ("infra-cicd", "cloud", "aws"),
            ("infra-cicd", "terraform_workspace", "acme-qa"),
            ("infra-cicd", "affected_resources", "rds"),
            ("infra-cicd", "affected_resources", "iam"),
        ],
        comments: &[
            CommentSpec {
                author: ALEX,
                after_minutes: 120,
                internal: false,
                body: "The lock is from run 47702, which was cancelled during apply. I checked that nothing still runs against the state and released the lock. Could you retry?",
            },
            CommentSpec {
                author: CASEY,
                after_minutes: 180,
                internal: false,
                body: "Plan and apply went through, thanks.",
            },
            CommentSpec {
                author: ALEX,
                after_minutes: 230,
                internal: true,
                body: "Cancelled runs leave the DynamoDB lock behind. Added -lock-timeout=5m to the shared pipeline template; cancellation should become graceful too.",
            },
        ],
        resolution: Some(ResolutionSpec {
            by: ALEX,
            after_minutes: 240,
            notes: "Lock left behind by a cancelled pipeline run (47702). Confirmed no apply was running and released it with terraform force-unlock. The shared pipeline template now passes -lock-timeout=5m so short lock contention no longer fails a run.",
        }),
        closed: None,
    },
    IssueSpec {
        creator: PRIYA,
        environment: "acme-prod-01",
        primary: "app-cicd",
        secondary: &[],
        title: "Invoice lists our self-hosted runners twice for October",
        description: "Our October invoice (INV-10-1187) charges \"Dedicated runner capacity\" twice: once for 12 self-hosted runners and again as 12 blocks of runner hours. We only registered 12 self-hosted runners and used no shared minutes in that period. Please correct the invoice.",
        pipeline_url: None,
        status: IssueStatus::InProgress,
        priority: IssuePriority::Medium,
        filed_priority: None,
        category: IssueCategory::Billing,
        assignee: Some(SAM),
        age_hours: 6 * 24,
        contexts: &[
            ("app-cicd", "pipeline_stage", "build"),
            ("app-cicd", "runner_type", "self-hosted"),
        ],
        comments: &[
            CommentSpec {
                author: SAM,
                after_minutes: 180,
                internal: false,
                body: "Thanks Priya. I've asked our billing team to review the invoice lines and will get back to you here.",
            },
            CommentSpec {
                author: SAM,
                after_minutes: 300,
                internal: true,
                body: "Billing confirmed a double entry caused by the runner migration on the 14th. The credit note needs finance approval, expected within 3 business days.",
            },
            CommentSpec {
                author: PRIYA,
                after_minutes: 3000,
                internal: false,
                body: "Any update? Our finance team would like to close the month.",
            },
            CommentSpec {
                author: SAM,
                after_minutes: 3120,
                internal: false,
                body: "The double charge is confirmed and a credit note has been requested; you should receive it within three business days.",
            },
        ],
        resolution: None,
        closed: None,
    },
    IssueSpec {
        creator: CASEY,
        environment: "acme-staging-01",
        primary: "eks",
        secondary: &["infra-cicd"],
        title: "Support Kubernetes 1.32 for staging clusters",
        description: "We would like to test our workloads against Kubernetes 1.32 before it reaches production. The cluster module only accepts versions up to 1.31. Could 1.32 be enabled for staging clusters first?",
        pipeline_url: None,
        status: IssueStatus::Open,
        priority: IssuePriority::Low,
        filed_priority: None,
        category: IssueCategory::FeatureRequest,
        assignee: None,
        age_hours: 50,
        contexts: &[
            ("eks", "cluster_version", "1.31"),
            ("infra-cicd", "iac_tool", "terraform"),
            ("infra-cicd", "affected_resources", "eks-cluster"),
        ],
        comments: &[CommentSpec {
            author: SAM,
            after_minutes: 600,
            internal: true,
            body: "The EKS team plans 1.32 for next quarter. Adding this to the roadmap review; no change to promise yet.",
        }],
        resolution: None,
        closed: None,
    },
    IssueSpec {
        creator: JORDAN,
        environment: "globex-prod-01",
        primary: "eks",
        secondary: &[],
        title: "Ingress returns 503 after AWS Load Balancer Controller upgrade",
        description: "After the platform upgraded the AWS Load Balancer Controller last night, tracking.globex.example returns 503 for about half of the requests. The target group shows half of the targets as unhealthy: \"Health checks failed with these codes: [404]\".",
        pipeline_url: None,
        status: IssueStatus::InProgress,
        priority: IssuePriority::High,
        filed_priority: None,
        category: IssueCategory::TechnicalIssue,
        assignee: Some(ALEX),
        age_hours: 9,
        contexts: &[
            ("eks", "cluster_version", "1.30"),
            ("eks", "node_group", "general-purpose"),
            ("eks", "addons", "aws-load-balancer-controller"),
            ("eks", "addons", "external-dns"),
            ("eks", "namespace", "tracking"),
        ],
        comments: &[
            CommentSpec {
                author: ALEX,
                after_minutes: 60,
                internal: false,
                body: "Looking into it now. Does your Ingress set the alb.ingress.kubernetes.io/healthcheck-path annotation?",
            },
            CommentSpec {
                author: JORDAN,
                after_minutes: 120,
                internal: false,
                body: "It doesn't. Our app serves its health check on /healthz, not on /.",
            },
            CommentSpec {
                author: ALEX,
                after_minutes: 180,
                internal: true,
                body: "The new controller version changed the default health check path for IP targets; other tenants may be affected. Raised it in the EKS channel.",
            },
        ],
        resolution: None,
        closed: None,
    },
    IssueSpec {
        creator: JORDAN,
        environment: "globex-dev-01",
        primary: "observability",
        secondary: &[],
        title: "How do we add a Grafana dashboard for our own team?",
        description: "We would like a dashboard for our fleet-tracking service that only our team edits. Is there a team folder, and should we build dashboards in the UI or somewhere else?",
        pipeline_url: None,
        status: IssueStatus::Closed,
        priority: IssuePriority::Low,
        filed_priority: None,
        category: IssueCategory::GeneralInquiry,
        assignee: Some(SAM),
        age_hours: 25 * 24,
        contexts: &[
            ("observability", "signal_type", "metrics"),
            ("observability", "tool", "grafana"),
            ("observability", "dashboard_name", "Fleet tracking"),
        ],
        comments: &[
            CommentSpec {
                author: SAM,
                after_minutes: 240,
                internal: false,
                body: "Dashboards are managed as code in the grafana-dashboards repository; the linked how-to walks through it. I created a \"Globex Logistics\" folder and gave your team editor rights, so you can try ideas in the UI first.",
            },
            CommentSpec {
                author: JORDAN,
                after_minutes: 360,
                internal: false,
                body: "Found it, our first dashboard is live. Thanks!",
            },
        ],
        resolution: Some(ResolutionSpec {
            by: SAM,
            after_minutes: 250,
            notes: "Explained the dashboards-as-code workflow (grafana-dashboards repository) and created the \"Globex Logistics\" folder with editor rights for the team.",
        }),
        closed: Some((SAM, 420)),
    },
    IssueSpec {
        creator: JORDAN,
        environment: "globex-staging-01",
        primary: "infra-cicd",
        secondary: &[],
        title: "OpenTofu migration: provider lock file checksum mismatch",
        description: "While moving the network stack from Terraform to OpenTofu, tofu init fails in the pipeline with \"the cached package for registry.opentofu.org/hashicorp/aws does not match any of the checksums recorded in the dependency lock file\". It works locally after tofu providers lock.",
        pipeline_url: Some("https://ci.platform.example/globex/network/-/pipelines/20417"),
        status: IssueStatus::Open,
        priority: IssuePriority::Medium,
        filed_priority: None,
        category: IssueCategory::TechnicalIssue,
        assignee: Some(SAM),
        age_hours: 4 * 24,
        contexts: &[
            ("infra-cicd", "iac_tool", "opentofu"),
            ("infra-cicd", "cloud", "aws"),
            (
                "infra-cicd",
                "terraform_workspace",
                "globex-staging-network",
            ),
            ("infra-cicd", "affected_resources", "vpc"),
            ("infra-cicd", "affected_resources", "route53"),
        ],
        comments: &[CommentSpec {
            author: SAM,
            after_minutes: 360,
            internal: false,
            body: "The pipeline image caches providers for linux_amd64 only, so the checksums differ from your lock file. Could you run tofu providers lock -platform=linux_amd64 -platform=darwin_arm64 and commit the result? I'll refresh the runner cache meanwhile.",
        }],
        resolution: None,
        closed: None,
    },
    IssueSpec {
        creator: JORDAN,
        environment: "globex-qa-01",
        primary: "app-cicd",
        secondary: &[],
        title: "Promote stage skips the approval gate from QA to staging",
        description: "route-planner 4.7.0 was promoted from globex-qa-01 to globex-staging-01 without the manual approval our pipeline requires. The promote job says \"approval: skipped (no approvers configured)\". This is a compliance problem for us.",
        pipeline_url: Some("https://ci.platform.example/globex/route-planner/-/pipelines/20133"),
        status: IssueStatus::Resolved,
        priority: IssuePriority::High,
        filed_priority: Some(IssuePriority::Medium),
        category: IssueCategory::TechnicalIssue,
        assignee: Some(ALEX),
        age_hours: 10 * 24,
        contexts: &[
            ("app-cicd", "pipeline_stage", "promote"),
            ("app-cicd", "runner_type", "shared-linux"),
            ("app-cicd", "languages", "go"),
            ("app-cicd", "pipeline_name", "route-planner/release"),
        ],
        comments: &[
            CommentSpec {
                author: ALEX,
                after_minutes: 120,
                internal: false,
                body: "You're right: the approvers list lost your group when the release template moved to v3. I restored it for route-planner and checked your other pipelines.",
            },
            CommentSpec {
                author: ALEX,
                after_minutes: 170,
                internal: true,
                body: "Template v3 reads promote.approvers instead of approvals.groups and the migration skipped projects with custom groups. Four other projects were affected; all fixed.",
            },
            CommentSpec {
                author: JORDAN,
                after_minutes: 1560,
                internal: false,
                body: "Confirmed: the 4.7.1 promotion waited for approval. Thanks for the quick fix.",
            },
        ],
        resolution: Some(ResolutionSpec {
            by: ALEX,
            after_minutes: 300,
            notes: "Release template v3 moved the approvers setting and its migration skipped projects with custom approver groups. Restored the Globex approver group for route-planner and four other affected projects; promotions wait for approval again.",
        }),
        closed: None,
    },
    IssueSpec {
        creator: JORDAN,
        environment: "globex-prod-01",
        primary: "observability",
        secondary: &["eks"],
        title: "Alertmanager sends duplicate pages for the same incident",
        description: "Our on-call gets two or three pages for every firing alert, a few seconds apart, with identical labels. It started after the observability stack moved to the highly available Alertmanager setup.",
        pipeline_url: None,
        status: IssueStatus::Closed,
        priority: IssuePriority::Medium,
        filed_priority: None,
        category: IssueCategory::TechnicalIssue,
        assignee: Some(ALEX),
        age_hours: 30 * 24,
        contexts: &[
            ("observability", "signal_type", "alerts"),
            ("observability", "tool", "alertmanager"),
            ("eks", "cluster_version", "1.29"),
        ],
        comments: &[
            CommentSpec {
                author: ALEX,
                after_minutes: 180,
                internal: true,
                body: "Two causes: Globex's PagerDuty receiver is matched by both the tenant and the global route, and the HA peers cannot gossip because the new NetworkPolicy blocks the cluster port.",
            },
            CommentSpec {
                author: ALEX,
                after_minutes: 300,
                internal: false,
                body: "Found two causes: the Alertmanager replicas could not talk to each other, so each sent its own page, and your receiver was matched twice. Both are fixed; let us know if you still see duplicates.",
            },
            CommentSpec {
                author: JORDAN,
                after_minutes: 4320,
                internal: false,
                body: "No duplicates since the fix. Closing.",
            },
        ],
        resolution: Some(ResolutionSpec {
            by: ALEX,
            after_minutes: 300,
            notes: "Opened the Alertmanager cluster port (9094) in the NetworkPolicy so the replicas deduplicate notifications again, and removed the duplicate Globex PagerDuty route from the global configuration.",
        }),
        closed: Some((JORDAN, 4320)),
    },
    IssueSpec {
        creator: PRIYA,
        environment: "acme-prod-01",
        primary: "observability",
        secondary: &[],
        title: "Request: 30-day trace retention in Tempo",
        description: "Traces are kept for 7 days, which is too short for our monthly reconciliation problems: by the time finance reports one, the traces are gone. Could retention be raised to 30 days for acme-prod, and what would it cost?",
        pipeline_url: None,
        status: IssueStatus::Open,
        priority: IssuePriority::Medium,
        filed_priority: None,
        category: IssueCategory::FeatureRequest,
        assignee: None,
        age_hours: 5,
        contexts: &[
            ("observability", "signal_type", "traces"),
            ("observability", "tool", "tempo"),
        ],
        comments: &[],
        resolution: None,
        closed: None,
    },
    IssueSpec {
        creator: JORDAN,
        environment: "globex-dev-01",
        primary: "app-cicd",
        secondary: &[],
        title: "Which plan includes GPU runners, and how are GPU minutes billed?",
        description: "Our data team wants to train the ETA model in the pipeline. Which plan includes GPU runners, and are GPU minutes billed separately from regular runner minutes?",
        pipeline_url: None,
        status: IssueStatus::InProgress,
        priority: IssuePriority::Low,
        filed_priority: None,
        category: IssueCategory::Billing,
        assignee: Some(SAM),
        age_hours: 30,
        contexts: &[
            ("app-cicd", "pipeline_stage", "build"),
            ("app-cicd", "runner_type", "gpu"),
            ("app-cicd", "languages", "python"),
            ("app-cicd", "pipeline_name", "eta-model/training"),
        ],
        comments: &[
            CommentSpec {
                author: SAM,
                after_minutes: 120,
                internal: false,
                body: "GPU runners come with the Enterprise plan or as an add-on, billed per GPU-minute at the rate in your contract. I've asked your account manager to send the exact numbers.",
            },
            CommentSpec {
                author: SAM,
                after_minutes: 125,
                internal: true,
                body: "Globex is on Business: they need the GPU add-on, not a plan change. Account manager is in copy.",
            },
        ],
        resolution: None,
        closed: None,
    },
];

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

/// One activity row before it is written.
struct Event {
    at: DateTime<Utc>,
    actor_id: Uuid,
    action: &'static str,
    field: Option<&'static str>,
    from: Option<String>,
    to: Option<String>,
    description: String,
}

impl Event {
    fn status(
        at: DateTime<Utc>,
        actor: &User,
        from: IssueStatus,
        to: IssueStatus,
        verb: &str,
    ) -> Self {
        Event {
            at,
            actor_id: actor.id,
            action: actions::STATUS_CHANGED,
            field: Some("status"),
            from: Some(from.as_str().to_owned()),
            to: Some(to.as_str().to_owned()),
            description: format!("{} {verb}", actor.name),
        }
    }
}

/// Files one issue as its creator did, then replays what happened to it.
fn seed_issue(conn: &mut PgConnection, world: &World, spec: &IssueSpec) -> Result<Issue, AppError> {
    let creator = world.user(spec.creator)?;
    let admin = world.user(ADMIN_EMAIL)?;
    let environment = world.environment(spec.environment)?;
    let primary = world.catalog.plane(spec.primary)?;
    let assignee = spec.assignee.map(|email| world.user(email)).transpose()?;
    let handler = assignee.unwrap_or(admin);
    let filed_at = world.now - Duration::hours(spec.age_hours);
    let filed_priority = spec.filed_priority.unwrap_or(spec.priority);

    let issue = issues::insert(
        conn,
        &NewIssue {
            customer_id: environment.customer_id,
            environment_id: environment.id,
            created_by_id: creator.id,
            assignee_id: None,
            submitter_handle: creator.chat_handle.as_deref().unwrap_or(&creator.name),
            primary_plane_id: primary.id,
            title: spec.title,
            description: spec.description,
            pipeline_url: spec.pipeline_url,
            status: IssueStatus::Open,
            priority: filed_priority,
            category: spec.category,
            created_at: Some(filed_at),
            submit_token: None,
        },
    )?;

    let mut plane_rows = vec![NewIssuePlane {
        issue_id: issue.id,
        plane_id: primary.id,
        is_primary: true,
    }];
    for slug in spec.secondary {
        plane_rows.push(NewIssuePlane {
            issue_id: issue.id,
            plane_id: world.catalog.plane(slug)?.id,
            is_primary: false,
        });
    }
    issues::insert_planes(conn, &plane_rows)?;

    let context_rows: Vec<NewIssuePlaneContext> = spec
        .contexts
        .iter()
        .filter(|(slug, _, _)| *slug == spec.primary || spec.secondary.contains(slug))
        .filter_map(|&(slug, key, value)| {
            let context = world.catalog.context_for(slug, key, value)?;
            Some(NewIssuePlaneContext {
                issue_id: issue.id,
                plane_context_id: context.id,
                value,
            })
        })
        .collect();
    issues::insert_contexts(conn, &context_rows)?;

    let mut events = vec![Event {
        at: filed_at,
        actor_id: creator.id,
        action: actions::CREATED,
        field: None,
        from: None,
        to: None,
        description: format!("{} opened the issue", creator.name),
    }];
    if let Some(agent) = assignee {
        events.push(Event {
            at: world.at(filed_at, 20),
            actor_id: admin.id,
            action: actions::ASSIGNED,
            field: Some("assignee"),
            from: None,
            to: Some(agent.name.clone()),
            description: format!("{} assigned the issue to {}", admin.name, agent.name),
        });
    }
    if filed_priority != spec.priority {
        events.push(Event {
            at: world.at(filed_at, 25),
            actor_id: handler.id,
            action: actions::PRIORITY_CHANGED,
            field: Some("priority"),
            from: Some(filed_priority.as_str().to_owned()),
            to: Some(spec.priority.as_str().to_owned()),
            description: format!(
                "{} changed the priority from {} to {}",
                handler.name,
                filed_priority.label(),
                spec.priority.label()
            ),
        });
    }
    if spec.status != IssueStatus::Open {
        events.push(Event::status(
            world.at(filed_at, 30),
            handler,
            IssueStatus::Open,
            IssueStatus::InProgress,
            "started working on the issue",
        ));
    }

    for comment in spec.comments {
        let author = world.user(comment.author)?;
        let at = world.at(filed_at, comment.after_minutes);
        comments::insert(
            conn,
            &NewComment {
                issue_id: issue.id,
                author_id: author.id,
                body: comment.body,
                is_internal: comment.internal,
                created_at: Some(at),
            },
        )?;
        let (action, what) = if comment.internal {
            (actions::INTERNAL_NOTE, "added an internal note")
        } else {
            (actions::COMMENTED, "commented")
        };
        events.push(Event {
            at,
            actor_id: author.id,
            action,
            field: None,
            from: None,
            to: None,
            description: format!("{} {what}", author.name),
        });
    }

    let mut resolved_at = None;
    if let Some(resolution) = &spec.resolution {
        let resolver = world.user(resolution.by)?;
        let at = world.at(filed_at, resolution.after_minutes);
        resolutions::insert(
            conn,
            &NewResolution {
                issue_id: issue.id,
                resolved_by_id: Some(resolver.id),
                resolved_by: &resolver.name,
                resolution_notes: resolution.notes,
                resolved_at: Some(at),
            },
        )?;
        events.push(Event::status(
            at,
            resolver,
            IssueStatus::InProgress,
            IssueStatus::Resolved,
            "resolved the issue",
        ));
        resolved_at = Some(at);
    }

    let mut closed_at = None;
    if let Some((closer, after_minutes)) = spec.closed {
        let closer = world.user(closer)?;
        let at = world.at(filed_at, after_minutes);
        events.push(Event::status(
            at,
            closer,
            IssueStatus::Resolved,
            IssueStatus::Closed,
            "closed the issue",
        ));
        closed_at = Some(at);
    }

    events.sort_by_key(|event| event.at);
    for event in &events {
        issue_activities::insert(
            conn,
            &NewIssueActivity {
                issue_id: issue.id,
                actor_id: Some(event.actor_id),
                action: event.action,
                field: event.field,
                from_value: event.from.as_deref(),
                to_value: event.to.as_deref(),
                description: &event.description,
                created_at: Some(event.at),
            },
        )?;
    }
    let last_change = events.last().map_or(filed_at, |event| event.at);

    issues::update(
        conn,
        issue.id,
        issue.lock_version,
        &IssueChangeset {
            assignee_id: Some(assignee.map(|agent| agent.id)),
            status: Some(spec.status),
            priority: Some(spec.priority),
            resolved_at: Some(resolved_at),
            closed_at: Some(closed_at),
            updated_at: Some(last_change),
            ..IssueChangeset::default()
        },
    )?
    .ok_or_else(|| {
        AppError::Internal(format!(
            "seed: issue {} changed while seeding",
            issue.number
        ))
    })
}

// ---------------------------------------------------------------------------
// Doc feedback

#[derive(Clone, Copy)]
enum Verdict {
    Helpful,
    Dismissed,
}

/// Clicks on the form an issue was then filed from: (issue title, docs).
const ISSUE_FEEDBACK: &[(&str, &[(&str, Verdict)])] = &[
    (
        "Pods stuck in Pending after spot node group scale-down",
        &[
            ("/eks/reference/versions-and-addons", Verdict::Dismissed),
            ("/eks/how-to/pending-pods", Verdict::Helpful),
        ],
    ),
    (
        "Security scan stage fails on transitive log4j-core 2.14 dependency",
        &[("/app-cicd/reference/pipeline-yaml", Verdict::Dismissed)],
    ),
    (
        "Loki shows no logs from the payments namespace since Tuesday",
        &[("/observability/how-to/missing-logs", Verdict::Dismissed)],
    ),
    (
        "Terraform apply blocked by a state lock in the QA workspace",
        &[("/infra-cicd/how-to/state-lock", Verdict::Helpful)],
    ),
    (
        "Ingress returns 503 after AWS Load Balancer Controller upgrade",
        &[("/eks/explanation/ingress-and-dns", Verdict::Dismissed)],
    ),
    (
        "OpenTofu migration: provider lock file checksum mismatch",
        &[("/infra-cicd/how-to/migrate-to-opentofu", Verdict::Dismissed)],
    ),
    (
        "Request: 30-day trace retention in Tempo",
        &[("/observability/reference/retention", Verdict::Dismissed)],
    ),
];

/// A form on which no issue was filed: deflected by a helpful doc, or abandoned.
struct FormSpec {
    user: &'static str,
    environment: &'static str,
    primary: &'static str,
    contexts: &'static [Ctx],
    title: &'static str,
    age_hours: i64,
    docs: &'static [(&'static str, Verdict)],
}

const DEFLECTED_FORMS: &[FormSpec] = &[
    FormSpec {
        user: CASEY,
        environment: "acme-dev-01",
        primary: "app-cicd",
        contexts: &[
            ("app-cicd", "pipeline_stage", "build"),
            ("app-cicd", "runner_type", "shared-linux"),
            ("app-cicd", "languages", "node"),
        ],
        title: "npm install takes 9 minutes on every build",
        age_hours: 200,
        docs: &[("/app-cicd/how-to/dependency-caching", Verdict::Helpful)],
    },
    FormSpec {
        user: PRIYA,
        environment: "acme-prod-01",
        primary: "observability",
        contexts: &[
            ("observability", "signal_type", "alerts"),
            ("observability", "tool", "alertmanager"),
        ],
        title: "Payment failure alert does not reach our on-call",
        age_hours: 330,
        docs: &[("/observability/how-to/alert-rules", Verdict::Helpful)],
    },
    FormSpec {
        user: JORDAN,
        environment: "globex-staging-01",
        primary: "eks",
        contexts: &[("eks", "cluster_version", "1.29")],
        title: "How to upgrade the staging cluster from 1.29",
        age_hours: 400,
        docs: &[
            ("/eks/reference/versions-and-addons", Verdict::Dismissed),
            ("/eks/how-to/upgrade-cluster-version", Verdict::Helpful),
        ],
    },
    FormSpec {
        user: JORDAN,
        environment: "globex-qa-01",
        primary: "infra-cicd",
        contexts: &[
            ("infra-cicd", "iac_tool", "terraform"),
            ("infra-cicd", "cloud", "aws"),
        ],
        title: "terraform plan fails: state locked",
        age_hours: 150,
        docs: &[("/infra-cicd/how-to/state-lock", Verdict::Helpful)],
    },
    FormSpec {
        user: CASEY,
        environment: "acme-qa-01",
        primary: "app-cicd",
        contexts: &[
            ("app-cicd", "pipeline_stage", "test"),
            ("app-cicd", "languages", "java"),
        ],
        title: "Integration tests fail randomly in the QA pipeline",
        age_hours: 100,
        docs: &[
            ("/app-cicd/reference/pipeline-yaml", Verdict::Dismissed),
            ("/app-cicd/how-to/flaky-tests", Verdict::Helpful),
        ],
    },
    FormSpec {
        user: PRIYA,
        environment: "acme-staging-01",
        primary: "observability",
        contexts: &[
            ("observability", "signal_type", "traces"),
            ("observability", "tool", "opentelemetry-collector"),
        ],
        title: "Traces from the ledger service are missing spans",
        age_hours: 60,
        docs: &[
            ("/observability/explanation/signals", Verdict::Dismissed),
            ("/observability/tutorials/opentelemetry", Verdict::Helpful),
        ],
    },
    FormSpec {
        user: JORDAN,
        environment: "globex-prod-01",
        primary: "app-cicd",
        contexts: &[("app-cicd", "pipeline_stage", "promote")],
        title: "Deploy to production waits for approval forever",
        age_hours: 20,
        docs: &[("/app-cicd/explanation/promotions", Verdict::Helpful)],
    },
    FormSpec {
        user: CASEY,
        environment: "acme-prod-01",
        primary: "eks",
        contexts: &[
            ("eks", "cluster_version", "1.31"),
            ("eks", "addons", "external-dns"),
        ],
        title: "ExternalDNS does not create records for a new Ingress",
        age_hours: 12,
        docs: &[("/eks/explanation/ingress-and-dns", Verdict::Dismissed)],
    },
];

/// One form rendering and its clicks.
struct Form<'w> {
    user: &'w User,
    primary_plane_id: Uuid,
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
        let form = Form {
            user: world.user(spec.creator)?,
            primary_plane_id: issue.primary_plane_id,
            snapshot: world.catalog.snapshot(
                environment.env_type,
                &planes,
                spec.contexts,
                spec.title,
            ),
            issue_id: Some(issue.id),
            first_click_at: issue.created_at - Duration::minutes(8),
        };
        record_clicks(conn, world, &form, clicks)?;
    }
    for spec in DEFLECTED_FORMS {
        let environment = world.environment(spec.environment)?;
        let form = Form {
            user: world.user(spec.user)?,
            primary_plane_id: world.catalog.plane(spec.primary)?.id,
            snapshot: world.catalog.snapshot(
                environment.env_type,
                &[spec.primary],
                spec.contexts,
                spec.title,
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
    let form_session_id = Uuid::new_v4();
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
                form_session_id: Some(form_session_id),
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
