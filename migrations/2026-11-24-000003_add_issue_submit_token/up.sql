-- The one-time token of the form an issue was filed from: a double click or
-- a resent form finds the issue already made instead of making a second one.
ALTER TABLE issues ADD COLUMN submit_token uuid NULL;
CREATE UNIQUE INDEX issues_submit_token_key ON issues (submit_token) WHERE submit_token IS NOT NULL;
