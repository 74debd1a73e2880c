-- Every index on requests is maintained on every recorded request, and the single writer spent
-- most of its time there under load. Kept: idx_requests_timestamp (recent, every time-filtered
-- statistic, request retention), idx_requests_model_timestamp (model filters, per-model groups and
-- the per-model p95 walk) and idx_request_payloads_timestamp (payload retention). The others served
-- queries this build does not run: account, success and cost filters are applied to the
-- time-range scan, which the timestamp index already narrows.
DROP INDEX IF EXISTS idx_requests_timestamp_account;
DROP INDEX IF EXISTS idx_requests_success_timestamp;
DROP INDEX IF EXISTS idx_requests_account_timestamp;
DROP INDEX IF EXISTS idx_requests_cost_model;
DROP INDEX IF EXISTS idx_requests_response_time;
DROP INDEX IF EXISTS idx_requests_tokens;
