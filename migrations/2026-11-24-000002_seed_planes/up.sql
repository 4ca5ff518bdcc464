-- The four platform planes every installation starts with (from the seed
-- schema). Reference data rather than demo data, so it lives in a migration
-- and exists in production too. ON CONFLICT keeps it idempotent: a plane an
-- admin already created with one of these slugs is left as it is.
INSERT INTO planes (name, slug, description, display_order) VALUES
    ('App CI/CD',            'app-cicd',      'Application build, test, and deployment pipelines', 1),
    ('EKS',                  'eks',           'Kubernetes cluster configuration and operations',   2),
    ('Observability',        'observability', 'Logging, monitoring, and alerting',                 3),
    ('Infrastructure CI/CD', 'infra-cicd',    'Infrastructure provisioning and management',        4)
ON CONFLICT (slug) DO NOTHING;
