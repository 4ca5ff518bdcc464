DROP TABLE doc_rollup_contexts;
DROP TABLE doc_rollup_docs;
DROP TABLE doc_rollup_sessions;
DROP TABLE doc_rollup_state;
DROP TRIGGER doc_feedback_record_session ON doc_feedback;
DROP FUNCTION doc_feedback_record_session();
CREATE INDEX doc_feedback_form_session_id_idx ON doc_feedback (form_session_id)
    WHERE issue_id IS NULL;
DROP INDEX doc_feedback_form_session_id_doc_id_idx;
DROP TABLE doc_impressions;
DROP TABLE form_sessions;
