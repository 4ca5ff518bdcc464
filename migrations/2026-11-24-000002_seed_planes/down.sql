-- Removes the four seeded planes (their contexts and options cascade).
-- Fails, on purpose, while issues still reference one of them
-- (issues.primary_plane_id and issue_planes.plane_id are ON DELETE RESTRICT).
DELETE FROM planes
WHERE slug IN ('app-cicd', 'eks', 'observability', 'infra-cicd');
