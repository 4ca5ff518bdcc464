DROP INDEX issues_submit_token_key;
ALTER TABLE issues DROP COLUMN submit_token;
