-- Which translation a /v1/ccflare/** route ran, as <client grammar>→<upstream grammar>
-- (openai-chat→anthropic-messages, anthropic-messages→codex-responses, …); NULL when the body
-- passed untranslated (every pass-through route, and every row written before this migration).
ALTER TABLE requests ADD COLUMN translation TEXT;
