//! The demo's catalog as data: the context fields of the four built-in
//! planes with their options, and the documentation (Diátaxis types, linked
//! to planes and tagged with context values). `seed.rs` writes it.

use crate::db::models::enums::{DocType, FieldType};

/// Where the demo docs live; each doc's path is appended.
pub(super) const DOCS_BASE: &str = "https://docs.platform.example";

/// One context field of a plane.
pub(super) struct ContextSpec {
    pub(super) key: &'static str,
    pub(super) label: &'static str,
    pub(super) field_type: FieldType,
    pub(super) required: bool,
    pub(super) help: Option<&'static str>,
    /// (value, label)
    pub(super) options: &'static [(&'static str, &'static str)],
}

/// The fields of each built-in plane, by slug, in display order.
pub(super) const PLANE_CONTEXTS: &[(&str, &[ContextSpec])] = &[
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

/// A context value: (plane slug, context key, value).
pub(super) type Ctx = (&'static str, &'static str, &'static str);

/// One doc; `tags` are context values it answers (unknown ones are skipped).
pub(super) struct DocSpec {
    pub(super) path: &'static str,
    pub(super) title: &'static str,
    pub(super) doc_type: DocType,
    pub(super) summary: &'static str,
    pub(super) planes: &'static [&'static str],
    pub(super) tags: &'static [Ctx],
    pub(super) active: bool,
}

pub(super) const ALL_PLANES: &[&str] = &["app-cicd", "eks", "observability", "infra-cicd"];

pub(super) const DOCS: &[DocSpec] = &[
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
