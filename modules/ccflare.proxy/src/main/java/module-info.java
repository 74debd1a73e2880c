/**
 * The /v1/** hot path: route the request, choose the account, make the upstream attempts,
 * stream the response back, and hand one record per request to the request log.
 */
module ccflare.proxy {
    // Its public types take ccflare.core records and ports.
    requires transitive ccflare.core;
    // Proxy's constructor takes Pricing and ProviderAdapter.
    requires transitive ccflare.providers;
    requires org.slf4j;
    // Proxy.handler() returns a Jetty Handler.
    requires transitive org.eclipse.jetty.server;
    requires org.eclipse.jetty.client;
    // The upstream client speaks HTTP/2 to upstreams that offer it over TLS (UpstreamTransport).
    requires org.eclipse.jetty.http2.client;
    requires org.eclipse.jetty.http2.client.transport;
    // No package is used: it provides ALPN through the JDK's SSLEngine as a service of
    // org.eclipse.jetty.alpn.client; required so the module graph always holds it (without a
    // provider, ALPN is not offered and every TLS upstream is spoken to over HTTP/1.1).
    requires org.eclipse.jetty.alpn.java.client;
    requires com.fasterxml.jackson.core;
    // The translating routes (/v1/ccflare/**) read the request body as a tree once, to translate it.
    requires com.fasterxml.jackson.databind;
    exports ccflare.proxy;
}
