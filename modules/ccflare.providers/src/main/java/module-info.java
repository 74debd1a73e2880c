/**
 * One adapter per upstream kind: how credentials are sent, how rate-limit headers and usage are
 * read, what a model costs, and OAuth sign-in and token refresh for the subscription kinds.
 */
module ccflare.providers {
    // Its public types take and return ccflare.core records.
    requires transitive ccflare.core;
    requires org.slf4j;
    // OAuth.flows/tokens take a java.net.http.HttpClient: token endpoints are called with the JDK client.
    requires transitive java.net.http;
    // The codex sign-in's loopback listener for the OAuth redirect (LoopbackCallback) is the JDK's HttpServer.
    requires jdk.httpserver;
    // The streaming parser only: usage is scanned from SSE data lines and JSON bodies incrementally.
    requires com.fasterxml.jackson.core;
    // The tree model, off the hot path only: the pricing table (bundled or a models.dev file), OAuth
    // token answers; transitive because ccflare.providers.translate takes and returns JsonNode trees.
    requires transitive com.fasterxml.jackson.databind;
    exports ccflare.providers;
    // Anthropic ⇄ OpenAI Chat ⇄ Responses translation for the /v1/ccflare/** routes (pure functions).
    exports ccflare.providers.translate;
}
