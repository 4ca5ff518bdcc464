//! The demo's support desk as data: two customers with their users and
//! environments, the staff, fifteen tickets with their conversation and
//! history, and the doc feedback of the forms they were filed from (and of
//! forms a doc answered). `seed.rs` replays it through the app's own
//! functions.

use crate::db::models::enums::{EnvType, IssueCategory, IssuePriority, IssueStatus, UserRole};

use super::demo_catalog::Ctx;

/// The demo administrator; its presence means the demo data is loaded.
pub(super) const ADMIN_EMAIL: &str = "admin@example.com";

/// (name, e-mail domain, environment name prefix)
pub(super) const CUSTOMERS: &[(&str, &str, &str)] = &[
    ("Acme Payments", "acme.example", "acme"),
    ("Globex Logistics", "globex.example", "globex"),
];

pub(super) struct UserSpec {
    pub(super) email: &'static str,
    pub(super) name: &'static str,
    pub(super) role: UserRole,
    pub(super) customer: Option<&'static str>,
    pub(super) handle: &'static str,
}

pub(super) const USERS: &[UserSpec] = &[
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

/// One environment of each type per customer: (name suffix, type).
pub(super) const ENVIRONMENTS: &[(&str, EnvType)] = &[
    ("dev-01", EnvType::Dev),
    ("qa-01", EnvType::Qa),
    ("staging-01", EnvType::Staging),
    ("prod-01", EnvType::Production),
];

/// A reply or internal note, `after_minutes` after filing.
pub(super) struct CommentSpec {
    pub(super) author: &'static str,
    pub(super) after_minutes: i64,
    pub(super) internal: bool,
    pub(super) body: &'static str,
}

/// Resolving the ticket, `after_minutes` after filing.
pub(super) struct ResolutionSpec {
    pub(super) by: &'static str,
    pub(super) after_minutes: i64,
    pub(super) notes: &'static str,
}

/// One ticket as filed, and what happened to it: assigned by the admin
/// when it has an assignee, started when it is no longer open, its
/// comments, resolution and closing.
pub(super) struct IssueSpec {
    pub(super) creator: &'static str,
    pub(super) environment: &'static str,
    pub(super) primary: &'static str,
    pub(super) secondary: &'static [&'static str],
    pub(super) title: &'static str,
    pub(super) description: &'static str,
    pub(super) pipeline_url: Option<&'static str>,
    pub(super) status: IssueStatus,
    /// Every issue is filed at Medium, as the app files it; a different
    /// priority is set by its handler soon after.
    pub(super) priority: IssuePriority,
    pub(super) category: IssueCategory,
    pub(super) assignee: Option<&'static str>,
    pub(super) age_hours: i64,
    pub(super) contexts: &'static [Ctx],
    pub(super) comments: &'static [CommentSpec],
    pub(super) resolution: Option<ResolutionSpec>,
    /// (closed by, minutes after filing)
    pub(super) closed: Option<(&'static str, i64)>,
}

pub(super) const CASEY: &str = "customer1@example.com";
pub(super) const PRIYA: &str = "customer2@example.com";
pub(super) const JORDAN: &str = "customer3@example.com";
pub(super) const ALEX: &str = "agent1@example.com";
pub(super) const SAM: &str = "agent2@example.com";

pub(super) const ISSUES: &[IssueSpec] = &[
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

#[derive(Clone, Copy)]
pub(super) enum Verdict {
    Helpful,
    Dismissed,
}

/// Clicks on the form an issue was then filed from: (issue title, docs).
pub(super) const ISSUE_FEEDBACK: &[(&str, &[(&str, Verdict)])] = &[
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
pub(super) struct FormSpec {
    pub(super) user: &'static str,
    pub(super) environment: &'static str,
    pub(super) primary: &'static str,
    pub(super) contexts: &'static [Ctx],
    pub(super) title: &'static str,
    pub(super) age_hours: i64,
    pub(super) docs: &'static [(&'static str, Verdict)],
}

pub(super) const DEFLECTED_FORMS: &[FormSpec] = &[
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
