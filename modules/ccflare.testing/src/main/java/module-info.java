/**
 * Test fixtures, never on the runtime path: a fake upstream that behaves like the Anthropic, OpenAI,
 * Codex and OAuth servers, an SSE parser, the original ccflare's databases, small HTTP client helpers and a manual clock.
 */
module ccflare.testing {
    requires org.eclipse.jetty.server;
    // FakeUpstream's TLS listener: HTTP/2 and ALPN.
    requires org.eclipse.jetty.http2.server;
    requires org.eclipse.jetty.alpn.server;
    // No package is used: it provides server ALPN through the JDK's SSLEngine as a service of
    // org.eclipse.jetty.alpn.server; required so it is always in the module graph.
    requires org.eclipse.jetty.alpn.java.server;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires java.net.http;
    // OriginalDatabases writes the original ccflare's database files for the import tests.
    requires java.sql;
    requires org.xerial.sqlitejdbc;
    exports ccflare.testing;
}
