package ccflare.cli;

/** API answers shaped like ccflare.protocol's DTOs, timed against {@link Cli#NOW}. */
final class Samples {
    private Samples() {}

    static final String ACCOUNTS = """
            [{"id":"a1","name":"work","provider":"anthropic","priority":0,"paused":false,"created":"2026-02-01T00:00:00Z",
              "lastUsed":"2026-03-01T11:55:00Z","requestCount":12,"totalRequests":340,"sessionStart":"2026-03-01T10:00:00Z",
              "sessionRequestCount":12,"rateLimitStatus":"OK","rateLimitReset":null,"rateLimitRemaining":null,
              "needsReauth":false,"hasCredentials":true},
             {"id":"a2","name":"personal-max","provider":"claude-code","priority":5,"paused":true,"created":"2026-02-02T00:00:00Z",
              "lastUsed":null,"requestCount":0,"totalRequests":0,"sessionStart":null,"sessionRequestCount":0,
              "rateLimitStatus":"OK","rateLimitReset":null,"rateLimitRemaining":null,"needsReauth":false,"hasCredentials":true},
             {"id":"a3","name":"team","provider":"openai","priority":1,"paused":false,"created":"2026-02-03T00:00:00Z",
              "lastUsed":"2026-02-27T12:00:00Z","requestCount":3,"totalRequests":9,"sessionStart":null,"sessionRequestCount":0,
              "rateLimitStatus":"rate_limited (3m)","rateLimitReset":"2026-03-01T12:03:00Z","rateLimitRemaining":0,
              "needsReauth":false,"hasCredentials":true}]""";

    static final String HEALTH = """
            {"status":"ok","version":"0.1.0","uptimeMs":7500000,"accounts":3,"database":"ok","timestamp":"2026-03-01T12:00:00Z"}""";

    static final String STATS = """
            {"totalRequests":1234,"successRate":98,"activeAccounts":2,"avgResponseTime":1234,"totalTokens":1234567,
             "totalCostUsd":0.0123,"avgTokensPerSecond":45.24,
             "tokenDetails":{"inputTokens":1000,"cacheReadInputTokens":2000,"cacheCreationInputTokens":300,"outputTokens":400,"reasoningTokens":0},
             "topModels":[{"model":"claude-sonnet-4-5","count":1000,"percentage":81.04}],
             "accounts":[{"name":"work","requestCount":1200,"successRate":99,"totalTokens":1200000,"costUsd":0.0117}],
             "recentErrors":["upstream 529 overloaded"]}""";

    static final String REQUESTS = """
            [{"id":"r2","timestamp":"2026-03-01T11:59:00Z","method":"POST","path":"/v1/messages","accountUsed":"work",
              "statusCode":200,"success":true,"responseTimeMs":1234,"failoverAttempts":0,"model":"claude-sonnet-4-5",
              "totalTokens":1500,"costUsd":0.0123,"outcome":"ok","attempts":1},
             {"id":"r1","timestamp":"2026-03-01T11:00:00Z","method":"POST","path":"/v1/messages","accountUsed":null,
              "statusCode":429,"success":false,"responseTimeMs":87,"failoverAttempts":1,"model":"claude-opus-4-1",
              "costUsd":0,"outcome":"rate_limited","attempts":2}]""";

    static final String CONFIG = """
            {"port":8181,"host":"127.0.0.1","data_retention_days":7,"log_level":"INFO","session_duration_ms":18000000}""";

    static final String ANALYZE = """
            {"databaseBytes":12582912,"walBytes":4096,"integrity":"ok","rows":{"accounts":3,"requests":1234,"request_payloads":800}}""";

    static final String LOGS = """
            [{"ts":1772366400000,"level":"INFO","msg":"first"},{"ts":1772366401000,"level":"WARN","msg":"second"},
             {"ts":1772366402000,"level":"ERROR","msg":"third"}]""";

    static String action(String message) {
        return "{\"success\":true,\"message\":\"" + message + "\"}";
    }
}
